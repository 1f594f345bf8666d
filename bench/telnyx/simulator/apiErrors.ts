import { CodedError } from '../../../engine/errors/codedError.js';

/**
 * Telnyx's REST error shape, `{"errors":[{code,title,detail,source?,meta}]}`, with codes and titles
 * from Telnyx's API error table (team-telnyx/knowledge-base wiki/reference/api-error-codes.md).
 */

/** A request the simulated Telnyx refuses; `httpServer` turns it into the JSON error response. */
export class TelnyxApiError extends CodedError {
  override readonly name = 'TelnyxApiError';

  constructor(
    readonly status: number,
    code: string,
    readonly title: string,
    readonly detail: string,
    /** JSON pointer of the offending body field, e.g. `/to`. */
    readonly pointer?: string,
  ) {
    super(code, `${status} ${code} ${title}: ${detail}`);
  }

  /** The response body Telnyx sends. */
  toBody(): { errors: Record<string, unknown>[] } {
    const error: Record<string, unknown> = { code: this.code, title: this.title, detail: this.detail };
    if (this.pointer !== undefined) error['source'] = { pointer: this.pointer };
    error['meta'] = { url: `https://developers.telnyx.com/docs/overview/errors/${this.code}` };
    return { errors: [error] };
  }
}

/** 401: a missing or wrong `Authorization: Bearer` key. */
export const authenticationFailed = (): TelnyxApiError =>
  new TelnyxApiError(401, '10009', 'Authentication failed', 'The required authentication headers were either invalid or not included in the request.');

/** 404: no such route. */
export const resourceNotFound = (): TelnyxApiError =>
  new TelnyxApiError(404, '10005', 'Resource not found', 'The requested resource or URL could not be found.');

/** 400: the body is not JSON. */
export const invalidJson = (): TelnyxApiError => new TelnyxApiError(400, '10023', 'Invalid JSON', 'The supplied JSON is invalid.');

/** 422: a required body field is missing. */
export const missingParameter = (field: string): TelnyxApiError =>
  new TelnyxApiError(422, '10004', 'Missing required parameter', `The '${field}' parameter is required.`, `/${field}`);

/** 422: a body field has a value Telnyx does not accept. */
export const invalidValue = (field: string, code: string, title: string, detail: string): TelnyxApiError =>
  new TelnyxApiError(422, code, title, detail, `/${field}`);

/** 422: the call_control_id names no call (status UNCONFIRMED: Telnyx documents the code, not the status). */
export const invalidCallControlId = (): TelnyxApiError =>
  new TelnyxApiError(422, '90015', 'Invalid Call Control ID', 'The provided call_control_id was not valid.');

/** 422: the call has hung up. */
export const callAlreadyEnded = (): TelnyxApiError =>
  new TelnyxApiError(422, '90018', 'Call has already ended', "This call is no longer active and can't receive commands.");

/** 422: the command needs an answered call. */
export const callNotAnswered = (): TelnyxApiError =>
  new TelnyxApiError(422, '90034', 'Call not answered yet', 'This command requires the call to be answered first.');
