/** Right shift applied to samples before squaring in {@link scaledEnergy}. */
export const ENERGY_SHIFT = 5;

/**
 * Sum of squares of `samples[0, count)` after dropping the low {@link ENERGY_SHIFT} bits of each
 * sample. Integer arithmetic throughout (up to about 2000 samples it stays a small integer), so it
 * allocates nothing even in V8's unoptimised tiers, where every fractional intermediate is boxed.
 */
export function scaledEnergy(samples: Int16Array, count: number): number {
  const n = count < samples.length ? count : samples.length;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const sample = samples[i]! >> ENERGY_SHIFT;
    sum += sample * sample;
  }
  return sum;
}

/** The {@link scaledEnergy} of `count` samples whose RMS is `rms`, rounded down. */
export function scaledEnergyLimit(rms: number, count: number): number {
  const scaled = rms / 2 ** ENERGY_SHIFT;
  return Math.floor(scaled * scaled * count);
}

/** Mean of the squared samples in `samples[0, count)`; 0 for an empty range. For tests and reports. */
export function meanSquare(samples: Int16Array, count: number): number {
  const n = count < samples.length ? count : samples.length;
  if (!(n > 0)) return 0;
  let sum = 0;
  for (let i = 0; i < n; i++) {
    const sample = samples[i]!;
    sum += sample * sample;
  }
  return sum / n;
}

/** RMS of a full-scale square wave is 32768; this converts a level in dBFS to an RMS in sample units. */
export function dbfsToRms(dbfs: number): number {
  return 32768 * 10 ** (dbfs / 20);
}
