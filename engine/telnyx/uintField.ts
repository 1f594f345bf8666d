/** {@link toUint} result: the field is missing or `null`. */
export const UINT_ABSENT = -1;
/** {@link toUint} result: the field is present but not a counter. */
export const UINT_INVALID = -2;

/** Longest digit run read as a counter; 15 digits always fit a double exactly. */
export const UINT_MAX_DIGITS = 15;

const DIGITS = /^[0-9]{1,15}$/;

/**
 * Reads a Telnyx counter (`sequence_number`, `chunk`, `timestamp`, `sample_rate`, ...) that may be a
 * JSON number or a JSON string of digits.
 *
 * @remarks Returns the value, {@link UINT_ABSENT} for `undefined`/`null`, or {@link UINT_INVALID} for
 * anything else: negative or fractional numbers, numbers above `Number.MAX_SAFE_INTEGER`, strings that
 * are empty, signed, spaced or longer than {@link UINT_MAX_DIGITS} digits. `"007"` reads as 7. This is
 * the slow path's rule; the media fast path accepts a subset of it and falls back on the rest.
 *
 * @example
 * ```ts
 * toUint('4'); // 4
 * toUint(4); // 4
 * toUint('4a'); // UINT_INVALID
 * ```
 */
export function toUint(value: unknown): number {
  if (value === undefined || value === null) return UINT_ABSENT;
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value + 0 : UINT_INVALID;
  if (typeof value === 'string' && DIGITS.test(value)) return Number(value);
  return UINT_INVALID;
}
