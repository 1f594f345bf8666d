/**
 * Compares resampler candidates on CPU per 20 ms frame, allocations, delay and quality.
 * Run: node --expose-gc --import tsx bench/resample/compare.ts
 * Prints a markdown table (the one in bench/RESULTS.md, section "Resampling").
 */
import { Bench } from 'tinybench';
import type { Resampler } from '../../codecs/resample/types.js';
import { measureAllocations } from '../support/allocations.js';
import { CANDIDATES } from './candidates.js';
import { aliasLevelDb, measureDelayMs, toneGainDb, toneSnrDb } from './quality.js';
import { sineWave, speechLikeSignal } from './signals.js';

const PAIRS: readonly (readonly [number, number])[] = [
  [8000, 16000],
  [16000, 8000],
  [8000, 48000],
  [48000, 8000],
  [16000, 48000],
  [48000, 16000],
];
/** One second of audio per timed iteration: makes timer overhead negligible even for the copy. */
const FRAMES_PER_ITERATION = 50;
const EXACTNESS_FRAMES = 500;

interface Row {
  readonly pair: string;
  readonly name: string;
  readonly baseline: boolean;
  nsPerFrame: number;
  readonly heapBytesPerFrame: number;
  readonly delayMs: number;
  readonly snrMinDb: number;
  readonly flatnessDb: number;
  readonly aliasNearDb: number | undefined;
  readonly aliasFarDb: number | undefined;
  readonly framesExact: boolean;
}

/** One second of speech-band test input, prebuilt as 20 ms frames. */
function buildFrames(rate: number): Int16Array[] {
  const size = rate / 50;
  const signal = speechLikeSignal(rate, size * FRAMES_PER_ITERATION);
  const frames: Int16Array[] = [];
  for (let f = 0; f < FRAMES_PER_ITERATION; f++) frames.push(signal.slice(f * size, (f + 1) * size));
  return frames;
}

function framesStayExact(resampler: Resampler): boolean {
  resampler.reset();
  const inSize = resampler.inputRate / 50;
  const outSize = resampler.outputRate / 50;
  const frame = sineWave(resampler.inputRate, 1000, 8000, inSize);
  const out = new Int16Array(resampler.maxOutputCount(inSize));
  for (let f = 0; f < EXACTNESS_FRAMES; f++) if (resampler.process(frame, inSize, out) !== outSize) return false;
  return true;
}

function qualityOf(resampler: Resampler): Pick<Row, 'delayMs' | 'snrMinDb' | 'flatnessDb' | 'aliasNearDb' | 'aliasFarDb' | 'framesExact'> {
  const low = Math.min(resampler.inputRate, resampler.outputRate);
  const edge = low === 8000 ? 3400 : 7000;
  const tones = [300, 1000, 2000, Math.round(edge * 0.88), edge];
  let snrMinDb = Infinity;
  let flatnessDb = 0;
  for (const tone of tones) {
    snrMinDb = Math.min(snrMinDb, toneSnrDb(resampler, tone));
    flatnessDb = Math.max(flatnessDb, Math.abs(toneGainDb(resampler, tone)));
  }
  let aliasNearDb: number | undefined;
  let aliasFarDb: number | undefined;
  if (resampler.outputRate < resampler.inputRate) {
    const nyquist = resampler.outputRate / 2;
    aliasNearDb = aliasLevelDb(resampler, nyquist * 1.075);
    aliasFarDb = -Infinity;
    for (const factor of [1.15, 1.25, 1.5, 1.75, 2.5]) {
      if (nyquist * factor < resampler.inputRate / 2) aliasFarDb = Math.max(aliasFarDb, aliasLevelDb(resampler, nyquist * factor));
    }
  }
  return { delayMs: measureDelayMs(resampler), snrMinDb, flatnessDb, aliasNearDb, aliasFarDb, framesExact: framesStayExact(resampler) };
}

