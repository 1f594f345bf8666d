import { describe, expect, it } from 'vitest';
import { resampleInFrames, speechLikeSignal } from '../../bench/resample/signals.js';
import { createResampler } from './createResampler.js';
import { UNSUPPORTED_RESAMPLE_RATE, UnsupportedResampleRateError } from './errors.js';
import { PassThroughResampler } from './passThroughResampler.js';
import { SpeexResampler } from './speexResampler.js';
import { RESAMPLE_RATES } from './types.js';

const PAIRS = RESAMPLE_RATES.flatMap((from) => RESAMPLE_RATES.filter((to) => to !== from).map((to) => [from, to] as const));

describe('createResampler', () => {
  it('returns a pass-through copy with no delay when the rates are equal', () => {
    for (const rate of RESAMPLE_RATES) {
      const resampler = createResampler(rate, rate);
      expect(resampler).toBeInstanceOf(PassThroughResampler);
      expect(resampler.delayMs).toBe(0);
      const input = speechLikeSignal(rate, rate / 50);
      const output = new Int16Array(input.length);
      expect(resampler.process(input, input.length, output)).toBe(input.length);
      expect(output).toEqual(input);
    }
  });

  it('pass-through copies only the first inputCount samples', () => {
    const resampler = createResampler(8000, 8000);
    const output = new Int16Array(4).fill(-1);
    expect(resampler.process(Int16Array.of(1, 2, 3, 4), 2, output)).toBe(2);
    expect([...output]).toEqual([1, 2, -1, -1]);
  });

  it.each(PAIRS)('%i → %i: every 20 ms frame in gives exactly one 20 ms frame out, with under 5 ms of delay', (from, to) => {
    const resampler = createResampler(from, to);
    expect(resampler).toBeInstanceOf(SpeexResampler);
    expect(resampler.delayMs).toBeGreaterThan(0);
    expect(resampler.delayMs).toBeLessThan(5);
    const frame = speechLikeSignal(from, from / 50);
    const output = new Int16Array(resampler.maxOutputCount(frame.length));
    expect(output.length).toBe(to / 50);
    for (let f = 0; f < 500; f++) expect(resampler.process(frame, frame.length, output)).toBe(to / 50);
    resampler.close();
  });

  it.each(PAIRS)('%i → %i: converting frame by frame gives exactly the one-shot result (no clicks at frame edges)', (from, to) => {
    const signal = speechLikeSignal(from, from); // one second
    const oneShot = createResampler(from, to);
    const whole = new Int16Array(oneShot.maxOutputCount(signal.length));
    expect(oneShot.process(signal, signal.length, whole)).toBe(to);
    const framed = resampleInFrames(createResampler(from, to), signal, from / 50);
    expect(framed).toEqual(whole);
    // Odd chunk sizes that straddle frames must not change a sample either.
    expect(resampleInFrames(createResampler(from, to), signal, 37)).toEqual(whole);
  });

  it('reset() forgets the past: the output then matches a fresh resampler', () => {
    const used = createResampler(8000, 16000);
    const noise = speechLikeSignal(8000, 800);
    used.process(noise, noise.length, new Int16Array(used.maxOutputCount(noise.length)));
    used.reset();
    const signal = speechLikeSignal(8000, 1600);
    expect(resampleInFrames(used, signal, 160)).toEqual(resampleInFrames(createResampler(8000, 16000), signal, 160));
  });

  it('a higher quality option buys flatness with delay', () => {
    const voip = createResampler(16000, 8000);
    const higher = createResampler(16000, 8000, { quality: 4 });
    expect(higher.delayMs).toBeGreaterThan(voip.delayMs);
    expect(higher.delayMs).toBeLessThan(5);
  });

  it.each([0, 11025, 22050, 44100, 32000, -8000, Number.NaN])('refuses %d Hz with a coded, non-retryable error', (rate) => {
    for (const call of [() => createResampler(rate, 8000), () => createResampler(8000, rate)]) {
      expect(call).toThrow(UnsupportedResampleRateError);
      try {
        call();
      } catch (error: unknown) {
        expect(error).toMatchObject({ code: UNSUPPORTED_RESAMPLE_RATE, retryable: false });
        expect(Object.is((error as UnsupportedResampleRateError).sampleRate, rate)).toBe(true);
      }
    }
  });

  it('throws RangeError rather than writing past a short output or reading past the input', () => {
    const resampler = createResampler(8000, 16000);
    const frame = new Int16Array(160);
    expect(() => resampler.process(frame, 160, new Int16Array(319))).toThrow(RangeError);
    expect(() => resampler.process(frame, 161, new Int16Array(400))).toThrow(RangeError);
    expect(() => resampler.process(frame, -1, new Int16Array(400))).toThrow(RangeError);
    expect(() => resampler.process(frame, 1.5, new Int16Array(400))).toThrow(RangeError);
    expect(resampler.process(frame, 160, new Int16Array(320))).toBe(320);
  });
});
