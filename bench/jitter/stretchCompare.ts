/**
 * Time-scale modification, callwire's own WSOLA (`codecs/jitter/timeStretch.ts`) against Sonic
 * compiled to wasm (`@echogarden/sonic-wasm`): CPU per 20 ms frame and the speech-quality proxy of
 * `bench --jitter`, on the shipped speech fixtures, shortening (a backlog draining) and lengthening
 * (an underrun avoided) at a steady rate.
 *
 * Run: `npm run bench:stretch` (about two minutes).
 */
import Sonic, { type SonicModule } from '@echogarden/sonic-wasm';
import { createDecoder } from '../../codecs/createCodec.js';
import { TimeStretch } from '../../codecs/jitter/timeStretch.js';
import { fixturePaths, loadCallMedia } from '../jitter-quality/callMedia.js';
import { renderReference } from '../jitter-quality/renderPlayout.js';
import { ReferenceSpeech, speechQuality, type PlayedAudio } from '../jitter-quality/speechQuality.js';
import { median } from '../support/quantiles.js';

/** Output length over input length: below 1 shortens, above 1 lengthens. */
const RATES = [0.5, 0.67, 0.8, 0.9, 0.95, 1.1] as const;
const ROUNDS = 5;
/** Alignment offsets tried when scoring, ms: the best counts, for both, so neither pays for a constant latency. */
const OFFSETS_MS = [-30, -20, -10, -5, 0, 5, 10, 20, 30];

/** One stretched rendering: the audio, where in the source each output frame starts, and the rate it reached. */
interface Rendering {
  readonly samples: Int16Array;
  /** Source position of each output frame's first sample, in frames. */
  readonly sourceFrames: Float64Array;
  /** Output samples over input samples. */
  readonly achievedRate: number;
}

/** The own WSOLA driven as the playout stage drives it: one period per 20 ms frame while behind the rate, splicing at the front of what is buffered. */
function ownWsola(pcm: Int16Array, sampleRate: number, rate: number): Rendering {
  const frame = (sampleRate * 20) / 1000;
  const stretch = new TimeStretch(sampleRate);
  const buffer = new Int16Array(8 * frame);
  const out = new Int16Array(Math.ceil((pcm.length * Math.max(1, rate) * 1.5) / frame) * frame);
  const sourceFrames: number[] = [];
  let length = 0;
  let consumed = 0;
  let changed = 0;
  let written = 0;
  for (let at = 0; at + frame <= pcm.length; at += frame) {
    buffer.set(pcm.subarray(at, at + frame), length);
    length += frame;
    consumed += frame;
    const wanted = consumed * Math.abs(rate - 1);
    if (changed < wanted && length >= frame + 2 * stretch.maxLag) {
      if (rate < 1) {
        const removed = stretch.accelerate(buffer, 0, length, length - frame);
        length -= removed;
        changed += removed;
      } else {
        const inserted = stretch.expand(buffer, 0, length, stretch.maxLag);
        length += inserted;
        changed += inserted;
      }
    }
    // Two frames stay buffered, so the search always has two of the longest periods ahead of the frame it keeps.
    while (length >= 3 * frame && written + frame <= out.length) {
      out.set(buffer.subarray(0, frame), written);
      sourceFrames.push((consumed - length) / frame);
      written += frame;
      buffer.copyWithin(0, frame, length);
      length -= frame;
    }
  }
  return { samples: out.subarray(0, written), sourceFrames: Float64Array.from(sourceFrames), achievedRate: written / consumed };
}

