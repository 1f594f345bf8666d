import { CodedError } from '../engine/errors/codedError.js';

/** Codes for the ways a bot can fail besides throwing its own error. */
export type BotErrorCode = 'CW_BOT_UNRESPONSIVE' | 'CW_BOT_FAILED';

/** A bot failure detected by the host rather than thrown by the bot. */
export class BotError extends CodedError<BotErrorCode> {
  override readonly name = 'BotError';
}
