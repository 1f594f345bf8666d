/** Characters of an outside-controlled string that a log line keeps. */
export const LOG_TEXT_LIMIT = 64;

/**
 * An outside-controlled string as it may be logged: at most `limit` characters, then how long it
 * really was, so a stranger cannot size the log (or the memory behind it) with one long field.
 *
 * @example
 * ```ts
 * log.warn({ detail: clip(frame.detail) }, 'telnyx reported a stream error');
 * // detail: "aaaa…(60000 chars)"
 * ```
 */
export function clip(value: string, limit: number = LOG_TEXT_LIMIT): string {
  if (value.length <= limit) return value;
  return `${value.slice(0, limit)}…(${value.length} chars)`;
}

/** {@link clip} for a value that may be absent. */
export function clipOptional(value: string | undefined, limit: number = LOG_TEXT_LIMIT): string | undefined {
  return value === undefined ? undefined : clip(value, limit);
}
