/**
 * Per-trace statistics of a delivery schedule, for the jitter-buffer comparison report and for
 * checking that a profile does what its table says.
 */

import type { Delivery } from './impairSchedule.js';
import { DEFAULT_FRAME_MS } from './profiles.js';
import { quantileOfSorted } from '../support/quantiles.js';

/** Options of {@link summarizeSchedule}. */
export interface ScheduleSummaryOptions {
  /** Playout delay of the fixed buffer against which frames count as late. */
  readonly fixedDelayMs: number;
  /** Nominal frame spacing; 20 ms unless said otherwise. */
  readonly frameMs?: number;
  /** Frames in the original call, to count the missing ones; default: highest delivered index + 1. */
  readonly frameCount?: number;
  /** Deliveries at most this far apart belong to one burst; default 1 ms. */
  readonly burstGapMs?: number;
}

/** What one impaired trace looks like to a receiver. */
export interface ScheduleSummary {
  /** Messages delivered, duplicates included. */
  readonly deliveries: number;
  /** Distinct frames delivered. */
  readonly framesDelivered: number;
  /** Frames below `frameCount` never delivered (sender loss, or cut by a disconnect). */
  readonly missingFrames: number;
  /** Deliveries of a frame that had already been delivered. */
  readonly duplicates: number;
  /** First deliveries of a frame arriving after a higher-numbered frame. */
  readonly reordered: number;
  /** Longest silence between two consecutive deliveries, ms. */
  readonly maxGapMs: number;
  /** Most consecutive deliveries each within `burstGapMs` of the previous one. */
  readonly longestBurst: number;
  /** Smallest (first arrival − i × frameMs) over delivered frames: the path's delay floor. */
  readonly transitFloorMs: number;
  /** Mean lateness: (first arrival − i × frameMs) − transitFloorMs, over delivered frames. */
  readonly meanLatenessMs: number;
  /** 95th percentile of lateness (nearest rank). */
  readonly latenessP95Ms: number;
  /** 99th percentile of lateness (nearest rank). */
  readonly latenessP99Ms: number;
  /** Largest lateness: the smallest fixed delay with no late frame at all. */
  readonly maxLatenessMs: number;
  /** Delivered frames whose lateness exceeds `fixedDelayMs`. */
  readonly lateFrames: number;
  /** lateFrames / framesDelivered (0 when nothing was delivered). */
  readonly lateFraction: number;
}

/**
 * Statistics of `deliveries` (sorted by time, as `impairSchedule` returns them).
 *
 * @remarks Lateness is measured against the fastest frame of the trace, i.e. a fixed buffer whose
 * playout clock starts at `transitFloorMs`: the offline oracle's view, not what a causal buffer
 * that starts on the first frame would see. A frame counts as late when it arrives more than
 * `fixedDelayMs` after that clock's slot for it.
 * @throws RangeError if a delivery's frame index is negative, fractional or ≥ `frameCount`.
 */
export function summarizeSchedule(deliveries: readonly Delivery[], options: ScheduleSummaryOptions): ScheduleSummary {
  const frameMs = options.frameMs ?? DEFAULT_FRAME_MS;
  const burstGapMs = options.burstGapMs ?? 1;
  let highestIndex = -1;
  for (const delivery of deliveries) if (delivery.frameIndex > highestIndex) highestIndex = delivery.frameIndex;
  const frameCount = options.frameCount ?? highestIndex + 1;

  const firstArrival = new Float64Array(frameCount).fill(Number.NaN);
  let duplicates = 0;
  let reordered = 0;
  let maxGapMs = 0;
  let longestBurst = deliveries.length > 0 ? 1 : 0;
  let currentBurst = 1;
  let highestSoFar = -1;
  let previousAt = Number.NaN;
  for (const { atMs, frameIndex } of deliveries) {
    if (!Number.isSafeInteger(frameIndex) || frameIndex < 0 || frameIndex >= frameCount) {
      throw new RangeError(`frameIndex ${frameIndex} is outside [0, ${frameCount})`);
    }
    if (!Number.isNaN(previousAt)) {
      const gap = atMs - previousAt;
      if (gap > maxGapMs) maxGapMs = gap;
      currentBurst = gap <= burstGapMs ? currentBurst + 1 : 1;
      if (currentBurst > longestBurst) longestBurst = currentBurst;
    }
    previousAt = atMs;
    if (!Number.isNaN(firstArrival[frameIndex] ?? Number.NaN)) {
      duplicates++;
      continue;
    }
    firstArrival[frameIndex] = atMs;
    if (frameIndex < highestSoFar) reordered++;
    else highestSoFar = frameIndex;
  }

  let framesDelivered = 0;
  let transitFloorMs = Number.POSITIVE_INFINITY;
  for (let i = 0; i < frameCount; i++) {
    const arrival = firstArrival[i] ?? Number.NaN;
    if (Number.isNaN(arrival)) continue;
    framesDelivered++;
    const transit = arrival - i * frameMs;
    if (transit < transitFloorMs) transitFloorMs = transit;
  }
  if (framesDelivered === 0) transitFloorMs = 0;

  const lateness = new Float64Array(framesDelivered);
  let filled = 0;
  let latenessSum = 0;
  let lateFrames = 0;
  for (let i = 0; i < frameCount; i++) {
    const arrival = firstArrival[i] ?? Number.NaN;
    if (Number.isNaN(arrival)) continue;
    const late = arrival - i * frameMs - transitFloorMs;
    lateness[filled++] = late;
    latenessSum += late;
    if (late > options.fixedDelayMs) lateFrames++;
  }
  lateness.sort();

  return {
    deliveries: deliveries.length,
    framesDelivered,
    missingFrames: frameCount - framesDelivered,
    duplicates,
    reordered,
    maxGapMs,
    longestBurst,
    transitFloorMs,
    meanLatenessMs: framesDelivered > 0 ? latenessSum / framesDelivered : 0,
    latenessP95Ms: quantileOfSorted(lateness, 0.95),
    latenessP99Ms: quantileOfSorted(lateness, 0.99),
    maxLatenessMs: framesDelivered > 0 ? (lateness[framesDelivered - 1] ?? 0) : 0,
    lateFrames,
    lateFraction: framesDelivered > 0 ? lateFrames / framesDelivered : 0,
  };
}
