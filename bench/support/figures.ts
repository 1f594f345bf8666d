import { quantile } from './quantiles.js';

/** p50, p95 and the largest of a set of measurements, in ms, and how many there were. */
export interface Spread {
  readonly p50: number;
  readonly p95: number;
  readonly max: number;
  readonly samples: number;
}

/** The {@link Spread} of `values` (NaN percentiles when there are none). */
export function spread(values: readonly number[]): Spread {
  return { p50: quantile(values, 0.5) ?? Number.NaN, p95: quantile(values, 0.95) ?? Number.NaN, max: values.length === 0 ? Number.NaN : Math.max(...values), samples: values.length };
}

/**
 * A bench command's positive number option: `fallback` when absent.
 *
 * @throws RangeError naming the option when the value is not a positive number.
 */
export function positiveOption(value: string | undefined, fallback: number, name: string): number {
  if (value === undefined) return fallback;
  const parsed = Number(value);
  if (!Number.isFinite(parsed) || parsed <= 0) throw new RangeError(`--${name} must be a positive number, got "${value}"`);
  return parsed;
}
