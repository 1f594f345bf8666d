/**
 * How much of the good call's audio came back, the longest silence between the engine's outbound
 * media messages, and the longest silence in what Telnyx plays from them, over the attack's window.
 * Pure: fed what was sent and received.
 */
import { FRAME_BYTES } from './distinctAudio.js';

/**
 * Bytes of a frame's start left out of the comparison: after a concealment the jitter buffer
 * cross-fades the first 5 ms (40 bytes at 8 kHz) of the frame that resumes the audio.
 */
const CROSS_FADE_BYTES = 40;

/** One outbound media message as the good call received it. */
export interface ReceivedAudio {
  /** `performance.now()` at arrival. */
  readonly at: number;
  readonly payload: Uint8Array;
}

/** What {@link auditEcho} reads. */
export interface EchoAuditInput {
  /** Every frame the call may have sent, in order. */
  readonly frames: readonly Uint8Array[];
  /** When each frame was sent (`performance.now()`), NaN for frames never sent. */
  readonly sentAt: Float64Array;
  /** The engine's media messages, in arrival order. */
  readonly received: readonly ReceivedAudio[];
  /** The window judged (the attack): frames sent in it, gaps within it. */
  readonly from: number;
  readonly to: number;
}

/** The good call's figures over the window. */
export interface EchoAudit {
  readonly framesSent: number;
  /** Of those, frames heard back (each counted once). */
  readonly framesHeard: number;
  /** framesHeard ÷ framesSent × 100 (100 when nothing was sent). */
  readonly keptPercent: number;
  /** Longest time without an outbound media message inside the window, in ms. */
  readonly maxGapMs: number;
  /** Where that gap started, in ms after `from`. */
  readonly maxGapAtMs: number;
  /**
   * Longest time inside the window in which Telnyx had no audio to play, in ms: it plays each
   * message's audio after what it already holds, or at once when it holds nothing. This is the
   * hole the caller hears; a message carries up to 100 ms and the engine keeps audio at Telnyx
   * ahead of playback, so it is shorter than the pause between messages around it.
   */
  readonly maxSilenceMs: number;
  /** Where that silence started, in ms after `from`. */
  readonly maxSilenceAtMs: number;
}

/** Milliseconds of 8 kHz µ-law audio in `bytes`. */
const BYTES_PER_MS = FRAME_BYTES / 20;

function frameKey(bytes: Uint8Array, offset: number): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset + offset + CROSS_FADE_BYTES, FRAME_BYTES - CROSS_FADE_BYTES).toString('latin1');
}

/** Matches the echo against what was sent and measures the gaps; see {@link EchoAudit}. */
export function auditEcho(input: EchoAuditInput): EchoAudit {
  const { frames, sentAt, received, from, to } = input;
  const indexByKey = new Map<string, number>();
  let framesSent = 0;
  for (let i = 0; i < frames.length; i++) {
    const at = sentAt[i] ?? Number.NaN;
    if (!(at >= from && at <= to)) continue;
    framesSent++;
    indexByKey.set(frameKey(frames[i] as Uint8Array, 0), i);
  }
  // The echo is a stream of whole 160-byte frames split into messages; walk it frame by frame.
  const heard = new Set<number>();
  const pending = Buffer.alloc(FRAME_BYTES);
  let pendingBytes = 0;
  for (const { payload } of received) {
    for (let offset = 0; offset < payload.length; ) {
      const take = Math.min(FRAME_BYTES - pendingBytes, payload.length - offset);
      pending.set(payload.subarray(offset, offset + take), pendingBytes);
      pendingBytes += take;
      offset += take;
      if (pendingBytes < FRAME_BYTES) continue;
      pendingBytes = 0;
      const index = indexByKey.get(frameKey(pending, 0));
      if (index !== undefined) heard.add(index);
    }
  }
  // Gaps: from the last message before the window (or its start) through every message in it, to its end.
  let previous = from;
  for (const { at } of received) if (at <= from) previous = at; // arrivals are in order: the last one before the window
  let maxGapMs = 0;
  let maxGapAtMs = 0;
  const consider = (at: number): void => {
    const gap = at - previous;
    if (gap > maxGapMs) {
      maxGapMs = gap;
      maxGapAtMs = Math.max(0, previous - from);
    }
    previous = at;
  };
  for (const { at } of received) if (at > from && at <= to) consider(at);
  consider(to);
  const silence = longestSilence(received, from, to);
  return {
    framesSent,
    framesHeard: heard.size,
    keptPercent: framesSent === 0 ? 100 : (heard.size / framesSent) * 100,
    maxGapMs,
    maxGapAtMs,
    maxSilenceMs: silence.ms,
    maxSilenceAtMs: silence.atMs,
  };
}

/** Plays `received` as Telnyx would (each message after what it holds) and finds the longest silence inside [from, to]. */
function longestSilence(received: readonly ReceivedAudio[], from: number, to: number): { ms: number; atMs: number } {
  let playedUntil = Number.NEGATIVE_INFINITY;
  let longest = { ms: 0, atMs: 0 };
  const consider = (at: number): void => {
    const start = Math.max(playedUntil, from);
    if (at > start && at - start > longest.ms) longest = { ms: at - start, atMs: start - from };
  };
  for (const { at, payload } of received) {
    if (at > to) break;
    // Before its first message the call had not begun to play: nothing to be silent about.
    if (playedUntil !== Number.NEGATIVE_INFINITY && at > from) consider(at);
    playedUntil = Math.max(playedUntil, at) + payload.length / BYTES_PER_MS;
  }
  consider(to);
  return longest;
}
