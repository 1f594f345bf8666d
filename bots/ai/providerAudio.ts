import { alawDecodeInto, alawEncodeInto } from '../../codecs/pcma.js';
import { mulawDecodeInto, mulawEncodeInto } from '../../codecs/pcmu.js';
import type { SpeechAudioFormat } from './speechToSpeech.js';

/**
 * The wire format between the bot and a provider for a call: G.711 as the call carries it when the
 * bot runs at 8 kHz (no resampling, and the provider takes the same bytes Telnyx sent), 24 kHz PCM
 * when the bot runs at 24 kHz (wideband calls, resampled by the engine's stages).
 *
 * @throws RangeError for any other bot rate.
 */
export function providerFormatFor(botSampleRate: number, callEncoding: string): SpeechAudioFormat {
  if (botSampleRate === 8000) return callEncoding === 'PCMA' ? { encoding: 'pcma', sampleRate: 8000 } : { encoding: 'pcmu', sampleRate: 8000 };
  if (botSampleRate === 24_000) return { encoding: 'pcm16', sampleRate: 24_000 };
  throw new RangeError(`AI agents run at 8000 or 24000 Hz, not ${botSampleRate}: set the agent's media.botSampleRate to one of them`);
}

/** Largest frame of caller audio the encoder takes at once (60 ms at 24 kHz is 1,440). */
const MAX_FRAME_SAMPLES = 4096;

/** Turns the bot's PCM16 frames into provider bytes, reusing one buffer. */
export class ProviderEncoder {
  private readonly bytes = new Uint8Array(MAX_FRAME_SAMPLES * 2);
  private view: Uint8Array = this.bytes.subarray(0, 0);

  constructor(private readonly format: SpeechAudioFormat) {}

  /** Encodes `samples[0, count)`; the returned view is overwritten by the next call. */
  encode(samples: Int16Array, count: number): Uint8Array {
    const n = Math.min(count, MAX_FRAME_SAMPLES);
    let length: number;
    if (this.format.encoding === 'pcmu') length = mulawEncodeInto(samples, 0, n, this.bytes);
    else if (this.format.encoding === 'pcma') length = alawEncodeInto(samples, 0, n, this.bytes);
    else {
      // Little-endian PCM16, written byte by byte: a typed-array view of `samples` would be a new
      // object every 20 ms.
      const bytes = this.bytes;
      for (let i = 0; i < n; i++) {
        const sample = samples[i]!;
        bytes[2 * i] = sample & 0xff;
        bytes[2 * i + 1] = (sample >> 8) & 0xff;
      }
      length = n * 2;
    }
    if (this.view.length !== length) this.view = this.bytes.subarray(0, length);
    return this.view;
  }
}

/** Turns provider bytes into PCM16 for the bot's output, reusing a buffer that grows as needed. */
export class ProviderDecoder {
  private samples = new Int16Array(4800);
  /** PCM16 input whose length was odd: its last byte waits for the next chunk. */
  private carry = -1;

  constructor(private readonly format: SpeechAudioFormat) {}

  /** Decodes `audio`; returns the samples, valid until the next call, and how many there are. */
  decode(audio: Uint8Array): { readonly samples: Int16Array; readonly count: number } {
    if (this.format.encoding !== 'pcm16') {
      this.ensure(audio.length);
      const count = this.format.encoding === 'pcmu' ? mulawDecodeInto(audio, audio.length, this.samples) : alawDecodeInto(audio, audio.length, this.samples);
      return { samples: this.samples, count };
    }
    const total = audio.length + (this.carry >= 0 ? 1 : 0);
    const count = total >> 1;
    this.ensure(count);
    let byte = 0;
    for (let i = 0; i < count; i++) {
      const low = i === 0 && this.carry >= 0 ? this.carry : audio[byte++]!;
      const high = audio[byte++]!;
      this.samples[i] = (high << 24) >> 16 | low;
    }
    this.carry = total % 2 === 1 ? audio[audio.length - 1]! : -1;
    return { samples: this.samples, count };
  }

  private ensure(count: number): void {
    if (this.samples.length < count) this.samples = new Int16Array(count * 2);
  }
}
