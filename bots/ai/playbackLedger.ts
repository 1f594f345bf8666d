import type { ClearedAudio } from '../api.js';

/** Where one assistant item's audio sits in everything the bot has queued, in samples. */
interface ItemSpan {
  readonly itemId: string;
  readonly start: number;
  end: number;
}

/** What a barge-in cut off of the item that was playing. */
export interface InterruptedItem {
  readonly itemId: string;
  /** Milliseconds of the item the caller heard: never more than the item's audio. */
  readonly heardMs: number;
  /** Milliseconds of the item's audio that had been queued. */
  readonly queuedMs: number;
}

/** Items whose spans are kept: older ones have long been heard in full. */
const MAX_SPANS = 64;

/**
 * Knows which assistant item each queued sample belongs to and how far the caller has heard, from
 * two sources: mark echoes (Telnyx confirms a position was played) and, at a barge-in, what `clear`
 * reports as never sent or sent but not yet played. Positions count samples at the output's rate
 * since the call started.
 */
export class PlaybackLedger {
  private readonly spans: ItemSpan[] = [];
  private queued = 0;
  private confirmed = 0;

  constructor(private readonly sampleRate: number) {}

  /** Samples queued so far: the position right after the last queued sample. */
  get queuedPosition(): number {
    return this.queued;
  }

  /** The furthest position a mark echo confirmed the caller heard. */
  get confirmedPosition(): number {
    return this.confirmed;
  }

  /** Records `samples` of item `itemId` queued for playback; returns the position after them. */
  queue(itemId: string, samples: number): number {
    const last = this.spans.at(-1);
    if (last !== undefined && last.itemId === itemId && last.end === this.queued) last.end += samples;
    else {
      this.spans.push({ itemId, start: this.queued, end: this.queued + samples });
      if (this.spans.length > MAX_SPANS) this.spans.shift();
    }
    this.queued += samples;
    return this.queued;
  }

  /** Records silence or audio of no item (a fallback prompt) queued for playback. */
  queueUnowned(samples: number): void {
    this.queued += samples;
  }

  /** A mark placed at `position` was echoed: the caller heard everything before it. */
  confirm(position: number): void {
    if (position > this.confirmed && position <= this.queued) this.confirmed = position;
  }

  /**
   * Settles a barge-in from what `clear` reported: everything after the heard position is gone.
   * Returns the item the caller was hearing when cut off, if one was.
   */
  interrupt(cleared: ClearedAudio): InterruptedItem | undefined {
    const estimated = this.queued - cleared.unsentSamples - cleared.unplayedSamples;
    const heard = Math.min(this.queued, Math.max(this.confirmed, estimated));
    // The item cut is the one whose audio straddles the heard position, or the first one not yet heard at all.
    const cut = this.spans.find((span) => span.end > heard);
    this.queued = heard;
    this.confirmed = heard;
    if (cut === undefined) return undefined;
    const itemSpans = this.spans.filter((span) => span.itemId === cut.itemId);
    const queuedSamples = itemSpans.reduce((sum, span) => sum + (span.end - span.start), 0);
    const heardSamples = itemSpans.reduce((sum, span) => sum + Math.max(0, Math.min(span.end, heard) - span.start), 0);
    for (let i = this.spans.length - 1; i >= 0; i--) {
      const span = this.spans[i]!;
      if (span.start >= heard) this.spans.splice(i, 1);
      else if (span.end > heard) span.end = heard;
    }
    return { itemId: cut.itemId, heardMs: this.toMs(heardSamples), queuedMs: this.toMs(queuedSamples) };
  }

  private toMs(samples: number): number {
    return Math.floor((samples * 1000) / this.sampleRate);
  }
}
