import { describe, expect, it } from 'vitest';
import { aliasLevelDb, toneGainDb, toneSnrDb, zeroCrossingFrequency } from '../../bench/resample/quality.js';
import { resampleInFrames, sineWave } from '../../bench/resample/signals.js';
import { speexModule } from './speexModule.js';
import { SPEEX_VOIP_QUALITY, SpeexResampler } from './speexResampler.js';
import { RESAMPLE_RATES } from './types.js';

const PAIRS = RESAMPLE_RATES.flatMap((from) => RESAMPLE_RATES.filter((to) => to !== from).map((to) => [from, to] as const));
const DOWN_PAIRS = PAIRS.filter(([from, to]) => to < from);

function voip(from: number, to: number): SpeexResampler {
  return new SpeexResampler(speexModule, from, to, SPEEX_VOIP_QUALITY);
}

/** In-band test tones for the lower of the two rates, and the passband edge callwire promises. */
function bandOf(from: number, to: number): { tones: number[]; edge: number; edgeLossDb: number } {
  return Math.min(from, to) === 8000
    ? { tones: [300, 1000, 2000, 3000], edge: 3400, edgeLossDb: 1.5 }
    : { tones: [300, 1000, 3000, 6000], edge: 7000, edgeLossDb: 3.5 };
}

describe('SpeexResampler quality (VoIP preset)', () => {
  it.each(PAIRS)('%i → %i keeps a tone at its frequency', (from, to) => {
    const resampler = voip(from, to);
    for (const frequency of [440, 1000, 2500]) {
      resampler.reset();
      const output = resampleInFrames(resampler, sineWave(from, frequency, 12_000, from / 2), from / 50);
      const measured = zeroCrossingFrequency(output, to / 20, output.length, to);
      expect(Math.abs(measured - frequency) / frequency).toBeLessThan(1e-3);
    }
  });

  it.each(PAIRS)('%i → %i passes in-band tones at ≥ 80 dB SNR (THD+N), flat within 0.1 dB', (from, to) => {
    const resampler = voip(from, to);
    for (const tone of bandOf(from, to).tones) {
      expect(toneSnrDb(resampler, tone)).toBeGreaterThan(80);
      expect(Math.abs(toneGainDb(resampler, tone))).toBeLessThan(0.1);
    }
  });

  it.each(PAIRS)('%i → %i loses at most a little at the passband edge (3.4 kHz at 8 kHz, 7 kHz at 16 kHz)', (from, to) => {
    const { edge, edgeLossDb } = bandOf(from, to);
    if (Math.max(from, to) / 2 <= edge) return; // 24 ↔ 48 kHz: no 16 kHz band edge in play
    const resampler = voip(from, to);
    expect(toneGainDb(resampler, edge)).toBeGreaterThan(-edgeLossDb);
    expect(toneSnrDb(resampler, edge)).toBeGreaterThan(80);
  });

  it.each(DOWN_PAIRS)('%i → %i rejects tones above the output Nyquist frequency by ≥ 80 dB', (from, to) => {
    const resampler = voip(from, to);
    const nyquist = to / 2;
    for (const factor of [1.05, 1.15, 1.5, 2, 3]) {
      const frequency = nyquist * factor;
      if (frequency >= from / 2) continue;
      expect(aliasLevelDb(resampler, frequency)).toBeLessThan(-80);
    }
  });

  it('saturates full-scale input at the int16 limits instead of wrapping around', () => {
    const square = (amplitude: number): Int16Array => {
      const wave = new Int16Array(1600);
      for (let n = 0; n < wave.length; n++) wave[n] = (n >> 3) % 2 === 0 ? amplitude : -amplitude - 1;
      return wave;
    };
    const full = resampleInFrames(voip(8000, 16000), square(32767), 160);
    const half = resampleInFrames(voip(8000, 16000), square(16383), 160);
    // Gibbs overshoot pushes the full-scale wave past the limits: it must clip there.
    expect(full).toContain(32767);
    expect(full).toContain(-32768);
    for (let n = 0; n < full.length; n++) {
      const expected = Math.max(-32768, Math.min(32767, 2 * half[n]!));
      expect(Math.abs(full[n]! - expected)).toBeLessThanOrEqual(3);
    }
  });
});

describe('SpeexResampler lifecycle', () => {
  it('close() is idempotent and process() after it throws instead of touching freed memory', () => {
    const resampler = voip(16000, 8000);
    resampler.close();
    resampler.close();
    resampler.reset();
    expect(() => resampler.process(new Int16Array(320), 320, new Int16Array(160))).toThrow(/after close/);
  });

  it('returns its wasm memory on close: create/close cycles do not grow the heap', () => {
    for (let i = 0; i < 200; i++) voip(8000, 48000).close();
    const heapBytes = speexModule.HEAP8.byteLength;
    for (let i = 0; i < 5000; i++) voip(8000, 48000).close();
    expect(speexModule.HEAP8.byteLength).toBe(heapBytes);
  });

  it('rejects a quality Speex does not have', () => {
    expect(() => new SpeexResampler(speexModule, 8000, 16000, 11)).toThrow(/speex_resampler_init/);
  });
});
