/**
 * Opus per-frame cost: callwire's coders over `@discordjs/opus` against `opusscript`, with PCMU
 * encode of the same frame as the same-run baseline. Prints a Markdown table (ns per 20 ms frame,
 * heap and ArrayBuffer bytes per frame, ratio to the baseline).
 *
 * Run: `node --expose-gc --no-concurrent-array-buffer-sweeping --import tsx bench/opus/compare.ts [rates]`
 * (rates default to 8000,16000,48000). Without the sweeping flag, V8 frees earlier garbage Buffers
 * on a background thread while ArrayBuffer bytes are being counted, and the figure flips between 0
 * and the true value (measured).
 */
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { measureAllocations } from '../support/allocations.js';
import { contendersAt, type Contender } from './contenders.js';
import { median } from '../support/quantiles.js';

/** Time budget of each contender's timed run, in ms. */
const RUN_TIME_MS = 800;
/** Calls per timed sample for sub-microsecond ops, so the timer's own cost is noise. */
const FAST_BATCH = 64;
/** Calls measured for heap bytes per frame (and twice as many, see {@link bytesPerCall}). */
const HEAP_ITERATIONS = 10_000;
/** Differential heap measurements per contender; the median is reported. */
const HEAP_ROUNDS = 1;
/** Calls measured for ArrayBuffer bytes: few, so no collection frees the backing stores first. */
const ARRAY_BUFFER_ITERATIONS = 300;

const rates = (process.argv[2] ?? '8000,16000,48000').split(',').map(Number);
if ((globalThis as { gc?: unknown }).gc === undefined) process.stderr.write('warning: run with --expose-gc\n');
if (!process.execArgv.includes('--no-concurrent-array-buffer-sweeping')) {
  process.stderr.write('warning: run with --no-concurrent-array-buffer-sweeping for stable ArrayBuffer figures\n');
}

/** Keeps results reachable so the JIT cannot drop the work. */
let blackhole: unknown;

/** One measured row. */
interface Row {
  readonly label: string;
  readonly ns: number;
  readonly rme: number;
  readonly heap: number;
  readonly arrayBuffers: number;
  readonly arrayBuffersLowerBound: boolean;
}

/**
 * Heap bytes one call allocates: the difference between runs of `n` and `2n` calls, so the fixed
 * cost of a measurement (the GC profiler, the first call's feedback) cancels out; median of three.
 */
function bytesPerCall(op: () => void, n: number): number {
  const estimates: number[] = [];
  for (let round = 0; round < HEAP_ROUNDS; round++) {
    const once = measureAllocations(op, n);
    const twice = measureAllocations(op, 2 * n);
    estimates.push(Math.max(0, (twice.heapBytesPerOp * 2 * n - once.heapBytesPerOp * n) / n));
  }
  return median(estimates);
}

/** Times `contenders` in one tinybench run, then measures what each allocates per call. */
async function measure(contenders: readonly Contender[]): Promise<Row[]> {
  const batches = contenders.map((c, i) => (i === 0 ? FAST_BATCH : 1));
  const bench = new Bench({ time: RUN_TIME_MS, warmupTime: 200, timestampProvider: 'hrtimeNow', throws: true });
  contenders.forEach((contender, i) => {
    const { op } = contender;
    const batch = batches[i]!;
    bench.add(contender.label, () => {
      for (let k = 0; k < batch; k++) blackhole = op();
    });
  });
  await bench.run();
  return contenders.map((contender, i) => {
    const result = bench.getTask(contender.label)?.result;
    if (result?.state !== 'completed') throw new Error(`${contender.label}: ${result?.state ?? 'missing'}`);
    const keep = (): void => {
      blackhole = contender.op();
    };
    const heap = bytesPerCall(keep, HEAP_ITERATIONS);
    const buffers = measureAllocations(keep, ARRAY_BUFFER_ITERATIONS, 100);
    return {
      label: contender.label,
      ns: (result.latency.mean * 1e6) / batches[i]!,
      rme: result.latency.rme,
      heap,
      arrayBuffers: buffers.arrayBufferBytesPerOp,
      arrayBuffersLowerBound: buffers.collections > 0,
    };
  });
}

const lines: string[] = [
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}`,
  '',
  '| rate | operation (one 20 ms frame) | ns/frame | ±% | × PCMU encode | heap B/frame | ArrayBuffer B/frame |',
  '|---|---|---:|---:|---:|---:|---:|',
];
for (const rate of rates) {
  // V8 specializes a closure while it is its function literal's only instance; a throwaway first
  // set keeps every op as general as the engine's own calls.
  contendersAt(rate);
  const set = contendersAt(rate);
  process.stderr.write(`measuring ${rate} Hz\n`);
  const rows = await measure([set.baseline, ...set.encode, ...set.decode]);
  const base = rows[0]!.ns;
  for (const row of rows) {
    const buffers = `${row.arrayBuffers.toFixed(0)}${row.arrayBuffersLowerBound ? ' (≥)' : ''}`;
    lines.push(
      `| ${rate} | ${row.label} | ${row.ns.toFixed(0)} | ${row.rme.toFixed(1)} | ${(row.ns / base).toFixed(1)} | ${row.heap.toFixed(0)} | ${buffers} |`,
    );
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
void blackhole;
