import { setFlagsFromString } from 'node:v8';

/**
 * How far V8 lets the old generation grow past what survived the last full collection, in percent.
 * V8's default on a server is up to 4× (it tunes for throughput); an engine that must stay small
 * under a connection flood is better served by collecting sooner. Measured with the slow-webhook
 * attack (5,000 trickled webhook bodies): peak RSS 464 → 261 MB and RSS after the attack 2.32× →
 * 1.64× idle, at the same CPU (see bench/RESULTS.md).
 */
export const ENGINE_HEAP_GROWING_PERCENT = 30;

/**
 * Caps the old generation's growth factor at {@link ENGINE_HEAP_GROWING_PERCENT} for this process.
 * Call it once at start-up, before the heap has grown: V8 reads the flag at every full collection.
 */
export function limitHeapGrowth(percent: number = ENGINE_HEAP_GROWING_PERCENT): void {
  if (!Number.isInteger(percent) || percent < 1 || percent > 300) throw new RangeError(`heap growing percent must be an integer from 1 to 300, got ${percent}`);
  setFlagsFromString(`--heap-growing-percent=${percent}`);
}
