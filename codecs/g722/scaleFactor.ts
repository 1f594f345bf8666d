import { LOG_SCALE_LEAK, SCALE_ANTILOG } from './tables.js';

/**
 * LOGSCL/LOGSCH: leaks the log scale factor `logScale` towards 0, adds `step`, and limits the
 * result to `[0, max]`.
 */
export function adaptLogScale(logScale: number, step: number, max: number): number {
  const next = ((logScale * LOG_SCALE_LEAK) >> 15) + step;
  return next < 0 ? 0 : next > max ? max : next;
}

/**
 * SCALEL/SCALEH: turns the log scale factor into the linear quantizer step (DETL/DETH) through the
 * 32-entry antilog table; `shift` is 8 for the lower band and 10 for the higher band.
 */
export function linearScale(logScale: number, shift: number): number {
  const mantissa = SCALE_ANTILOG[(logScale >> 6) & 31]!;
  const exponent = shift - (logScale >> 11);
  return (exponent < 0 ? mantissa << -exponent : mantissa >> exponent) << 2;
}
