/**
 * G.722 per-frame cost: callwire's `G722Encoder`/`G722Decoder` on one 20 ms frame (320 samples at
 * 16 kHz ↔ 160 bytes), against PCMU on its own 20 ms frame (160 samples at 8 kHz ↔ 160 bytes) as
 * the same-run baseline. Same wire size, twice the audio bandwidth. Prints a Markdown table: wall
 * ns per frame (tinybench), CPU ns per frame (process CPU time over a fixed loop, less sensitive
 * to other jobs on a shared machine), ratios to the baseline, payload bytes, and heap and
 * ArrayBuffer bytes allocated per frame.
 *
 * Run: `node --expose-gc --import tsx bench/g722/compare.ts`
 */
import { cpus } from 'node:os';
import { Bench } from 'tinybench';
import { G722Decoder, G722Encoder } from '../../codecs/g722/index.js';
import { PcmuDecoder, PcmuEncoder } from '../../codecs/pcmu.js';
import { measureAllocations } from '../support/allocations.js';

/** Time budget of each contender's timed run, in ms. */
const RUN_TIME_MS = 1000;
/** Frames per timed sample, the same for every contender, so the timer's own cost is amortized alike. */
const BATCH = 8;
/** Calls measured for heap bytes per frame (and twice as many, see {@link bytesPerCall}). */
const HEAP_ITERATIONS = 20_000;
/** Frames run for the CPU-time column. */
const CPU_FRAMES = 20_000;
/** Frames of test signal cycled through: one second. */
const FRAMES = 50;

if ((globalThis as { gc?: unknown }).gc === undefined) process.stderr.write('warning: run with --expose-gc\n');

/** One second of a voice-like signal: three harmonics of 140 Hz with a 5 Hz vibrato, at `rate`. */
function voice(rate: number): Int16Array {
  const out = new Int16Array(rate);
  let phase = 0;
  for (let i = 0; i < out.length; i++) {
    phase += (2 * Math.PI * 140 * (1 + 0.03 * Math.sin((2 * Math.PI * 5 * i) / rate))) / rate;
    out[i] = Math.round(6000 * Math.sin(phase) + 3000 * Math.sin(2 * phase) + 1500 * Math.sin(3 * phase));
  }
  return out;
}

/** A coder operation on the next frame of its cycle, and the payload bytes a frame takes. */
interface Contender {
  readonly label: string;
  readonly payloadBytes: number;
  readonly op: () => number;
}

/** Encodes `frameSamples`-sample frames of `signal` in turn. */
function encodeContender(label: string, encoder: { encode: G722Encoder['encode'] }, signal: Int16Array, frameSamples: number): Contender {
  const out = new Uint8Array(frameSamples);
  let frame = 0;
  return {
    label,
    payloadBytes: encoder.encode(signal, 0, frameSamples, out),
    op: () => {
      const bytes = encoder.encode(signal, frame * frameSamples, frameSamples, out);
      frame = frame + 1 === FRAMES ? 0 : frame + 1;
      return bytes;
    },
  };
}

/** Decodes the payloads of `payloads` (one per frame, `payloadBytes` each) in turn. */
function decodeContender(
  label: string,
  decoder: { decode: G722Decoder['decode'] },
  payloads: Uint8Array,
  payloadBytes: number,
  frameSamples: number,
): Contender {
  const out = new Int16Array(frameSamples);
  // Views made here, not per call: a subarray per frame would be the bench's allocation, not the decoder's.
  const frames: Uint8Array[] = [];
  for (let i = 0; i < FRAMES; i++) frames.push(payloads.subarray(i * payloadBytes, (i + 1) * payloadBytes));
  let frame = 0;
  return {
    label,
    payloadBytes,
    op: () => {
      const samples = decoder.decode(frames[frame]!, payloadBytes, out);
      frame = frame + 1 === FRAMES ? 0 : frame + 1;
      return samples;
    },
  };
}

