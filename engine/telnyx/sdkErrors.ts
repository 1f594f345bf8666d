import { APIConnectionError, APIError } from 'telnyx';
import { CallControlError, CallControlErrorCode } from './callControlError.js';

/** Telnyx's code for a command on a call that has already ended. */
export const CALL_ALREADY_ENDED = '90018';

/** One entry of Telnyx's `{"errors":[{code,title,detail}]}` error body. */
interface TelnyxErrorEntry {
  readonly code: string;
  readonly title: string | undefined;
  readonly detail: string | undefined;
}

/** Maps whatever the SDK threw for `command` to a {@link CallControlError}. */
export function toCallControlError(command: string, error: unknown): CallControlError {
  if (error instanceof CallControlError) return error;
  if (error instanceof APIConnectionError) {
    return new CallControlError(CallControlErrorCode.Network, `${command}: Telnyx unreachable: ${error.message}`, { command, cause: error });
  }
  if (error instanceof APIError && typeof error.status === 'number') {
    const entries = errorEntries(error.error);
    const telnyxCodes = entries.map((entry) => entry.code);
    const first = entries[0];
    const what = first === undefined ? error.message : `${first.code} ${first.title ?? ''}${first.detail === undefined ? '' : `: ${first.detail}`}`.trim();
    const details = { command, status: error.status, telnyxCodes, cause: error };
    return new CallControlError(codeFor(error.status, telnyxCodes), `${command}: Telnyx answered ${error.status}: ${what}`, details);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new CallControlError(CallControlErrorCode.Network, `${command}: ${message}`, { command, cause: error });
}

function codeFor(status: number, telnyxCodes: readonly string[]): CallControlErrorCode {
  if (telnyxCodes.includes(CALL_ALREADY_ENDED)) return CallControlErrorCode.CallEnded;
  if (status === 401 || status === 403) return CallControlErrorCode.Unauthorized;
  if (status === 429) return CallControlErrorCode.RateLimited;
  if (status >= 500 || status === 408) return CallControlErrorCode.ServerError;
  return CallControlErrorCode.Rejected;
}

/** The `errors` list of a Telnyx error body; codes arrive as strings or numbers. */
function errorEntries(body: unknown): TelnyxErrorEntry[] {
  const list = typeof body === 'object' && body !== null ? (body as { errors?: unknown }).errors : undefined;
  if (!Array.isArray(list)) return [];
  const entries: TelnyxErrorEntry[] = [];
  for (const item of list) {
    if (typeof item !== 'object' || item === null) continue;
    const { code, title, detail } = item as { code?: unknown; title?: unknown; detail?: unknown };
    if (typeof code !== 'string' && typeof code !== 'number') continue;
    entries.push({
      code: String(code),
      title: typeof title === 'string' ? title : undefined,
      detail: typeof detail === 'string' ? detail : undefined,
    });
  }
  return entries;
}
