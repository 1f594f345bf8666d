import { createEncoder } from '../../codecs/createCodec.js';
import { createResampler, isResampleRate } from '../../codecs/resample/createResampler.js';
import type { WavAudio } from '../../bots/wav/readWav.js';

/** The caller's side of a local call: a codec Telnyx streams and its rate. */
export interface CallerFormat {
  readonly encoding: 'PCMU' | 'PCMA' | 'L16';
  readonly sampleRate: 8000 | 16000;
}

/**
 * The WAV as the caller's 20 ms media payloads in `format`: channels mixed to mono, converted to the
 * codec's rate, the last frame padded with silence.
 */
export function callerFrames(wav: WavAudio, format: CallerFormat): Uint8Array[] {
  const pcm = atRate(monoOf(wav), wav.sampleRate, format.sampleRate);
  const frameSamples = format.sampleRate / 50;
  const encoder = createEncoder(format);
  const frames: Uint8Array[] = [];
  const frame = new Int16Array(frameSamples);
  const scratch = new Uint8Array(frameSamples * 2);
  try {
    for (let offset = 0; offset < pcm.length; offset += frameSamples) {
      frame.fill(0);
      frame.set(pcm.subarray(offset, offset + frameSamples));
      const bytes = encoder.encode(frame, 0, frameSamples, scratch);
      frames.push(scratch.slice(0, bytes));
    }
  } finally {
    encoder.close();
  }
  return frames;
}

function monoOf(wav: WavAudio): Int16Array {
  if (wav.channels === 1) return wav.samples;
  const mono = new Int16Array(Math.floor(wav.samples.length / wav.channels));
  for (let i = 0; i < mono.length; i++) {
    let sum = 0;
    for (let channel = 0; channel < wav.channels; channel++) sum += wav.samples[i * wav.channels + channel]!;
    mono[i] = Math.round(sum / wav.channels);
  }
  return mono;
}

/** `samples` at `toRate`: the engine's resampler for the rates it supports, linear interpolation for others (44.1 kHz, 22.05 kHz…). */
function atRate(samples: Int16Array, fromRate: number, toRate: number): Int16Array {
  if (fromRate === toRate) return samples;
  if (isResampleRate(fromRate) && isResampleRate(toRate)) {
    const resampler = createResampler(fromRate, toRate);
    try {
      const out = new Int16Array(resampler.maxOutputCount(samples.length));
      return out.subarray(0, resampler.process(samples, samples.length, out));
    } finally {
      resampler.close();
    }
  }
  const out = new Int16Array(Math.floor((samples.length * toRate) / fromRate));
  for (let i = 0; i < out.length; i++) {
    const position = (i * fromRate) / toRate;
    const index = Math.floor(position);
    const next = samples[Math.min(index + 1, samples.length - 1)]!;
    out[i] = Math.round(samples[index]! + (next - samples[index]!) * (position - index));
  }
  return out;
}
