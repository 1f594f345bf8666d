import { beforeAll, describe, expect, it } from 'vitest';
import { createDecoder } from '../../codecs/createCodec.js';
import { SeededRandom } from '../impair/index.js';
import { loadCallMedia, syntheticMedia, type CallMedia } from './callMedia.js';
import { NO_FRAME } from './playoutOutcome.js';
import { renderPlayout, renderReference } from './renderPlayout.js';
import { ReferenceSpeech, speechQuality, TOP_SCORE } from './speechQuality.js';

const FRAME = 160;

/** A call over the whole of `media`'s loop, decoded: its reference and helpers to score variants of it. */
function speechOf(media: CallMedia) {
  const payloadOf = (i: number): Uint8Array => media.payloads[i % media.payloads.length]!;
  const frames = media.payloads.length;
  const clean = renderReference(frames, payloadOf, createDecoder(media.format), FRAME);
  const reference = new ReferenceSpeech(clean, media.format.sampleRate, FRAME);
  const inOrder = Int32Array.from({ length: frames }, (_, i) => i);
  const score = (samples: Int16Array, sourceFrames: ArrayLike<number> = inOrder, offset = 0) =>
    speechQuality(reference, { samples, sourceFrames }, { firstFrame: 0, lastFrame: frames - 1, offset }).score;
  /** The frames drawn below `share` lost: concealed as callwire conceals, or zeroed. */
  const withLoss = (draws: Float64Array, share: number) => {
    const heard = Int32Array.from(inOrder, (i) => (draws[i]! < share ? NO_FRAME : i));
    const zeroed = clean.slice();
    heard.forEach((source, k) => {
      if (source === NO_FRAME) zeroed.fill(0, k * FRAME, (k + 1) * FRAME);
    });
    return { concealed: score(renderPlayout(heard, payloadOf, createDecoder(media.format), FRAME), heard), zeroed: score(zeroed, heard) };
  };
  return { clean, frames, payloadOf, inOrder, score, withLoss };
}

describe('speechQuality on recorded speech (PCMU)', () => {
  let speech: ReturnType<typeof speechOf>;
  beforeAll(async () => {
    speech = speechOf(await loadCallMedia('bench/fixtures/pcmu-8k-menu.capture.jsonl'));
  });

  it('gives the top score to the reference itself, wherever the call starts in the loop', () => {
    expect(speech.score(speech.clean)).toBe(TOP_SCORE);
    const offset = 600;
    const rotated = new Int16Array(speech.clean.length);
    rotated.set(speech.clean.subarray(offset * FRAME));
    rotated.set(speech.clean.subarray(0, offset * FRAME), (speech.frames - offset) * FRAME);
    expect(speech.score(rotated, speech.inOrder, offset)).toBe(TOP_SCORE);
  });

  it('falls steadily as more frames are lost, and faster when they are zeroed than when concealed', () => {
    const random = new SeededRandom(11);
    const draws = Float64Array.from({ length: speech.frames }, () => random.uniform());
    // Nested losses: every frame lost at one share is lost at the larger ones too.
    const ladder = [0.01, 0.03, 0.05, 0.1, 0.2].map((share) => speech.withLoss(draws, share));
    let previous = { concealed: TOP_SCORE, zeroed: TOP_SCORE };
    for (const step of ladder) {
      expect(step.concealed).toBeLessThan(previous.concealed);
      expect(step.zeroed).toBeLessThan(previous.zeroed);
      expect(step.zeroed).toBeLessThan(step.concealed);
      previous = step;
    }
    // The scale's anchor: a fifth of the frames lost and concealed is a poor call, not a lost one.
    expect(ladder[4]!.concealed).toBeGreaterThan(2.8);
    expect(ladder[4]!.concealed).toBeLessThan(3.8);
    expect(ladder[4]!.zeroed).toBeLessThan(2);
  });

  it('barely notices a pure delay of a few ms', () => {
    for (const shiftMs of [1, 2, 5]) {
      const shift = shiftMs * 8;
      const delayed = new Int16Array(speech.clean.length);
      delayed.set(speech.clean.subarray(0, speech.clean.length - shift), shift);
      expect(speech.score(delayed)).toBeGreaterThan(4.9);
    }
  });

  it('rates a mild time-stretch (a pitch period cut from every tenth frame) far above zeroing those frames', () => {
    const { clean, frames } = speech;
    const kept: number[] = [];
    const position: number[] = [];
    for (let i = 0; i < frames; i++) {
      const period = i % 10 === 3 && i > 0 ? pitchPeriod(clean, i * FRAME + FRAME / 2) : 0;
      for (let s = 0; s < FRAME; s++) {
        if (s >= FRAME / 2 && s < FRAME / 2 + period) continue;
        kept.push(clean[i * FRAME + s]!);
        position.push(i + s / FRAME);
      }
    }
    const outputFrames = Math.ceil(kept.length / FRAME);
    const stretched = new Int16Array(outputFrames * FRAME);
    stretched.set(kept);
    const sourceFrames = Float64Array.from({ length: outputFrames }, (_, k) => position[k * FRAME]!);
    const zeroed = clean.slice();
    for (let i = 3; i < frames; i += 10) zeroed.fill(0, i * FRAME, (i + 1) * FRAME);
    const stretchedScore = speech.score(stretched, sourceFrames);
    expect(stretchedScore).toBeGreaterThan(4);
    expect(stretchedScore).toBeGreaterThan(speech.score(zeroed) + 1.5);
  });

  it('counts frames dropped from the output as missing speech', () => {
    const heard = Int32Array.from(speech.inOrder.filter((i) => i % 20 !== 7));
    const samples = renderPlayout(heard, speech.payloadOf, createDecoder({ encoding: 'PCMU', sampleRate: 8000 }), FRAME);
    expect(speech.score(samples, heard)).toBeLessThan(4.8);
  });
});

describe('speechQuality on a synthetic talker (2 s voiced, 1 s silence)', () => {
  const speech = speechOf(syntheticMedia(600));

  it('does not mind silence inserted in a pause, but does mind a gap in speech', () => {
    const insertAt = (at: number): number => {
      const heard = Int32Array.from([...speech.inOrder.subarray(0, at), ...new Array<number>(5).fill(NO_FRAME), ...speech.inOrder.subarray(at)]);
      const samples = new Int16Array(heard.length * FRAME);
      heard.forEach((source, k) => {
        if (source >= 0) samples.set(speech.clean.subarray(source * FRAME, (source + 1) * FRAME), k * FRAME);
      });
      return speech.score(samples, heard);
    };
    expect(insertAt(125)).toBeGreaterThan(4.95); // frames 100–149 are digital silence
    expect(insertAt(50)).toBeLessThan(4.8);
  });
});

/** The lag (2.5–15 ms at 8 kHz) with the largest normalised autocorrelation over the 20 ms before `at`. */
function pitchPeriod(samples: Int16Array, at: number): number {
  let best = 20;
  let bestValue = -Infinity;
  for (let lag = 20; lag <= 120; lag++) {
    let correlation = 0;
    let energy = 1;
    for (let i = Math.max(lag, at - FRAME); i < at; i++) {
      correlation += samples[i]! * samples[i - lag]!;
      energy += samples[i - lag]! * samples[i - lag]!;
    }
    const value = correlation / Math.sqrt(energy);
    if (value > bestValue) {
      bestValue = value;
      best = lag;
    }
  }
  return best;
}
