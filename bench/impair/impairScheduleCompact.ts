/**
 * The network side of an impairment model, and the compact (typed-array) form of an impaired
 * schedule. The transport is TCP, so writes are delivered in write order: a write delayed by jitter
 * or caught in a stall holds back every later write (head-of-line blocking), and the backlog then
 * arrives back to back.
 */

import { sampleDelayMs } from './delayDistribution.js';
import { effectRandom } from './effectStreams.js';
import { DEFAULT_FRAME_MS, type ImpairmentProfile } from './profiles.js';
import { planSenderWrites } from './senderWrites.js';
import { assertValidProfile } from './validateProfile.js';

export { WRITE_DUPLICATE, WRITE_REORDERED } from './senderWrites.js';

/** A stall that held back at least one delivery. */
export interface StallWindow {
  /** When the connection stopped delivering, ms from call start. */
  readonly startMs: number;
  /** How long nothing was delivered. */
  readonly durationMs: number;
}

/** Options of {@link impairScheduleCompact} and `impairSchedule`. */
export interface ImpairScheduleOptions {
  /** Nominal spacing of frames at the sender; Telnyx uses 20 ms. */
  readonly frameMs?: number;
}

/** An impaired schedule as parallel typed arrays of length `count`, sorted by delivery time. */
export interface CompactSchedule {
  /** Frames in the original call (indices 0 … frameCount − 1). */
  readonly frameCount: number;
  /** Nominal frame spacing used. */
  readonly frameMs: number;
  /** Number of deliveries. */
  readonly count: number;
  /** Delivery time of each message, ms from call start; strictly increasing. */
  readonly atMs: Float64Array;
  /** Original frame index carried by each delivery. */
  readonly frameIndex: Int32Array;
  /** `WRITE_DUPLICATE` | `WRITE_REORDERED` per delivery. */
  readonly flags: Uint8Array;
  /** Stalls that held back deliveries, in time order. */
  readonly stalls: readonly StallWindow[];
  /** When the socket is destroyed without a close frame; no delivery happens at or after it. */
  readonly disconnectAtMs?: number;
}

/**
 * What the engine's WebSocket delivers when Telnyx sends `frameCount` frames (frame i nominally at
 * i × frameMs) through `profile`, deterministic in `seed`.
 *
 * @remarks Each effect draws from its own seeded sub-stream. `clean` gives frame i at exactly
 * i × frameMs. Linear in `frameCount`; allocates only the result and a few scratch arrays.
 * @throws RangeError if the profile, frame count, frame spacing or seed is invalid.
 * @example
 * const schedule = impairScheduleCompact(9000, profileByName('wifi'), deriveSeed(runSeed, callIndex));
 */
export function impairScheduleCompact(frameCount: number, profile: ImpairmentProfile, seed: number, options: ImpairScheduleOptions = {}): CompactSchedule {
  const frameMs = options.frameMs ?? DEFAULT_FRAME_MS;
  if (!Number.isSafeInteger(frameCount) || frameCount < 0) throw new RangeError(`frameCount must be an integer ≥ 0, got ${frameCount}`);
  if (!Number.isFinite(frameMs) || frameMs <= 0) throw new RangeError(`frameMs must be finite and > 0, got ${frameMs}`);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`seed must be a safe integer, got ${seed}`);
  assertValidProfile(profile);

  const writes = planSenderWrites(frameCount, profile, seed);
  const jitterRandom = effectRandom(seed, 'jitter');
  const stallRandom = effectRandom(seed, 'stalls');
  const disconnectRandom = effectRandom(seed, 'disconnect');

  let disconnectAtMs = Number.POSITIVE_INFINITY;
  if (profile.disconnect.probabilityPerCall > 0 && disconnectRandom.bernoulli(profile.disconnect.probabilityPerCall)) {
    disconnectAtMs = disconnectRandom.uniformBetween(0, frameCount * frameMs);
  }

  const { baseDelayMs, burstSpacingMs } = profile;
  const { delay: jitterDelay, maxMs: jitterMaxMs } = profile.jitter;
  const { perMinute, duration: stallDuration, maxMs: stallMaxMs } = profile.stalls;
  const meanStallGapMs = perMinute > 0 ? 60_000 / perMinute : Number.POSITIVE_INFINITY;
  // Stall starts form a Poisson process over the time the connection is up; windows are drawn
  // lazily as deliveries move forward, so their count follows the call's length.
  let stallStart = Number.POSITIVE_INFINITY;
  let stallEnd = Number.POSITIVE_INFINITY;
  if (perMinute > 0) {
    stallStart = stallRandom.exponential(meanStallGapMs);
    stallEnd = stallStart + sampleDelayMs(stallDuration, stallMaxMs, stallRandom);
  }
  let lastRecordedStallStart = Number.NaN;
  const stalls: StallWindow[] = [];

  const atMs = new Float64Array(writes.count);
  let count = 0;
  let previous = Number.NEGATIVE_INFINITY;
  for (let w = 0; w < writes.count; w++) {
    const sentAt = (writes.slot[w] ?? 0) * frameMs;
    let arrival = sentAt + baseDelayMs + sampleDelayMs(jitterDelay, jitterMaxMs, jitterRandom);
    const earliest = previous + burstSpacingMs;
    if (arrival < earliest) arrival = earliest;
    while (arrival >= stallEnd) {
      stallStart = stallEnd + stallRandom.exponential(meanStallGapMs);
      stallEnd = stallStart + sampleDelayMs(stallDuration, stallMaxMs, stallRandom);
    }
    if (arrival >= stallStart) {
      if (stallStart !== lastRecordedStallStart) {
        stalls.push({ startMs: stallStart, durationMs: stallEnd - stallStart });
        lastRecordedStallStart = stallStart;
      }
      arrival = stallEnd;
    }
    if (arrival >= disconnectAtMs) break;
    atMs[count] = arrival;
    previous = arrival;
    count++;
  }

  const base = {
    frameCount,
    frameMs,
    count,
    atMs: atMs.subarray(0, count),
    frameIndex: writes.frameIndex.subarray(0, count),
    flags: writes.flags.subarray(0, count),
    stalls,
  };
  return Number.isFinite(disconnectAtMs) ? { ...base, disconnectAtMs } : base;
}
