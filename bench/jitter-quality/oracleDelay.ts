/** (d) of `bench --jitter`: the offline oracle, which knows the whole trace in advance. */
import { earliestPlayoutMs, type ArrivalTrace } from './arrivalTrace.js';

/**
 * The smallest fixed delay (before rounding to the tick grid) with at most `allowedLate` late
 * frames: a frame is late when its lateness (first arrival − its earliest playout time) exceeds the
 * delay, so this is the (allowedLate + 1)-th largest lateness, or 0 when every frame may be late.
 *
 * @remarks Moon, Kurose and Towsley's bound (peers.md §2.2): no fixed-delay buffer does better on
 * this trace for this loss count. Rounded up to the grid by `playFixedDelay`, it may lose fewer.
 * @throws RangeError if `allowedLate` is not a non-negative integer.
 */
export function oracleDelayMs(trace: ArrivalTrace, allowedLate: number): number {
  if (!Number.isSafeInteger(allowedLate) || allowedLate < 0) throw new RangeError(`allowedLate must be an integer ≥ 0, got ${allowedLate}`);
  if (allowedLate >= trace.delivered) return 0;
  const lateness = new Float64Array(trace.delivered);
  let filled = 0;
  for (let i = 0; i < trace.frameCount; i++) {
    const arrival = trace.firstArrivalMs[i] ?? Number.NaN;
    if (!Number.isNaN(arrival)) lateness[filled++] = arrival - earliestPlayoutMs(trace, i);
  }
  lateness.sort();
  return Math.max(0, lateness[trace.delivered - 1 - allowedLate] ?? 0);
}
