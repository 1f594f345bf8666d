/** The engine's outbound audio as the simulated Telnyx plays it: durations and decoded PCM. */
import { createDecoder } from '../../codecs/createCodec.js';
import type { CaptureMediaFormat } from '../capture/captureFormat.js';

/** Milliseconds of audio in one outbound `media` payload of `bytes` bytes. */
export function audioMsOf(format: CaptureMediaFormat, bytes: number): number {
  switch (format.encoding.toUpperCase()) {
    case 'PCMU':
    case 'PCMA':
      return bytes / (format.sampleRate / 1000);
    case 'L16':
      return bytes / ((2 * format.sampleRate) / 1000);
    case 'OPUS':
      // The engine sends one 20 ms Opus packet per message (engine/outboundStream.ts).
      return 20;
    default:
      throw new RangeError(`cannot time outbound ${format.encoding} audio`);
  }
}

/**
 * Decodes the payloads in order with `format`'s decoder and concatenates the PCM: everything the
 * engine sent, as Telnyx would play it back to back.
 *
 * @throws UnsupportedCodecError for a format callwire cannot decode; whatever the decoder throws for a corrupt payload.
 */
export function decodeOutboundAudio(format: CaptureMediaFormat, payloads: readonly Buffer[]): Int16Array {
  const decoder = createDecoder(format);
  try {
    // Opus packets carry at most 120 ms; every other codec at most one sample per byte.
    const opusMax = Math.ceil((format.sampleRate * 120) / 1000);
    let capacity = 0;
    for (const payload of payloads) capacity += Math.max(payload.length, opusMax);
    const pcm = new Int16Array(capacity);
    let written = 0;
    for (const payload of payloads) written += decoder.decode(payload, payload.length, pcm.subarray(written));
    return pcm.slice(0, written);
  } finally {
    decoder.close();
  }
}
