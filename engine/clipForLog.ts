/** Characters of an untrusted value that may go into a log line. */
export const LOGGED_PREFIX_CHARS = 64;

/** An attacker-controlled value as a log field: at most its first 64 characters, and its full length. */
export interface ClippedValue {
  readonly prefix: string;
  readonly length: number;
}

/**
 * `value` cut for a log line, so a request cannot write kilobytes into the log or hide a long
 * value's tail; undefined stays undefined.
 *
 * @example
 * ```ts
 * log.warn({ host: clipForLog(request.headers.host) }, 'refused');
 * ```
 */
export function clipForLog(value: string | undefined): ClippedValue | undefined {
  return value === undefined ? undefined : { prefix: value.slice(0, LOGGED_PREFIX_CHARS), length: value.length };
}
