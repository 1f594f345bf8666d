/** Dominant frequency of `samples` at `sampleRate`, from the rate of sign changes (good for one clean tone). */
export function zeroCrossingHz(samples: Int16Array, sampleRate: number): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1]! < 0) !== (samples[i]! < 0)) crossings++;
  return (crossings / 2) * (sampleRate / samples.length);
}

/** Root-mean-square level of `samples`. */
export function rms(samples: Int16Array): number {
  let sum = 0;
  for (const sample of samples) sum += sample * sample;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

/** `frames` 20 ms frames of a steady tone at `hz`, as PCM16 at `sampleRate`. */
export function toneFrames(frames: number, hz: number, sampleRate: number, amplitude = 10_000): Int16Array[] {
  const frameSamples = sampleRate / 50;
  const result: Int16Array[] = [];
  for (let f = 0; f < frames; f++) {
    const pcm = new Int16Array(frameSamples);
    for (let i = 0; i < frameSamples; i++) pcm[i] = Math.round(Math.sin((2 * Math.PI * hz * (f * frameSamples + i)) / sampleRate) * amplitude);
    result.push(pcm);
  }
  return result;
}
