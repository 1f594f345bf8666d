import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { meanSquare } from './energy.js';
import { TimeStretch } from './timeStretch.js';

const RATES = [8000, 16000, 24000, 48000] as const;

/** `ms` of a harmonic tone at `hz` (three partials, like a voiced vowel), with `room` spare samples after it. */
function harmonic(sampleRate: number, hz: number, ms: number, room = 0): Int16Array {
  const length = Math.round((sampleRate * ms) / 1000);
  const out = new Int16Array(length + room);
  for (let i = 0; i < length; i++) {
    const w = (2 * Math.PI * hz * i) / sampleRate;
    out[i] = Math.round(6000 * Math.sin(w) + 3000 * Math.sin(2 * w + 0.5) + 1500 * Math.sin(3 * w + 1));
  }
  return out;
}

/** Seeded white noise at about -12 dBFS. */
function noise(length: number, room = 0, seed = 1): Int16Array {
  const out = new Int16Array(length + room);
  let state = seed;
  for (let i = 0; i < length; i++) {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    out[i] = Math.round((state / 2 ** 31 - 0.5) * 16000);
  }
  return out;
}

/** Largest jump between neighbouring samples of `samples[0, length)`. */
function largestStep(samples: Int16Array, length: number): number {
  let largest = 0;
  for (let i = 1; i < length; i++) largest = Math.max(largest, Math.abs(samples[i]! - samples[i - 1]!));
  return largest;
}

describe('TimeStretch.accelerate', () => {
  it.each(RATES)('removes exactly one pitch period of a 125 Hz voice at %i Hz, without a jump or a level change', (rate) => {
    const stretch = new TimeStretch(rate);
    const samples = harmonic(rate, 125, 40);
    const original = samples.slice();
    const length = samples.length;
    const removed = stretch.accelerate(samples, 0, length, stretch.maxLag);
    expect(removed).toBe(rate / 125);
    expect(stretch.lastCorrelation).toBeGreaterThan(0.99);
    // The natural waveform's largest step bounds the spliced one (plus rounding).
    expect(largestStep(samples, length - removed)).toBeLessThanOrEqual(largestStep(original, length) + 2);
    const before = meanSquare(original, length);
    const after = meanSquare(samples, length - removed);
    expect(Math.abs(after / before - 1)).toBeLessThan(0.05);
    // After the splice the audio is the original shifted by one period, which is the same waveform.
    for (let i = 2 * removed; i < length - removed; i++) expect(Math.abs(samples[i]! - original[i]!)).toBeLessThanOrEqual(1);
  });

  it('removes the whole allowed lag from silence and never more than asked', () => {
    const stretch = new TimeStretch(8000);
    const samples = new Int16Array(320);
    expect(stretch.accelerate(samples, 0, 320, 80)).toBe(80);
    expect(stretch.accelerate(samples, 0, 320, 500)).toBe(stretch.maxLag);
    expect(stretch.accelerate(samples, 0, 320, stretch.minLag - 1)).toBe(0);
  });

  it('refuses loud noise, leaving it untouched', () => {
    const stretch = new TimeStretch(8000);
    const samples = noise(320);
    const original = samples.slice();
    expect(stretch.accelerate(samples, 0, 320, stretch.maxLag)).toBe(0);
    expect(stretch.lastCorrelation).toBe(0);
    expect(samples).toEqual(original);
  });

  it('refuses when the range is shorter than two of the shortest periods', () => {
    const stretch = new TimeStretch(8000);
    const samples = harmonic(8000, 200, 40);
    expect(stretch.accelerate(samples, 100, 100 + 2 * stretch.minLag - 1, stretch.maxLag)).toBe(0);
  });

  it('works on a range inside the array and leaves what is before it alone', () => {
    const stretch = new TimeStretch(16000);
    const samples = harmonic(16000, 200, 60);
    const original = samples.slice();
    const removed = stretch.accelerate(samples, 160, 800, stretch.maxLag);
    expect(removed).toBe(80);
    expect(samples.subarray(0, 160)).toEqual(original.subarray(0, 160));
    expect(largestStep(samples, 800 - removed)).toBeLessThanOrEqual(largestStep(original, 800) + 2);
  });
});

