import alawmulaw from 'alawmulaw';
import { mediaFrame, simulatedCall } from '../telnyx/mediaFrames.js';

/** Samples in 20 ms of G.711 (8 kHz). */
export const G711_FRAME_SAMPLES = 160;
/** Samples in 20 ms of L16 at 16 kHz. */
export const L16_FRAME_SAMPLES = 320;
/** The engine's default `limits.maxPayloadBytes` (engine/shippedBots.ts), so the parser is sized as in production. */
export const MAX_PAYLOAD_BYTES = 8 * 1024;

/** Every input the microbenchmarks use, built once before anything is timed. */
export interface MicroInputs {
  /** 20 ms of speech-like PCM at 8 kHz. */
  readonly pcm8k: Int16Array;
  /** `pcm8k` as µ-law. */
  readonly mulaw: Uint8Array;
  /** `pcm8k` as A-law. */
  readonly alaw: Uint8Array;
  /** 20 ms of speech-like PCM at 16 kHz as big-endian L16 bytes (640). */
  readonly l16BigEndian: Uint8Array;
  /** A Telnyx inbound `media` message carrying `mulaw`, counters as strings (as documented), as `ws` delivers it. */
  readonly mediaMessageStringCounters: Buffer;
  /** The same message with counters as JSON numbers. */
  readonly mediaMessageNumberCounters: Buffer;
}

/**
 * A deterministic voiced-speech stand-in: a 140 Hz fundamental with formant-ish harmonics, a
 * syllable-rate envelope and a little noise, so the companders see the whole amplitude range.
 */
export function speechLikePcm(sampleRate: number, samples: number, startSample = 4_000): Int16Array {
  const pcm = new Int16Array(samples);
  let noise = 0x2545f491;
  for (let i = 0; i < samples; i++) {
    const t = (startSample + i) / sampleRate;
    const envelope = 0.25 + 0.75 * Math.abs(Math.sin(2 * Math.PI * 4 * t));
    const voiced =
      0.55 * Math.sin(2 * Math.PI * 140 * t) + 0.3 * Math.sin(2 * Math.PI * 700 * t) + 0.15 * Math.sin(2 * Math.PI * 2_300 * t);
    noise ^= noise << 13;
    noise ^= noise >>> 17;
    noise ^= noise << 5;
    const hiss = (noise | 0) / 0x80000000;
    pcm[i] = Math.round(22_000 * envelope * voiced + 300 * hiss);
  }
  return pcm;
}

/** Big-endian (network order) bytes of `pcm`. */
function toBigEndian(pcm: Int16Array): Uint8Array {
  const bytes = new Uint8Array(pcm.length * 2);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < pcm.length; i++) view.setInt16(i * 2, pcm[i]!, false);
  return bytes;
}

/** Rewrites the counters of a documented (string-counter) media message as JSON numbers, keeping key order. */
function withNumberCounters(message: string): string {
  const frame = JSON.parse(message) as { sequence_number: unknown; media: { chunk: unknown; timestamp: unknown } };
  frame.sequence_number = Number(frame.sequence_number);
  frame.media.chunk = Number(frame.media.chunk);
  frame.media.timestamp = Number(frame.media.timestamp);
  return JSON.stringify(frame);
}

/** Builds {@link MicroInputs}; the media messages are a mid-call frame (a minute in) of a fixed stream. */
export function buildInputs(): MicroInputs {
  const pcm8k = speechLikePcm(8_000, G711_FRAME_SAMPLES);
  const mulaw = alawmulaw.mulaw.encode(pcm8k);
  const call = simulatedCall({ streamId: '32de0dea-53cb-4b21-89a4-9610c5c3e4a9' });
  const message = mediaFrame(call, 3_002, 3_000, 60_000, mulaw);
  return {
    pcm8k,
    mulaw,
    alaw: alawmulaw.alaw.encode(pcm8k),
    l16BigEndian: toBigEndian(speechLikePcm(16_000, L16_FRAME_SAMPLES)),
    mediaMessageStringCounters: Buffer.from(message, 'utf8'),
    mediaMessageNumberCounters: Buffer.from(withNumberCounters(message), 'utf8'),
  };
}
