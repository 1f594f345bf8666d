/** Test helpers: arrival traces written out by hand. */
import type { Delivery } from '../impair/index.js';
import { arrivalTrace, type ArrivalTrace } from './arrivalTrace.js';

/** A trace of `frameCount` frames from `[frameIndex, atMs]` deliveries, in the order given (sorted by time by the caller). */
export function handTrace(frameCount: number, deliveries: readonly (readonly [frameIndex: number, atMs: number])[]): ArrivalTrace {
  const seen = new Set<number>();
  const list: Delivery[] = deliveries.map(([frameIndex, atMs]) => {
    const duplicate = seen.has(frameIndex);
    seen.add(frameIndex);
    return { atMs, frameIndex, duplicate, reordered: false };
  });
  return arrivalTrace({ frameCount, frameMs: 20, deliveries: list, stalls: [] });
}

/** Frames 0 … n−1 arriving at i × 20 + `transitMs` + `extra(i)`. */
export function steadyTrace(frameCount: number, transitMs = 0, extra: (index: number) => number = () => 0): ArrivalTrace {
  const deliveries: [number, number][] = [];
  for (let i = 0; i < frameCount; i++) deliveries.push([i, i * 20 + transitMs + extra(i)]);
  deliveries.sort((a, b) => a[1] - b[1]);
  return handTrace(frameCount, deliveries);
}
