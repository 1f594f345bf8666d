import alawmulaw from 'alawmulaw';

const { mulaw } = alawmulaw;

/**
 * `frames` 20 ms µ-law frames of a gliding tone. µ-law code 0x7f (negative zero) is avoided because
 * it decodes to the same sample as 0xff, so it cannot survive a decode/encode round trip.
 */
export function mulawTone(frames: number, startHz = 300, endHz = 1200): Uint8Array[] {
  const result: Uint8Array[] = [];
  let phase = 0;
  for (let f = 0; f < frames; f++) {
    const pcm = new Int16Array(160);
    for (let i = 0; i < 160; i++) {
      const progress = (f * 160 + i) / (frames * 160);
      phase += (2 * Math.PI * (startHz + (endHz - startHz) * progress)) / 8000;
      pcm[i] = Math.round(Math.sin(phase) * 12_000);
    }
    const bytes = mulaw.encode(pcm);
    for (let i = 0; i < bytes.length; i++) if (bytes[i] === 0x7f) bytes[i] = 0xff;
    result.push(bytes);
  }
  return result;
}