/** Builds every contender; inputs (signals, encoded payloads) are made here, outside timing. */
function contenders(): Contender[] {
  const narrow = voice(8000);
  const wide = voice(16000);
  const pcmuPayloads = new Uint8Array(8000);
  new PcmuEncoder().encode(narrow, 0, narrow.length, pcmuPayloads);
  const g722Payloads = new Uint8Array(8000);
  new G722Encoder().encode(wide, 0, wide.length, g722Payloads);
  return [
    encodeContender('PCMU encode, 160 samples @ 8 kHz (baseline)', new PcmuEncoder(), narrow, 160),
    decodeContender('PCMU decode, 160 B → 160 samples', new PcmuDecoder(), pcmuPayloads, 160, 160),
    encodeContender('G722Encoder, 320 samples @ 16 kHz', new G722Encoder(), wide, 320),
    decodeContender('G722Decoder, 160 B → 320 samples', new G722Decoder(), g722Payloads, 160, 320),
  ];
}

/** Keeps results reachable so the JIT cannot drop the work. */
let blackhole = 0;

/**
 * Heap bytes one call allocates: the difference between runs of `n` and `2n` calls, so the fixed
 * cost of a measurement (the GC profiler itself) cancels out.
 */
function bytesPerCall(op: () => void, n: number): number {
  const once = measureAllocations(op, n);
  const twice = measureAllocations(op, 2 * n);
  return Math.max(0, (twice.heapBytesPerOp * 2 * n - once.heapBytesPerOp * n) / n);
}

const set = contenders();
const bench = new Bench({ time: RUN_TIME_MS, warmupTime: 300, timestampProvider: 'hrtimeNow', throws: true });
for (const { label, op } of set) {
  bench.add(label, () => {
    for (let k = 0; k < BATCH; k++) blackhole += op();
  });
}
await bench.run();

/** CPU time (user + system) per call of `op` over {@link CPU_FRAMES} calls, in ns; best of three. */
function cpuNsPerCall(op: () => number): number {
  let best = Infinity;
  for (let round = 0; round < 3; round++) {
    const start = process.cpuUsage();
    for (let i = 0; i < CPU_FRAMES; i++) blackhole += op();
    const used = process.cpuUsage(start);
    best = Math.min(best, ((used.user + used.system) * 1000) / CPU_FRAMES);
  }
  return best;
}

const lines: string[] = [
  `Machine: ${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, Node ${process.version}, ${process.platform}/${process.arch}`,
  '',
  '| operation (one 20 ms frame) | wall ns/frame | ±% | × PCMU encode | CPU ns/frame | × PCMU encode | payload B/frame | heap B/frame | ArrayBuffer B/frame |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
];
let base = 0;
let cpuBase = 0;
for (const contender of set) {
  const result = bench.getTask(contender.label)?.result;
  if (result?.state !== 'completed') throw new Error(`${contender.label}: ${result?.state ?? 'missing'}`);
  const ns = (result.latency.mean * 1e6) / BATCH;
  if (base === 0) base = ns;
  const cpuNs = cpuNsPerCall(contender.op);
  if (cpuBase === 0) cpuBase = cpuNs;
  const keep = (): void => {
    blackhole += contender.op();
  };
  const heap = bytesPerCall(keep, HEAP_ITERATIONS);
  const buffers = measureAllocations(keep, HEAP_ITERATIONS).arrayBufferBytesPerOp;
  lines.push(
    `| ${contender.label} | ${ns.toFixed(0)} | ${result.latency.rme.toFixed(1)} | ${(ns / base).toFixed(1)} | ${cpuNs.toFixed(0)} | ${(cpuNs / cpuBase).toFixed(1)} | ${contender.payloadBytes} | ${heap.toFixed(0)} | ${buffers.toFixed(0)} |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
if (blackhole === Number.MIN_SAFE_INTEGER) process.stdout.write('\n');
