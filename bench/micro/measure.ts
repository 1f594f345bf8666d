import { Bench } from 'tinybench';
import { measureAllocations } from '../support/allocations.js';
import type { BenchPair, Contender } from './pair.js';

/** Time budget of each contender's timed run, in ms. */
const RUN_TIME_MS = 600;
/** Time budget of each contender's warmup, in ms. */
const WARMUP_TIME_MS = 150;
/** Calls in one timed sample: enough that the timer's own cost (tens of ns) is noise. */
const TARGET_SAMPLE_NS = 20_000;
/** Calls measured for heap bytes/op: many, so fixed costs of the measurement vanish. */
const HEAP_ITERATIONS = 50_000;
/**
 * Calls measured for ArrayBuffer bytes/op: few, so no collection frees the backing stores before they
 * are counted (measureAllocations counts the ones still alive at the end).
 */
const ARRAY_BUFFER_ITERATIONS = 1_000;

/** What one contender measured. */
export interface ContenderResult {
  readonly label: string;
  /** Mean time per call. */
  readonly nsPerOp: number;
  /** 99th percentile of the per-call mean of one timed sample ({@link batch} calls). */
  readonly p99NsPerOp: number;
  readonly opsPerSecond: number;
  /** Relative margin of error of the mean, in percent (tinybench's 95 % interval). */
  readonly rmePercent: number;
  /** Calls per timed sample. */
  readonly batch: number;
  readonly heapBytesPerOp: number;
  readonly arrayBufferBytesPerOp: number;
  /** True when a collection ran while ArrayBuffers were counted, so the figure is a lower bound. */
  readonly arrayBufferIsLowerBound: boolean;
}

/** What one pair measured; `ours[i]` matches `pair.ours[i]`. */
export interface PairResult {
  readonly pair: BenchPair;
  readonly ours: readonly ContenderResult[];
  readonly baseline: ContenderResult;
}

/** Keeps every result reachable so the JIT cannot drop the work that made it. */
let blackhole: unknown;

/** Calls per timed sample for `op`, from a short free-running estimate (which doubles as warmup). */
function batchFor(op: () => unknown): number {
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 20_000_000n) {
    for (let i = 0; i < 256; i++) blackhole = op();
    calls += 256;
    elapsed = process.hrtime.bigint() - start;
  }
  const nsPerCall = Number(elapsed) / calls;
  return Math.max(1, Math.min(65_536, Math.round(TARGET_SAMPLE_NS / nsPerCall)));
}

/** The task tinybench times: `batch` calls of `op`. Built once per contender, never per call. */
function batched(op: () => unknown, batch: number): () => void {
  return () => {
    let result: unknown;
    for (let i = 0; i < batch; i++) result = op();
    blackhole = result;
  };
}

function collectGarbage(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Times every contender of `pair` in one tinybench run, then measures what each allocates. */
export async function measurePair(pair: BenchPair): Promise<PairResult> {
  const contenders: Contender[] = [...pair.ours, pair.baseline];
  const batches = contenders.map((contender) => batchFor(contender.op));
  const bench = new Bench({
    name: pair.name,
    time: RUN_TIME_MS,
    warmupTime: WARMUP_TIME_MS,
    timestampProvider: 'hrtimeNow',
    throws: true,
    // Each contender starts from a clean heap, so it does not pay for the previous one's garbage.
    setup: collectGarbage,
  });
  contenders.forEach((contender, i) => bench.add(contender.label, batched(contender.op, batches[i]!)));
  await bench.run();
  const results = contenders.map((contender, i) => {
    const task = bench.getTask(contender.label);
    const result = task?.result;
    if (result === undefined || result.state !== 'completed') {
      throw new Error(`${pair.name} / ${contender.label}: tinybench state ${result?.state ?? 'missing'}`);
    }
    const batch = batches[i]!;
    const nsPerOp = (result.latency.mean * 1e6) / batch;
    const keep = (): void => {
      blackhole = contender.op();
    };
    const heap = measureAllocations(keep, HEAP_ITERATIONS);
    const buffers = measureAllocations(keep, ARRAY_BUFFER_ITERATIONS);
    return {
      label: contender.label,
      nsPerOp,
      p99NsPerOp: (result.latency.p99 * 1e6) / batch,
      opsPerSecond: 1e9 / nsPerOp,
      rmePercent: result.latency.rme,
      batch,
      heapBytesPerOp: heap.heapBytesPerOp,
      arrayBufferBytesPerOp: buffers.arrayBufferBytesPerOp,
      arrayBufferIsLowerBound: buffers.collections > 0,
    } satisfies ContenderResult;
  });
  return { pair, ours: results.slice(0, -1), baseline: results[results.length - 1]! };
}

