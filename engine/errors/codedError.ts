/**
 * An error with a stable, documented `code` string, the base of the project's typed errors. Logs,
 * metrics and callers branch on `code`; `instanceof` picks the subclass.
 *
 * @remarks It imports nothing, so any folder (codecs, bots, actors, bench) can build on it without
 * taking on the engine.
 * @example
 * ```ts
 * export class ProtocolError extends CodedError<ProtocolErrorCode> {
 *   override readonly name = 'ProtocolError';
 * }
 * throw new ProtocolError(ProtocolErrorCode.BinaryMessage, 'binary WebSocket message');
 * ```
 */
export class CodedError<Code extends string = string> extends Error {
  /** Stable, documented code. */
  readonly code: Code;

  constructor(code: Code, message?: string, options?: ErrorOptions) {
    super(message, options);
    this.code = code;
  }
}

/**
 * The base of an error class that always carries the same `code`: its constructor takes what
 * `Error`'s does.
 *
 * @example
 * ```ts
 * export class ConfigError extends errorWithCode('CW_CONFIG') {
 *   override readonly name = 'ConfigError';
 * }
 * throw new ConfigError('port: must be a whole number');
 * ```
 */
export function errorWithCode<Code extends string>(code: Code): new (message?: string, options?: ErrorOptions) => CodedError<Code> {
  return class extends CodedError<Code> {
    constructor(message?: string, options?: ErrorOptions) {
      super(code, message, options);
    }
  };
}
