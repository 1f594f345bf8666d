import { createDecoder } from '../../codecs/createCodec.js';
import type { CodecFormat } from '../../codecs/createCodec.js';
import type { AudioDecoder } from '../../codecs/types.js';
import type { ReceivedMedia } from '../telnyx/mediaClient.js';

/** What the bot said, laid out as the caller heard it. */
export interface HeardAudio {
  readonly sampleRate: number;
  /** PCM from the start of the stream: each message plays when it arrives or when the one before it ends, silence between. */
  readonly samples: Int16Array;
}

/**
 * Decodes the engine's `media` messages onto the caller's timeline, as Telnyx plays them: a message
 * starts when it arrives or when what came before has played, whichever is later. A `clear` is not
 * modelled: what a bot cut off is kept, so the file shows what the bot sent.
 */
export function heardAudio(media: readonly ReceivedMedia[], startedAt: number, format: CodecFormat): HeardAudio {
  const decoder = createDecoder(format);
  const perMs = format.sampleRate / 1000;
  const decoded: { startMs: number; pcm: Int16Array }[] = [];
  let cursorMs = 0;
  // Opus packets carry at most 120 ms; every other codec at most one sample per byte.
  const scratch = new Int16Array(Math.max(format.sampleRate * 0.12, 8192));
  try {
    for (const message of media) {
      const count = decoder.decode(message.payload, message.payload.length, scratch);
      const startMs = Math.max(message.at - startedAt, cursorMs);
      decoded.push({ startMs, pcm: scratch.slice(0, count) });
      cursorMs = startMs + count / perMs;
    }
  } finally {
    decoder.close();
  }
  const samples = new Int16Array(Math.ceil(cursorMs * perMs));
  for (const piece of decoded) samples.set(piece.pcm.subarray(0, samples.length - Math.round(piece.startMs * perMs)), Math.round(piece.startMs * perMs));
  return { sampleRate: format.sampleRate, samples };
}

/** A stretch of sound, in milliseconds from the start of the stream. */
export interface Spurt {
  readonly startMs: number;
  readonly endMs: number;
}

/** Below this 20 ms RMS (about −40 dBFS) a frame counts as silence. */
const SILENCE_RMS = 330;
/** Quiet shorter than this does not split a spurt (pauses between words). */
const BRIDGE_MS = 300;

/** Tells messages with sound from silent ones, decoding each with one reused decoder. */
export class AudibleMessages {
  readonly #decoder: AudioDecoder;
  readonly #pcm = new Int16Array(8192);

  constructor(format: CodecFormat) {
    this.#decoder = createDecoder(format);
  }

  /** True when the payload's RMS is above about −40 dBFS. */
  audible(payload: Buffer): boolean {
    const count = this.#decoder.decode(payload, payload.length, this.#pcm);
    let energy = 0;
    for (let i = 0; i < count; i++) energy += this.#pcm[i]! * this.#pcm[i]!;
    return count > 0 && Math.sqrt(energy / count) >= SILENCE_RMS;
  }

  /** Releases the decoder. */
  close(): void {
    this.#decoder.close();
  }
}

/** Where `samples` has sound: 20 ms frames above −40 dBFS, pauses under 300 ms bridged. */
export function spurtsOf(samples: Int16Array, sampleRate: number): Spurt[] {
  const frame = sampleRate / 50;
  const spurts: { startMs: number; endMs: number }[] = [];
  for (let offset = 0; offset + frame <= samples.length; offset += frame) {
    let energy = 0;
    for (let i = offset; i < offset + frame; i++) energy += samples[i]! * samples[i]!;
    if (Math.sqrt(energy / frame) < SILENCE_RMS) continue;
    const startMs = (offset / sampleRate) * 1000;
    const last = spurts.at(-1);
    if (last !== undefined && startMs - last.endMs < BRIDGE_MS) last.endMs = startMs + 20;
    else spurts.push({ startMs, endMs: startMs + 20 });
  }
  return spurts;
}
