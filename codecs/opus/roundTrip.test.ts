import { describe, expect, it } from 'vitest';
import { dominantFrequency, onset, rms, tone } from './fixtures/signals.js';
import { OpusFrameDecoder } from './opusFrameDecoder.js';
import { OpusFrameEncoder } from './opusFrameEncoder.js';
import { OPUS_SAMPLE_RATES } from './packet.js';

/** libopus's algorithmic delay with the VOIP application: 4 ms look-ahead plus the 2.5 ms CELT overlap. */
const CODEC_DELAY_MS = 6.5;

/** 200 ms of silence then 800 ms of a tone, through a fresh encoder and decoder; returns input and output. */
function roundTrip(rate: number, hz: number): { input: Int16Array; output: Int16Array } {
  const frame = rate / 50;
  const input = new Int16Array(frame * 50);
  input.set(tone(rate, hz, frame * 40), frame * 10);
  const encoder = new OpusFrameEncoder({ sampleRate: rate });
  const decoder = new OpusFrameDecoder({ sampleRate: rate });
  const output = new Int16Array(input.length);
  const packet = new Uint8Array(1500);
  const pcm = new Int16Array(frame);
  for (let at = 0; at < input.length; at += frame) {
    const bytes = encoder.encode(input, at, frame, packet);
    expect(decoder.decode(packet, bytes, pcm)).toBe(frame);
    output.set(pcm, at);
  }
  encoder.close();
  decoder.close();
  return { input, output };
}

/**
 * Signal-to-noise ratio of `output` against `original`, at the alignment within ±3 samples of
 * `start` that fits best (the onset estimate of the delay can be a sample off).
 */
function bestSnrDb(original: Int16Array, output: Int16Array, start: number): number {
  let best = -Infinity;
  for (let shift = -3; shift <= 3; shift++) {
    let noise = 0;
    let signal = 0;
    for (let i = 0; i < original.length; i++) {
      signal += original[i]! ** 2;
      noise += (output[start + shift + i]! - original[i]!) ** 2;
    }
    best = Math.max(best, 10 * Math.log10(signal / noise));
  }
  return best;
}

describe('Opus round trip', () => {
  for (const rate of OPUS_SAMPLE_RATES) {
    it.each([440, 1000])(`keeps a %d Hz tone's frequency, level and waveform at ${rate} Hz`, (hz) => {
      const { input, output } = roundTrip(rate, hz);
      const delay = onset(output, 2000) - onset(input, 2000);
      expect(Math.abs((delay * 1000) / rate - CODEC_DELAY_MS)).toBeLessThan(0.5);
      // Compare the steady middle, shifted by the codec delay.
      const from = (rate / 50) * 15;
      const to = (rate / 50) * 45;
      const decoded = output.subarray(from + delay, to + delay);
      const original = input.subarray(from, to);
      expect(dominantFrequency(decoded, rate)).toBe(hz);
      expect(Math.abs(20 * Math.log10(rms(decoded) / rms(original)))).toBeLessThan(1);
      expect(bestSnrDb(original, output, from + delay)).toBeGreaterThan(12);
    });
  }
});
