import alawmulaw from 'alawmulaw';

const { mulaw } = alawmulaw;

/** `frames` 20 ms µ-law frames of a 440 Hz tone: the caller's side of a soak call. */
export function mulawTone(frames: number): Uint8Array[] {
  const result: Uint8Array[] = [];
  for (let f = 0; f < frames; f++) {
    const pcm = new Int16Array(160);
    for (let i = 0; i < 160; i++) pcm[i] = Math.round(Math.sin((2 * Math.PI * 440 * (f * 160 + i)) / 8000) * 8000);
    result.push(mulaw.encode(pcm));
  }
  return result;
}
