import { errorWithCode } from '../../engine/errors/codedError.js';

/** Stable codes for errors raised by `bots/wav/`. */
export const WavErrorCode = {
  /** The bytes are not a RIFF/WAVE file this reader supports, or the audio is not what was asked for. */
  Format: 'CW_WAV_FORMAT',
  /** No prompt directory could be found next to the module or in the package's source tree. */
  PromptsMissing: 'CW_WAV_PROMPTS_MISSING',
} as const;

/** One of {@link WavErrorCode}. */
export type WavErrorCode = (typeof WavErrorCode)[keyof typeof WavErrorCode];

/**
 * A WAV file is malformed, truncated, or uses an encoding, bit depth, rate or channel count that the
 * caller does not accept.
 *
 * @remarks Not retryable: the same bytes fail the same way. Prompts are committed files, so this
 * signals a bad checkout or a bad regeneration, and should stop the bot from starting.
 */
export class WavFormatError extends errorWithCode(WavErrorCode.Format) {
  override readonly name = 'WavFormatError';
  /** Reading the same bytes again cannot succeed. */
  readonly retryable = false;
}

/**
 * Neither `bots/prompts/` beside the module nor the package's `bots/prompts/` exists.
 *
 * @remarks Not retryable: it means the package was installed or built without its prompt files.
 */
export class PromptsMissingError extends errorWithCode(WavErrorCode.PromptsMissing) {
  override readonly name = 'PromptsMissingError';
  /** Looking again finds the same file tree. */
  readonly retryable = false;
}

/** True when `error` is a {@link WavFormatError}. */
export function isWavFormatError(error: unknown): error is WavFormatError {
  return error instanceof WavFormatError;
}