/** Sonic at a fixed speed, fed one 20 ms frame at a time, read after each. */
function sonic(module: SonicModule, pcm: Int16Array, sampleRate: number, rate: number): Rendering {
  const frame = (sampleRate * 20) / 1000;
  const stream = module._sonicCreateStream(sampleRate, 1);
  module._sonicSetSpeed(stream, 1 / rate);
  const inPtr = module._malloc(frame * 2);
  const maxOut = 8 * frame;
  const outPtr = module._malloc(maxOut * 2);
  const out = new Int16Array(Math.ceil((pcm.length * Math.max(1, rate) * 1.5) / frame) * frame);
  let written = 0;
  let consumed = 0;
  try {
    for (let at = 0; at + frame <= pcm.length; at += frame) {
      module.HEAP16.set(pcm.subarray(at, at + frame), inPtr >> 1);
      module._sonicWriteShortToStream(stream, inPtr, frame);
      consumed += frame;
      for (let read = module._sonicReadShortFromStream(stream, outPtr, maxOut); read > 0; read = module._sonicReadShortFromStream(stream, outPtr, maxOut)) {
        const count = Math.min(read, out.length - written);
        out.set(module.HEAP16.subarray(outPtr >> 1, (outPtr >> 1) + count), written);
        written += count;
      }
    }
  } finally {
    module._free(inPtr);
    module._free(outPtr);
    module._sonicDestroyStream(stream);
  }
  const frames = Math.floor(written / frame);
  // Sonic's own mapping is internal: output frame k starts near source k / rate.
  const sourceFrames = Float64Array.from({ length: frames }, (_, k) => k / rate);
  return { samples: out.subarray(0, frames * frame), sourceFrames, achievedRate: written / consumed };
}

/** The proxy score of a rendering against its source, at the best of a few constant alignment offsets. */
function score(reference: ReferenceSpeech, rendering: Rendering, sourceFrameCount: number): number {
  let best = 1;
  for (const offsetMs of OFFSETS_MS) {
    const shift = offsetMs / 20;
    const played: PlayedAudio = { samples: rendering.samples, sourceFrames: rendering.sourceFrames.map((source) => Math.max(0, source + shift)) };
    const { score: value } = speechQuality(reference, played, { firstFrame: 2, lastFrame: sourceFrameCount - 3, offset: 0 });
    if (value > best) best = value;
  }
  return best;
}

/** Median CPU time of `render`, µs per 20 ms input frame. */
function cpuPerFrame(render: () => Rendering, inputFrames: number): number {
  const times: number[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = process.hrtime.bigint();
    render();
    times.push(Number(process.hrtime.bigint() - started) / 1000 / inputFrames);
  }
  return median(times);
}

const module = await Sonic();
const rows: string[] = [];
for (const path of await fixturePaths()) {
  const media = await loadCallMedia(path);
  const decoder = createDecoder(media.format);
  const frame = (decoder.sampleRate * 20) / 1000;
  let pcm: Int16Array;
  try {
    pcm = renderReference(media.payloads.length, (i) => media.payloads[i]!, decoder, frame);
  } finally {
    decoder.close();
  }
  const reference = new ReferenceSpeech(pcm, decoder.sampleRate, frame);
  const identity: Rendering = { samples: pcm, sourceFrames: Float64Array.from({ length: media.payloads.length }, (_, k) => k), achievedRate: 1 };
  const identityScore = score(reference, identity, media.payloads.length);
  for (const rate of RATES) {
    const own = ownWsola(pcm, decoder.sampleRate, rate);
    const theirs = sonic(module, pcm, decoder.sampleRate, rate);
    const ownCpu = cpuPerFrame(() => ownWsola(pcm, decoder.sampleRate, rate), media.payloads.length);
    const sonicCpu = cpuPerFrame(() => sonic(module, pcm, decoder.sampleRate, rate), media.payloads.length);
    rows.push(
      `| ${media.name} (${decoder.sampleRate / 1000} kHz) | ${rate.toFixed(2)} | ${own.achievedRate.toFixed(3)} / ${theirs.achievedRate.toFixed(3)} | ` +
        `${ownCpu.toFixed(2)} / ${sonicCpu.toFixed(2)} | ${score(reference, own, media.payloads.length).toFixed(2)} / ${score(reference, theirs, media.payloads.length).toFixed(2)} | ${identityScore.toFixed(2)} |`,
    );
  }
}
process.stdout.write(
  [
    'Time-scale modification: own WSOLA / Sonic (wasm), steady rate, one 20 ms frame in at a time',
    '',
    '| speech | rate asked (output ÷ input) | rate achieved: own / Sonic | CPU µs per input frame: own / Sonic (median of 5) | speech quality proxy: own / Sonic | unchanged audio |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    ...rows,
    '',
  ].join('\n'),
);
