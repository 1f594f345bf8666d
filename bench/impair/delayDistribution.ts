/**
 * Distributions of a non-negative duration in milliseconds, used for per-frame delay jitter and
 * stall lengths. Samples are clamped to [0, maxMs] by the caller's effect settings.
 */

import type { SeededRandom } from './random.js';

/** A duration distribution in milliseconds. */
export type DelayDistribution =
  /** Always 0: the effect is off. */
  | { readonly kind: 'none' }
  /** Always `valueMs`. */
  | { readonly kind: 'constant'; readonly valueMs: number }
  /** Uniform in [minMs, maxMs). */
  | { readonly kind: 'uniform'; readonly minMs: number; readonly maxMs: number }
  /** Normal, truncated at 0 (a delay cannot be negative). */
  | { readonly kind: 'normal'; readonly meanMs: number; readonly sdMs: number }
  /** Pareto type I: ≥ minMs, P(X > x) = (minMs / x)^shape; heavy-tailed, shape 1–2 is typical. */
  | { readonly kind: 'pareto'; readonly minMs: number; readonly shape: number }
  /** Lognormal with the given median; sigma is the standard deviation of ln(X). */
  | { readonly kind: 'lognormal'; readonly medianMs: number; readonly sigma: number };

/** One sample of `distribution`, clamped to [0, maxMs]. */
export function sampleDelayMs(distribution: DelayDistribution, maxMs: number, random: SeededRandom): number {
  let value: number;
  switch (distribution.kind) {
    case 'none':
      return 0;
    case 'constant':
      value = distribution.valueMs;
      break;
    case 'uniform':
      value = random.uniformBetween(distribution.minMs, distribution.maxMs);
      break;
    case 'normal':
      value = random.normal(distribution.meanMs, distribution.sdMs);
      break;
    case 'pareto':
      value = random.pareto(distribution.minMs, distribution.shape);
      break;
    case 'lognormal':
      value = random.lognormal(Math.log(distribution.medianMs), distribution.sigma);
      break;
  }
  return value < 0 ? 0 : value > maxMs ? maxMs : value;
}

/** Why `distribution` is unusable, or undefined when it is valid. */
export function delayDistributionProblem(distribution: DelayDistribution): string | undefined {
  const finiteNonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0;
  switch (distribution.kind) {
    case 'none':
      return undefined;
    case 'constant':
      return finiteNonNegative(distribution.valueMs) ? undefined : 'valueMs must be finite and ≥ 0';
    case 'uniform':
      return finiteNonNegative(distribution.minMs) && Number.isFinite(distribution.maxMs) && distribution.maxMs >= distribution.minMs
        ? undefined
        : 'uniform needs 0 ≤ minMs ≤ maxMs, finite';
    case 'normal':
      return Number.isFinite(distribution.meanMs) && finiteNonNegative(distribution.sdMs) ? undefined : 'normal needs finite meanMs and sdMs ≥ 0';
    case 'pareto':
      return Number.isFinite(distribution.minMs) && distribution.minMs > 0 && Number.isFinite(distribution.shape) && distribution.shape > 0
        ? undefined
        : 'pareto needs minMs > 0 and shape > 0, finite';
    case 'lognormal':
      return Number.isFinite(distribution.medianMs) && distribution.medianMs > 0 && finiteNonNegative(distribution.sigma)
        ? undefined
        : 'lognormal needs medianMs > 0 and sigma ≥ 0, finite';
  }
}
