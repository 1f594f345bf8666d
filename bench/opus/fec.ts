/**
 * What Opus in-band FEC buys on lost packets: every speech prompt in bots/prompts (8 kHz) and the
 * voice-like test signal at 16 kHz, encoded with callwire's defaults (FEC on, sized for 10 % loss),
 * lose packets at random; a receiver that rebuilds a lost frame from the next packet's FEC when
 * there is one (and otherwise conceals) is compared with one that always conceals (libopus PLC).
 * Quality is the SNR of each lost frame against the same frame decoded without loss, and the SNR of
 * the whole stream; cost is CPU time per `recoverFromNext` and per `concealLoss` call, against a
 * normal decode in the same run. Prints a Markdown table.
 *
 * Run: `node --expose-gc --import tsx bench/opus/fec.ts [lossPercent] [seeds]` (defaults 5 and 20).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { carriesInbandFec } from '../../codecs/opus/inbandFec.js';
import { OpusFrameDecoder } from '../../codecs/opus/opusFrameDecoder.js';
import { OpusFrameEncoder } from '../../codecs/opus/opusFrameEncoder.js';
import { voiced } from '../../codecs/opus/fixtures/signals.js';
import { readWav } from '../../bots/wav/readWav.js';
import { measureAllocations } from '../support/allocations.js';
import { cpuModel } from '../support/machine.js';

const lossPercent = Number(process.argv[2] ?? 5);
const seeds = Number(process.argv[3] ?? 20);
/** Calls timed per cost figure. */
const COST_CALLS = 3000;

/** A deterministic uniform [0, 1) generator (mulberry32), so every run loses the same packets. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One signal to code: a name, its rate, and its samples. */
interface Clip {
  readonly name: string;
  readonly sampleRate: number;
  readonly pcm: Int16Array;
}

/** 20 ms packets of `clip` from callwire's default encoder. */
function encode(clip: Clip): Uint8Array[] {
  const frame = clip.sampleRate / 50;
  const encoder = new OpusFrameEncoder({ sampleRate: clip.sampleRate });
  const out = new Uint8Array(1500);
  const packets: Uint8Array[] = [];
  for (let at = 0; at + frame <= clip.pcm.length; at += frame) packets.push(out.slice(0, encoder.encode(clip.pcm, at, frame, out)));
  encoder.close();
  return packets;
}

/** `packets` decoded with no loss, frame after frame. */
function decodeAll(packets: readonly Uint8Array[], sampleRate: number): Int16Array {
  const frame = sampleRate / 50;
  const decoder = new OpusFrameDecoder({ sampleRate });
  const all = new Int16Array(packets.length * frame);
  packets.forEach((packet, i) => decoder.decode(packet, packet.length, all.subarray(i * frame, (i + 1) * frame)));
  decoder.close();
  return all;
}

/** Decodes `packets` losing those in `lost`; with `useFec`, rebuilds a loss from the next packet when it can. */
function receive(packets: readonly Uint8Array[], lost: ReadonlySet<number>, sampleRate: number, useFec: boolean): { pcm: Int16Array; recovered: number } {
  const frame = sampleRate / 50;
  const decoder = new OpusFrameDecoder({ sampleRate });
  const pcm = new Int16Array(packets.length * frame);
  let recovered = 0;
  for (let k = 0; k < packets.length; k++) {
    const out = pcm.subarray(k * frame, (k + 1) * frame);
    if (!lost.has(k)) {
      decoder.decode(packets[k]!, packets[k]!.length, out);
      continue;
    }
    const next = packets[k + 1];
    let written = 0;
    if (useFec && next !== undefined && !lost.has(k + 1)) written = decoder.recoverFromNext(next, next.length, out, frame);
    if (written > 0) recovered++;
    else decoder.concealLoss(out, frame);
  }
  decoder.close();
  return { pcm, recovered };
}

/** Signal and noise energy of `actual` against `reference` over `[from, to)`. */
function energies(reference: Int16Array, actual: Int16Array, from: number, to: number): { signal: number; noise: number } {
  let signal = 0;
  let noise = 0;
  for (let i = from; i < to; i++) {
    signal += reference[i]! ** 2;
    noise += (reference[i]! - actual[i]!) ** 2;
  }
  return { signal, noise };
}

/** dB of a signal-to-noise energy ratio. */
const db = (signal: number, noise: number): number => 10 * Math.log10(signal / Math.max(noise, 1));

/** Quality totals over every clip and seed for one receiver. */
interface Totals {
  lostFrames: number;
  recovered: number;
  /** Sum over lost frames of their SNR in dB (frames with signal only). */
  lostSnrSum: number;
  lostSnrCount: number;
  lostSignal: number;
  lostNoise: number;
  streamSignal: number;
  streamNoise: number;
}

const emptyTotals = (): Totals => ({ lostFrames: 0, recovered: 0, lostSnrSum: 0, lostSnrCount: 0, lostSignal: 0, lostNoise: 0, streamSignal: 0, streamNoise: 0 });

/** Adds one received stream's figures to `totals`. */
function account(totals: Totals, reference: Int16Array, received: { pcm: Int16Array; recovered: number }, lost: ReadonlySet<number>, frame: number): void {
  totals.recovered += received.recovered;
  const whole = energies(reference, received.pcm, 0, reference.length);
  totals.streamSignal += whole.signal;
  totals.streamNoise += whole.noise;
  for (const k of lost) {
    const e = energies(reference, received.pcm, k * frame, (k + 1) * frame);
    totals.lostFrames++;
    totals.lostSignal += e.signal;
    totals.lostNoise += e.noise;
    // Frames of near silence say nothing about either receiver; they would only add noise to the mean.
    if (e.signal / frame > 100 * 100) {
      totals.lostSnrSum += db(e.signal, e.noise);
      totals.lostSnrCount++;
    }
  }
}

