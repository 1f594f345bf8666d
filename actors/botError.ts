/** Codes for the ways a bot can fail besides throwing its own error. */
export type BotErrorCode = 'CW_BOT_UNRESPONSIVE' | 'CW_BOT_FAILED';

/** A bot failure detected by the host rather than thrown by the bot. */
export class BotError extends Error {
  override readonly name = 'BotError';
  /** Stable code for logs and metrics. */
  readonly code: BotErrorCode;

  constructor(code: BotErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
