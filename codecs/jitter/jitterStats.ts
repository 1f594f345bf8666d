import { DelayHistogram } from './delayHistogram.js';

/** A plain copy of {@link JitterStats}, for a call's last log line or a bench report. */
export interface JitterStatsSnapshot {
  readonly packets: number;
  readonly played: number;
  readonly released: number;
  readonly late: number;
  readonly duplicates: number;
  readonly reordered: number;
  readonly unkeyed: number;
  readonly evicted: number;
  readonly resets: number;
  readonly resetDropped: number;
  readonly lost: number;
  readonly recovered: number;
  readonly ticks: number;
  readonly speechFrames: number;
  readonly concealedFrames: number;
  readonly silenceFrames: number;
  readonly underruns: number;
  readonly driftDropped: number;
  readonly driftInserted: number;
  readonly overflowDropped: number;
  readonly acceleratedMs: number;
  readonly expandedMs: number;
  readonly decodeErrors: number;
  readonly targetDelayMs: number;
  readonly addedDelayMeanMs: number;
  readonly addedDelayP95Ms: number;
}

/**
 * Counters of one call's inbound jitter buffer, shared by its reorder and playout stages.
 *
 * @remarks Every pushed packet ends up in exactly one of `played`, `driftDropped`,
 * `overflowDropped`, `decodeErrors`, `late`, `duplicates`, `evicted`, `resetDropped`, or is still buffered; and
 * `speechFrames + concealedFrames + silenceFrames === ticks`. Updating it allocates nothing.
 */
export class JitterStats {
  /** Packets pushed. */
  packets = 0;
  /** Packets decoded and emitted as a `speech` frame. */
  played = 0;
  /** Packets handed out of the reorder ring in order (played or dropped by the playout stage). */
  released = 0;
  /** Packets that arrived after their slot was concealed or skipped; dropped. */
  late = 0;
  /** Packets whose key was already buffered or already released; dropped. */
  duplicates = 0;
  /** Accepted packets that arrived after a packet with a higher key. */
  reordered = 0;
  /** Packets that lacked the stream's key field and were placed in arrival order. */
  unkeyed = 0;
  /** Buffered packets pushed out of the ring by a packet too far ahead (a burst beyond its capacity). */
  evicted = 0;
  /** Restarts and huge jumps of the key that re-based the buffer. */
  resets = 0;
  /** Buffered packets discarded by those resets. */
  resetDropped = 0;
  /** Frame slots that had no packet when played out or skipped. */
  lost = 0;
  /** Lost frames rebuilt from the next packet's forward error correction. */
  recovered = 0;
  /** Playout ticks: one emitted frame each. */
  ticks = 0;
  /** Frames decoded from a packet. */
  speechFrames = 0;
  /** Frames made up by loss concealment. */
  concealedFrames = 0;
  /** Frames of generated silence (before the first packet, after a long loss, or inserted). */
  silenceFrames = 0;
  /** Ticks at which no frame was due (the buffer ran dry); each emitted a concealed or silent frame. */
  underruns = 0;
  /** Quiet frames dropped to shrink the delay toward the target (sender clock faster, or target fell). */
  driftDropped = 0;
  /** Silent frames inserted during silence to grow the delay toward the target (sender clock slower, or target rose). */
  driftInserted = 0;
  /** Frames dropped, even mid-speech, because the delay exceeded the target by more than the overflow limit. */
  overflowDropped = 0;
  /** Media time removed to shrink the delay without dropping a packet, in ms: pitch periods mid-speech, and leftovers of stretching in quiet stretches. */
  acceleratedMs = 0;
  /** Media time added to speech by time-stretching (one pitch period at a time) to grow the delay, in ms. */
  expandedMs = 0;
  /** Packets the codec could not decode (corrupt payloads); each was concealed like a lost frame. */
  decodeErrors = 0;
  /** The playout target delay at the last tick, in ms. */
  targetDelayMs = 0;
  /** Time each played packet spent in the buffer (playout time − arrival time), in ms. */
  readonly addedDelay: DelayHistogram;

  constructor(maxDelayMs = 1000) {
    this.addedDelay = new DelayHistogram(maxDelayMs);
  }

  /** Mean time a played packet waited in the buffer, in ms. */
  get addedDelayMeanMs(): number {
    return this.addedDelay.meanMs;
  }

  /** 95th percentile of the time a played packet waited in the buffer, in ms (1 ms resolution). */
  get addedDelayP95Ms(): number {
    return this.addedDelay.quantileMs(0.95);
  }

  /** A plain copy of every counter. Allocates: for reports, not for the per-frame path. */
  snapshot(): JitterStatsSnapshot {
    return {
      packets: this.packets,
      played: this.played,
      released: this.released,
      late: this.late,
      duplicates: this.duplicates,
      reordered: this.reordered,
      unkeyed: this.unkeyed,
      evicted: this.evicted,
      resets: this.resets,
      resetDropped: this.resetDropped,
      lost: this.lost,
      recovered: this.recovered,
      ticks: this.ticks,
      speechFrames: this.speechFrames,
      concealedFrames: this.concealedFrames,
      silenceFrames: this.silenceFrames,
      underruns: this.underruns,
      driftDropped: this.driftDropped,
      driftInserted: this.driftInserted,
      overflowDropped: this.overflowDropped,
      acceleratedMs: this.acceleratedMs,
      expandedMs: this.expandedMs,
      decodeErrors: this.decodeErrors,
      targetDelayMs: this.targetDelayMs,
      addedDelayMeanMs: this.addedDelayMeanMs,
      addedDelayP95Ms: this.addedDelayP95Ms,
    };
  }
}