async function comparePair(inputRate: number, outputRate: number): Promise<{ rows: Row[]; copyNsPerFrame: number }> {
  const pair = `${inputRate / 1000}→${outputRate / 1000}`;
  const frames = buildFrames(inputRate);
  const inSize = inputRate / 50;
  const bench = new Bench({ name: pair, time: 400, warmup: true });
  const copyOut = new Int16Array(inSize);
  bench.add('copy', () => {
    for (let f = 0; f < FRAMES_PER_ITERATION; f++) {
      const frame = frames[f]!;
      for (let i = 0; i < inSize; i++) copyOut[i] = frame[i]!;
    }
  });
  const rows: Row[] = [];
  const timed: Resampler[] = [];
  for (const candidate of CANDIDATES) {
    const resampler = await candidate.create(inputRate, outputRate);
    const out = new Int16Array(resampler.maxOutputCount(inSize));
    timed.push(resampler);
    bench.add(candidate.name, () => {
      for (let f = 0; f < FRAMES_PER_ITERATION; f++) resampler.process(frames[f]!, inSize, out);
    });
    const allocationProbe = await candidate.create(inputRate, outputRate);
    const probeOut = new Int16Array(allocationProbe.maxOutputCount(inSize));
    let next = 0;
    const allocations = measureAllocations(() => {
      allocationProbe.process(frames[next]!, inSize, probeOut);
      next = next + 1 === FRAMES_PER_ITERATION ? 0 : next + 1;
    }, 20_000);
    const quality = qualityOf(allocationProbe);
    allocationProbe.close();
    rows.push({
      pair,
      name: candidate.name,
      baseline: candidate.baseline,
      nsPerFrame: 0,
      heapBytesPerFrame: allocations.heapBytesPerOp + allocations.arrayBufferBytesPerOp,
      ...quality,
    });
  }
  await bench.run();
  const nsPerFrameOf = (name: string): number => {
    const result = bench.getTask(name)?.result;
    if (result === undefined || !('latency' in result)) throw new Error(`no result for ${name}`);
    return (result.latency.p50 * 1e6) / FRAMES_PER_ITERATION;
  };
  for (const row of rows) row.nsPerFrame = nsPerFrameOf(row.name);
  for (const resampler of timed) resampler.close();
  return { rows, copyNsPerFrame: nsPerFrameOf('copy') };
}

function formatDb(value: number | undefined): string {
  if (value === undefined) return '—';
  return value < -120 ? '< −120' : value.toFixed(1).replace('-', '−');
}

const lines = [
  '| pair (kHz) | candidate | ns / frame | × linear | × copy | heap B / frame | delay ms | THD+N SNR min dB | flatness ±dB | alias 1.075·Nyq dB | alias ≥1.15·Nyq dB | 20 ms → 20 ms |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
];
for (const [inputRate, outputRate] of PAIRS) {
  const { rows, copyNsPerFrame } = await comparePair(inputRate, outputRate);
  const baseline = rows.find((row) => row.baseline)!;
  for (const row of rows) {
    lines.push(
      `| ${row.pair} | ${row.name} | ${Math.round(row.nsPerFrame)} | ${(row.nsPerFrame / baseline.nsPerFrame).toFixed(1)} | ${(row.nsPerFrame / copyNsPerFrame).toFixed(0)} | ` +
        `${Math.round(row.heapBytesPerFrame)} | ${row.delayMs.toFixed(2)} | ${formatDb(row.snrMinDb)} | ${row.flatnessDb.toFixed(2)} | ` +
        `${formatDb(row.aliasNearDb)} | ${formatDb(row.aliasFarDb)} | ${row.framesExact ? 'yes' : 'no'} |`,
    );
  }
  lines.push(`| ${rows[0]!.pair} | copy of the input frame | ${Math.round(copyNsPerFrame)} | | 1 | | | | | | | |`);
  process.stderr.write(`${rows[0]!.pair} done\n`);
}
console.log(lines.join('\n'));
