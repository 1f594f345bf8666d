import { CodedError } from '../errors/codedError.js';
/**
 * Stable codes for Call Control failures, as bots and logs see them. Each says whether trying the
 * same command again later could work.
 */
export const CallControlErrorCode = {
  /** No Telnyx API key is configured (`TELNYX_API_KEY` or `telnyx.apiKey`): Call Control is off; audio still works. */
  Unavailable: 'CW_CALL_CONTROL_UNAVAILABLE',
  /** The request was refused before reaching Telnyx (for example DTMF digits Telnyx does not accept). */
  InvalidRequest: 'CW_CALL_CONTROL_INVALID_REQUEST',
  /** Telnyx says the call has already ended (error 90018). */
  CallEnded: 'CW_CALL_ENDED',
  /** Telnyx refused the API key (401/403). */
  Unauthorized: 'CW_CALL_CONTROL_UNAUTHORIZED',
  /** Telnyx refused the command (another 4xx: bad call_control_id 90015, not answered yet 90034, validation...). */
  Rejected: 'CW_CALL_CONTROL_REJECTED',
  /** Telnyx rate-limited the account (429) even after the SDK's retries. */
  RateLimited: 'CW_CALL_CONTROL_RATE_LIMITED',
  /** Telnyx failed (5xx) even after the SDK's retries. */
  ServerError: 'CW_CALL_CONTROL_SERVER_ERROR',
  /** Telnyx could not be reached or did not answer in time, even after the SDK's retries. */
  Network: 'CW_CALL_CONTROL_NETWORK',
} as const;

/** One of {@link CallControlErrorCode}. */
export type CallControlErrorCode = (typeof CallControlErrorCode)[keyof typeof CallControlErrorCode];

const RETRYABLE: ReadonlySet<CallControlErrorCode> = new Set<CallControlErrorCode>([
  CallControlErrorCode.RateLimited,
  CallControlErrorCode.ServerError,
  CallControlErrorCode.Network,
]);

/** Details of a {@link CallControlError}. */
export interface CallControlErrorDetails {
  /** The Call Control command, e.g. `transfer`. */
  readonly command: string;
  /** HTTP status from Telnyx, when it answered. */
  readonly status?: number | undefined;
  /** Telnyx's own error codes from the response body (`errors[].code`), e.g. `['90018']`. */
  readonly telnyxCodes?: readonly string[] | undefined;
  readonly cause?: unknown;
}

/**
 * A Call Control command that did not succeed. `code` is stable; `retryable` says whether the
 * same command could succeed later (the SDK has already retried those twice).
 *
 * @example
 * ```ts
 * try { await record.start(); } catch (error) {
 *   if (isCallControlError(error) && error.code === 'CW_CALL_CONTROL_UNAVAILABLE') log.info('no recording: Call Control is off');
 * }
 * ```
 */
export class CallControlError extends CodedError<CallControlErrorCode> {
  override readonly name = 'CallControlError';
  readonly retryable: boolean;
  readonly command: string;
  readonly status: number | undefined;
  readonly telnyxCodes: readonly string[];

  constructor(code: CallControlErrorCode, message: string, details: CallControlErrorDetails) {
    super(code, message, details.cause === undefined ? undefined : { cause: details.cause });
    this.retryable = RETRYABLE.has(code);
    this.command = details.command;
    this.status = details.status;
    this.telnyxCodes = details.telnyxCodes ?? [];
  }
}

/** True when `error` is a {@link CallControlError}. */
export function isCallControlError(error: unknown): error is CallControlError {
  return error instanceof CallControlError;
}