/** Heap bytes one call of `op` allocates: runs of n and 2n calls differenced, so the measuring's own cost cancels. */
function heapBytesPerCall(op: () => void, n = 5000): number {
  const once = measureAllocations(op, n);
  const twice = measureAllocations(op, 2 * n);
  return Math.max(0, (twice.heapBytesPerOp * 2 * n - once.heapBytesPerOp * n) / n);
}

/** CPU microseconds per call of `op` over {@link COST_CALLS} calls. */
function cpuMicros(op: (i: number) => void): number {
  for (let i = 0; i < 200; i++) op(i);
  const start = process.cpuUsage();
  for (let i = 0; i < COST_CALLS; i++) op(i);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / COST_CALLS;
}

const promptDir = new URL('../../bots/prompts/', import.meta.url);
const prompts: Clip[] = readdirSync(promptDir)
  .filter((name) => name.endsWith('.wav'))
  .sort()
  .map((name) => {
    const wav = readWav(new Uint8Array(readFileSync(new URL(name, promptDir))));
    return { name, sampleRate: wav.sampleRate, pcm: wav.samples };
  });
const promptPcm = new Int16Array(prompts.reduce((n, clip) => n + clip.pcm.length, 0));
prompts.reduce((at, clip) => (promptPcm.set(clip.pcm, at), at + clip.pcm.length), 0);
const clips: Clip[] = [
  { name: `speech prompts (${prompts.length} files)`, sampleRate: prompts[0]!.sampleRate, pcm: promptPcm },
  { name: 'voice-like signal, 60 s', sampleRate: 16000, pcm: voiced(16000, 16000 * 60) },
];

const costLines = [
  '| clip | rate | decode µs/frame | recoverFromNext µs/frame (× decode) | concealLoss µs/frame (× decode) | heap B per decode + recover |',
  '|---|---:|---:|---:|---:|---:|',
];
const lines = [
  `Machine: ${cpuModel()}, Node ${process.version}. ${lossPercent} % random loss, ${seeds} loss patterns per clip.`,
  '',
  '| clip | rate | receiver | lost frames | rebuilt by FEC | mean SNR of lost frames dB | SNR over lost frames dB | SNR of the stream dB |',
  '|---|---:|---|---:|---:|---:|---:|---:|',
];
for (const clip of clips) {
  const frame = clip.sampleRate / 50;
  const packets = encode(clip);
  const reference = decodeAll(packets, clip.sampleRate);
  const withFec = emptyTotals();
  const plcOnly = emptyTotals();
  for (let seed = 1; seed <= seeds; seed++) {
    const draw = random(seed);
    const lost = new Set<number>();
    // The first packet always arrives: before it there is nothing to conceal from.
    for (let k = 1; k < packets.length; k++) if (draw() * 100 < lossPercent) lost.add(k);
    account(withFec, reference, receive(packets, lost, clip.sampleRate, true), lost, frame);
    account(plcOnly, reference, receive(packets, lost, clip.sampleRate, false), lost, frame);
  }
  for (const [label, t] of [
    ['FEC, else PLC', withFec],
    ['PLC only', plcOnly],
  ] as const) {
    lines.push(
      `| ${clip.name} | ${clip.sampleRate} | ${label} | ${t.lostFrames} | ${t.recovered} (${((100 * t.recovered) / t.lostFrames).toFixed(0)} %) | ` +
        `${(t.lostSnrSum / t.lostSnrCount).toFixed(1)} | ${db(t.lostSignal, t.lostNoise).toFixed(1)} | ${db(t.streamSignal, t.streamNoise).toFixed(1)} |`,
    );
  }

  // Cost: recover (or conceal) frame k from a decoder that has just decoded frame k - 1.
  const pairs: (readonly [Uint8Array, Uint8Array])[] = [];
  for (let k = 1; k + 1 < packets.length && pairs.length < 200; k++) {
    if (carriesInbandFec(packets[k + 1]!, packets[k + 1]!.length)) pairs.push([packets[k - 1]!, packets[k + 1]!]);
  }
  const decoder = new OpusFrameDecoder({ sampleRate: clip.sampleRate });
  const out = new Int16Array(frame);
  const decodeOnly = cpuMicros((i) => {
    const [previous] = pairs[i % pairs.length]!;
    decoder.decode(previous, previous.length, out);
  });
  const decodeRecover = cpuMicros((i) => {
    const [previous, next] = pairs[i % pairs.length]!;
    decoder.decode(previous, previous.length, out);
    decoder.recoverFromNext(next, next.length, out, frame);
  });
  const decodeConceal = cpuMicros((i) => {
    const [previous] = pairs[i % pairs.length]!;
    decoder.decode(previous, previous.length, out);
    decoder.concealLoss(out, frame);
  });
  let pair = 0;
  const heap = heapBytesPerCall(() => {
    const [previous, next] = pairs[pair++ % pairs.length]!;
    decoder.decode(previous, previous.length, out);
    decoder.recoverFromNext(next, next.length, out, frame);
  });
  const recover = decodeRecover - decodeOnly;
  const conceal = decodeConceal - decodeOnly;
  costLines.push(
    `| ${clip.name} | ${clip.sampleRate} | ${decodeOnly.toFixed(1)} | ${recover.toFixed(1)} (${(recover / decodeOnly).toFixed(2)} ×) | ` +
      `${conceal.toFixed(1)} (${(conceal / decodeOnly).toFixed(2)} ×) | ${heap.toFixed(0)} |`,
  );
  decoder.close();
}
process.stdout.write(`${[...lines, '', ...costLines].join('\n')}\n`);
