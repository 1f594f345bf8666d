/**
 * One call's impaired inbound media as every strategy of `bench --jitter` sees it: the deliveries in
 * arrival order, and per frame its first arrival and lateness against the path's delay floor.
 */
import type { ImpairedSchedule } from '../impair/index.js';

/** A delivery schedule plus what the strategies need from it, computed once. */
export interface ArrivalTrace {
  /** Nominal frame spacing (frame i is sent at i × frameMs). */
  readonly frameMs: number;
  /** Frames in the original call. */
  readonly frameCount: number;
  /** Deliveries in arrival order (duplicates included): arrival time and frame index. */
  readonly arrivalsMs: Float64Array;
  readonly frameIndices: Int32Array;
  /** First arrival of each frame, NaN for frames never delivered (sender loss, or after a disconnect). */
  readonly firstArrivalMs: Float64Array;
  /** Smallest (first arrival − i × frameMs): the fastest frame's transit, which no buffer can beat. */
  readonly transitFloorMs: number;
  /** Distinct frames delivered. */
  readonly delivered: number;
}

/** Builds the {@link ArrivalTrace} of a schedule from `impairSchedule`. */
export function arrivalTrace(schedule: ImpairedSchedule): ArrivalTrace {
  const { frameCount, frameMs, deliveries } = schedule;
  const arrivalsMs = new Float64Array(deliveries.length);
  const frameIndices = new Int32Array(deliveries.length);
  const firstArrivalMs = new Float64Array(frameCount).fill(Number.NaN);
  let delivered = 0;
  let transitFloorMs = Number.POSITIVE_INFINITY;
  deliveries.forEach((delivery, n) => {
    arrivalsMs[n] = delivery.atMs;
    frameIndices[n] = delivery.frameIndex;
    if (!Number.isNaN(firstArrivalMs[delivery.frameIndex] ?? 0)) return;
    firstArrivalMs[delivery.frameIndex] = delivery.atMs;
    delivered++;
    const transit = delivery.atMs - delivery.frameIndex * frameMs;
    if (transit < transitFloorMs) transitFloorMs = transit;
  });
  return { frameMs, frameCount, arrivalsMs, frameIndices, firstArrivalMs, transitFloorMs: delivered > 0 ? transitFloorMs : 0, delivered };
}

/** When frame `index` would play with no added delay at all: its send time plus the path's floor. */
export function earliestPlayoutMs(trace: ArrivalTrace, index: number): number {
  return index * trace.frameMs + trace.transitFloorMs;
}

/**
 * The one 20 ms playout clock every strategy emits on: ticks at `phaseMs + k × frameMs`. The engine
 * runs one such clock for all calls, so its phase against a call's arrivals is arbitrary; the bench
 * draws it per call.
 */
export class TickGrid {
  readonly phaseMs: number;
  readonly frameMs: number;

  constructor(phaseMs: number, frameMs = 20) {
    if (!(frameMs > 0)) throw new RangeError(`frameMs must be positive, got ${frameMs}`);
    this.phaseMs = phaseMs;
    this.frameMs = frameMs;
  }

  /** Index k of the first tick at or after `ms`. */
  indexAtOrAfter(ms: number): number {
    // The slack keeps a time that sits on a tick (up to rounding) on that tick.
    return Math.ceil((ms - this.phaseMs) / this.frameMs - 1e-9) + 0; // + 0 turns -0 into 0
  }

  /** Time of tick k. */
  tickMs(index: number): number {
    return this.phaseMs + index * this.frameMs;
  }

  /** Time of the first tick at or after `ms`. */
  atOrAfter(ms: number): number {
    return this.tickMs(this.indexAtOrAfter(ms));
  }
}
