import { LOW_DECISION_LEVELS, LOW_INTERVALS } from './tables.js';

/** The largest decision level, Q6[29]: a ratio at or above it falls in the open last interval. */
const TOP_LEVEL = LOW_DECISION_LEVELS[LOW_INTERVALS - 1]!;

/** QUANTL interval for each whole ratio below {@link TOP_LEVEL}: 1 + the number of levels at or below it. */
const INTERVAL_OF_RATIO = ((): Uint8Array => {
  const table = new Uint8Array(TOP_LEVEL);
  for (let ratio = 0; ratio < TOP_LEVEL; ratio++) {
    let interval = 1;
    while (interval < LOW_INTERVALS && LOW_DECISION_LEVELS[interval]! <= ratio) interval++;
    table[ratio] = interval;
  }
  return table;
})();

/**
 * QUANTL's interval `mil` (1..30) of a difference magnitude under quantizer step `scale` (DETL):
 * the first `mil` with `magnitude < (Q6[mil] × scale) >> 12`, else 30.
 *
 * @remarks The standard scans up to 29 levels, each with a multiply. For integers that test is
 * `Q6[mil] > ((magnitude + 1) × 4096 − 1) / scale`, so one division and a table lookup give the
 * same answer (the division is exact: the quotient is never within 1/scale of the next integer,
 * far above double rounding). `scale` is at least 32, so never 0.
 */
export function lowBandInterval(magnitude: number, scale: number): number {
  const ratio = Math.floor(((magnitude + 1) * 4096 - 1) / scale);
  return ratio >= TOP_LEVEL ? LOW_INTERVALS : INTERVAL_OF_RATIO[ratio]!;
}