describe('TimeStretch.expand', () => {
  it.each(RATES)('inserts exactly one pitch period of a 125 Hz voice at %i Hz, without a jump or a level change', (rate) => {
    const stretch = new TimeStretch(rate);
    const length = Math.round(rate * 0.03);
    const samples = harmonic(rate, 125, 30, stretch.maxLag);
    const original = samples.slice(0, length);
    const inserted = stretch.expand(samples, 0, length, stretch.maxLag);
    expect(inserted).toBe(rate / 125);
    expect(largestStep(samples, length + inserted)).toBeLessThanOrEqual(largestStep(original, length) + 2);
    const after = meanSquare(samples, length + inserted);
    expect(Math.abs(after / meanSquare(original, length) - 1)).toBeLessThan(0.05);
    // The tail is the original, one period later.
    for (let i = 2 * inserted; i < length + inserted; i++) expect(samples[i]).toBe(original[i - inserted]);
  });

  it('never writes past the array: the insert is capped by the room after the range', () => {
    const stretch = new TimeStretch(8000);
    const samples = new Int16Array(200);
    expect(stretch.expand(samples, 0, 160, stretch.maxLag)).toBe(40);
    expect(stretch.expand(samples, 0, 200, stretch.maxLag)).toBe(0);
  });

  it('refuses loud noise, leaving it untouched', () => {
    const stretch = new TimeStretch(16000);
    const samples = noise(480, stretch.maxLag, 7);
    const original = samples.slice();
    expect(stretch.expand(samples, 0, 480, stretch.maxLag)).toBe(0);
    expect(samples).toEqual(original);
  });

  it('takes a looser correlation when the caller asks for one (a voice in noise, better stretched than concealed)', () => {
    const stretch = new TimeStretch(8000);
    const voice = harmonic(8000, 125, 30, stretch.maxLag);
    const hiss = noise(240, 0, 3);
    // Noise at about the voice's level: the periods still repeat, but well under the default 0.9.
    for (let i = 0; i < 240; i++) voice[i] = voice[i]! + Math.round(hiss[i]! / 2);
    const original = voice.slice();
    expect(stretch.expand(voice, 0, 240, stretch.maxLag)).toBe(0);
    expect(voice).toEqual(original);
    const inserted = stretch.expand(voice, 0, 240, stretch.maxLag, 0.5);
    // About one 8 ms period: the noise moves the best match by a sample or two.
    expect(Math.abs(inserted - 64)).toBeLessThanOrEqual(2);
    expect(stretch.lastCorrelation).toBeGreaterThanOrEqual(0.5);
    expect(stretch.lastCorrelation).toBeLessThan(0.9);
  });
});

describe('TimeStretch properties', () => {
  it('changes the length by the lag it reports, within its bounds, on any audio', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...RATES),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 0, max: 4000 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.constantFrom('tone', 'noise', 'silence'),
        fc.integer({ min: 60, max: 400 }),
        fc.boolean(),
        (rate, startMs, lengthHint, limit, kind, hz, shorten) => {
          const stretch = new TimeStretch(rate);
          const start = Math.round((rate * startMs) / 1000);
          const length = lengthHint % (2 * stretch.maxLag + 100);
          const spare = stretch.maxLag;
          const total = start + length + spare;
          const samples = kind === 'tone' ? harmonic(rate, hz, (total * 1000) / rate + 1) : kind === 'noise' ? noise(total) : new Int16Array(total);
          const buffer = samples.subarray(0, total).slice();
          const original = buffer.slice();
          const changed = shorten ? stretch.accelerate(buffer, start, start + length, limit) : stretch.expand(buffer, start, start + length, limit);
          expect(changed === 0 || (changed >= stretch.minLag && changed <= Math.min(stretch.maxLag, limit, length >> 1))).toBe(true);
          // Nothing before the range moves; with no change nothing moves at all.
          expect(buffer.subarray(0, start)).toEqual(original.subarray(0, start));
          if (changed === 0) expect(buffer).toEqual(original);
          else if (shorten) expect(buffer.subarray(start + changed, start + length - changed)).toEqual(original.subarray(start + 2 * changed, start + length));
          else expect(buffer.subarray(start + 2 * changed, start + length + changed)).toEqual(original.subarray(start + changed, start + length));
        },
      ),
      { numRuns: 300 },
    );
  });
});
