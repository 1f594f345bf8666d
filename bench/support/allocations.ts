import { GCProfiler, getHeapStatistics } from 'node:v8';

/** Heap and ArrayBuffer bytes one call of an operation allocates, averaged over many calls. */
export interface AllocationReport {
  /** JS heap bytes allocated per call (young and old generation, including garbage collected meanwhile). */
  readonly heapBytesPerOp: number;
  /** Growth of ArrayBuffer backing stores per call (Buffers, typed arrays) still alive at the end. */
  readonly arrayBufferBytesPerOp: number;
  /** Garbage collections that ran during the measured calls. */
  readonly collections: number;
}

/**
 * Measures what `op` allocates per call. Scavenges during the run are accounted for through
 * GCProfiler (bytes freed by each collection are added back), so the figure is what was allocated,
 * not what survived. Run with `--expose-gc` for a clean start; without it the first collection
 * is left to V8.
 */
export function measureAllocations(op: () => void, iterations: number, warmup = Math.min(iterations, 1000)): AllocationReport {
  for (let i = 0; i < warmup; i++) op();
  const collect = (globalThis as { gc?: () => void }).gc;
  collect?.();
  const profiler = new GCProfiler();
  profiler.start();
  const heapBefore = getHeapStatistics().used_heap_size;
  const buffersBefore = process.memoryUsage().arrayBuffers;
  for (let i = 0; i < iterations; i++) op();
  const heapAfter = getHeapStatistics().used_heap_size;
  const buffersAfter = process.memoryUsage().arrayBuffers;
  const profile = profiler.stop();
  let freed = 0;
  const statistics = profile?.statistics ?? [];
  for (const event of statistics) {
    freed += event.beforeGC.heapStatistics.usedHeapSize - event.afterGC.heapStatistics.usedHeapSize;
  }
  return {
    heapBytesPerOp: Math.max(0, heapAfter - heapBefore + freed) / iterations,
    arrayBufferBytesPerOp: Math.max(0, buffersAfter - buffersBefore) / iterations,
    collections: statistics.length,
  };
}
