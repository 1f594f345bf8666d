import { describe, expect, it } from 'vitest';
import { G722Decoder } from './decoder.js';
import { G722Encoder } from './encoder.js';
import { G722_SAMPLE_RATE } from './rates.js';

/** Delay of the transmit plus receive QMF (two 24-tap filters), in 16 kHz samples. */
const CODEC_DELAY = 22;
/** 20 ms at 16 kHz. */
const FRAME_SAMPLES = 320;
/** One second of audio, in 20 ms frames. */
const FRAMES = 50;
/** Skipped before measuring: the ADPCM scale factors start small and need a few ms to adapt. */
const SETTLE_SAMPLES = 1600;

/** A sine of `hz` at `amplitude`, one second long. */
function tone(hz: number, amplitude: number): Int16Array {
  const out = new Int16Array(FRAME_SAMPLES * FRAMES);
  for (let i = 0; i < out.length; i++) out[i] = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / G722_SAMPLE_RATE));
  return out;
}

/** Seeded white noise, so the delay has a single best alignment. */
function noise(amplitude: number): Int16Array {
  const out = new Int16Array(FRAME_SAMPLES * FRAMES);
  let state = 0x9e3779b9;
  for (let i = 0; i < out.length; i++) {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    out[i] = Math.round(((state >>> 0) / 0xffffffff - 0.5) * 2 * amplitude);
  }
  return out;
}

/** Encodes and decodes `input` in 20 ms frames with one encoder and one decoder. */
function roundTrip(input: Int16Array): Int16Array {
  const encoder = new G722Encoder();
  const decoder = new G722Decoder();
  const payload = new Uint8Array(FRAME_SAMPLES / 2);
  const output = new Int16Array(input.length);
  const frame = new Int16Array(FRAME_SAMPLES);
  for (let at = 0; at < input.length; at += FRAME_SAMPLES) {
    expect(encoder.encode(input, at, FRAME_SAMPLES, payload)).toBe(FRAME_SAMPLES / 2);
    expect(decoder.decode(payload, payload.length, frame)).toBe(FRAME_SAMPLES);
    output.set(frame, at);
  }
  return output;
}

/** Signal-to-noise ratio of `output` delayed by `delay` against `input`, after the settling time. */
function snrDb(input: Int16Array, output: Int16Array, delay: number): number {
  let signal = 0;
  let error = 0;
  for (let i = SETTLE_SAMPLES; i + delay < input.length; i++) {
    signal += input[i]! ** 2;
    error += (output[i + delay]! - input[i]!) ** 2;
  }
  return 10 * Math.log10(signal / error);
}

describe('G.722 round trip', () => {
  it('delays the signal by the two QMFs, 22 samples', () => {
    const input = noise(8000);
    const output = roundTrip(input);
    let bestDelay = -1;
    let best = -Infinity;
    for (let delay = 0; delay < 64; delay++) {
      const snr = snrDb(input, output, delay);
      if (snr > best) [best, bestDelay] = [snr, delay];
    }
    expect(bestDelay).toBe(CODEC_DELAY);
    // White noise spends half its power in the 2-bit higher band, hence the modest figure.
    expect(best).toBeGreaterThan(10);
  });

  // The lower band has 6 bits per sample, the higher band 2, and the figures show it.
  it.each([
    [300, 1000, 40],
    [300, 20000, 55],
    [1000, 1000, 38],
    [1000, 20000, 42],
    [3000, 10000, 36],
    [5000, 10000, 18],
    [6000, 10000, 22],
    [7000, 10000, 18],
  ])('keeps a %d Hz tone at amplitude %d above %d dB SNR', (hz, amplitude, minimumDb) => {
    const input = tone(hz, amplitude);
    expect(snrDb(input, roundTrip(input), CODEC_DELAY)).toBeGreaterThan(minimumDb);
  });

  it('decodes silence to near silence', () => {
    const output = roundTrip(new Int16Array(FRAME_SAMPLES * FRAMES));
    let peak = 0;
    for (let i = SETTLE_SAMPLES; i < output.length; i++) peak = Math.max(peak, Math.abs(output[i]!));
    expect(peak).toBeLessThan(8);
  });
});
