import { alawDecodeInto, alawEncodeInto } from '../../codecs/pcma.js';
import { mulawDecodeInto, mulawEncodeInto } from '../../codecs/pcmu.js';

/** Audio encodings the fake providers speak: OpenAI's three and Gemini's PCM. */
export type FakeAudioEncoding = 'audio/pcmu' | 'audio/pcma' | 'audio/pcm';

/** Sample rate of an encoding as OpenAI Realtime uses it. */
export function rateOf(encoding: FakeAudioEncoding, pcmRate = 24_000): number {
  return encoding === 'audio/pcm' ? pcmRate : 8000;
}

/** Decodes provider bytes to PCM16 samples. */
export function decodeFakeAudio(encoding: FakeAudioEncoding, bytes: Uint8Array): Int16Array {
  if (encoding === 'audio/pcm') {
    const samples = new Int16Array(bytes.length >> 1);
    for (let i = 0; i < samples.length; i++) samples[i] = (bytes[2 * i + 1]! << 24) >> 16 | bytes[2 * i]!;
    return samples;
  }
  const samples = new Int16Array(bytes.length);
  if (encoding === 'audio/pcmu') mulawDecodeInto(bytes, bytes.length, samples);
  else alawDecodeInto(bytes, bytes.length, samples);
  return samples;
}

/** Encodes PCM16 samples as provider bytes. */
export function encodeFakeAudio(encoding: FakeAudioEncoding, samples: Int16Array): Uint8Array {
  if (encoding === 'audio/pcm') {
    const bytes = new Uint8Array(samples.length * 2);
    for (let i = 0; i < samples.length; i++) {
      bytes[2 * i] = samples[i]! & 0xff;
      bytes[2 * i + 1] = (samples[i]! >> 8) & 0xff;
    }
    return bytes;
  }
  const bytes = new Uint8Array(samples.length);
  if (encoding === 'audio/pcmu') mulawEncodeInto(samples, 0, samples.length, bytes);
  else alawEncodeInto(samples, 0, samples.length, bytes);
  return bytes;
}

/** A steady tone: what the fake model "says", distinct per turn so a listener can tell turns apart. */
export function toneSamples(frequencyHz: number, durationMs: number, sampleRate: number, amplitude = 8000): Int16Array {
  const samples = new Int16Array(Math.round((durationMs * sampleRate) / 1000));
  for (let i = 0; i < samples.length; i++) samples[i] = Math.round(amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate));
  return samples;
}

/**
 * The fake model's ear: speech starts after `startWindows` loud 20 ms windows in a row and stops
 * after `silenceMs` of quiet ones. Positions are milliseconds of input audio since the session began.
 */
export class EnergyVad {
  private heardMs = 0;
  private loudRun = 0;
  private quietMs = 0;
  private speaking = false;
  private window: number[] = [];

  constructor(
    private readonly sampleRate: number,
    private readonly threshold: number,
    private silenceMs: number,
    private readonly startWindows = 2,
  ) {}

  /** Changes how much quiet ends a turn (the session's `silence_duration_ms`). */
  setSilenceMs(ms: number): void {
    this.silenceMs = ms;
  }

  /** Feeds audio; calls back at each start (with its position) and stop. */
  feed(samples: Int16Array, onStart: (atMs: number) => void, onStop: (atMs: number) => void): void {
    const windowSize = this.sampleRate / 50;
    for (const sample of samples) {
      this.window.push(Math.abs(sample));
      if (this.window.length < windowSize) continue;
      const level = this.window.reduce((sum, value) => sum + value, 0) / this.window.length;
      this.window = [];
      this.heardMs += 20;
      if (level >= this.threshold) {
        this.loudRun++;
        this.quietMs = 0;
        if (!this.speaking && this.loudRun >= this.startWindows) {
          this.speaking = true;
          onStart(this.heardMs - 20 * this.startWindows);
        }
      } else {
        this.loudRun = 0;
        if (this.speaking) {
          this.quietMs += 20;
          if (this.quietMs >= this.silenceMs) {
            this.speaking = false;
            onStop(this.heardMs);
          }
        }
      }
    }
  }
}
