import { invalidValue, missingParameter } from './apiErrors.js';
import { customParametersOf, type StreamRequest } from './streamRequest.js';

/** A parsed JSON request body. */
export type Body = Readonly<Record<string, unknown>>;

/** `body[field]` if it is a string; 422 if it is there but is not one. */
export function optionalString(body: Body, field: string): string | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw invalidValue(field, '10026', 'Invalid parameter type', `The '${field}' parameter must be of type 'string'.`);
  return value;
}

/** `body[field]`, a non-empty string, or 422 10004. */
export function requiredString(body: Body, field: string): string {
  const value = optionalString(body, field);
  if (value === undefined || value === '') throw missingParameter(field);
  return value;
}

/** `to` of dial, a string or an array of them (the first is the one simulated). */
export function dialTarget(body: Body): string {
  const to = body['to'];
  if (Array.isArray(to) && typeof to[0] === 'string' && to[0] !== '') return to[0];
  return requiredString(body, 'to');
}

/** `body[field]` if it is one of `allowed`; 422 with Telnyx's `code` otherwise (also when missing and `required`). */
export function enumField(body: Body, field: string, allowed: readonly string[], code: string, required: boolean): string | undefined {
  const value = body[field];
  if (value === undefined && !required) return undefined;
  if (typeof value !== 'string' || !allowed.includes(value)) {
    throw invalidValue(field, code, `Invalid value for ${field}`, `The '${field}' parameter must be one of ${allowed.join(', ')}.`);
  }
  return value;
}

/** `client_state`, which Telnyx requires to be base64 (90017). */
export function clientStateOf(body: Body): string | undefined {
  const value = optionalString(body, 'client_state');
  if (value !== undefined && !/^[A-Za-z0-9+/]*={0,2}$/.test(value)) {
    throw invalidValue('client_state', '90017', 'Invalid value for client_state', "The 'client_state' parameter must be a valid base64 string.");
  }
  return value;
}

/** Which command the stream fields come from; each accepts a different set (reference §3). */
export type StreamCommand = 'dial' | 'answer' | 'streaming_start';

/**
 * The stream a command asks for, or undefined without `stream_url`. Fields a command does not
 * document are ignored as Telnyx would: `answer` takes no auth token, rate or custom parameters.
 */
export function streamRequestOf(body: Body, command: StreamCommand, clientState: string | undefined): StreamRequest | undefined {
  const url = optionalString(body, 'stream_url');
  if (url === undefined) return undefined;
  if (!/^wss?:\/\/[^\s]+$/.test(url)) {
    throw invalidValue('stream_url', '10003', 'Invalid URL', 'The URL provided was invalid, malformed, or too long.');
  }
  const rate = body['stream_bidirectional_sampling_rate'];
  const authToken = command === 'answer' ? undefined : optionalString(body, 'stream_auth_token');
  if (authToken !== undefined && authToken.length > 4000) {
    throw invalidValue('stream_auth_token', '10025', 'String length out of range', "The 'stream_auth_token' must be at most 4000 characters long.");
  }
  return {
    url,
    track: optionalString(body, 'stream_track') ?? 'inbound_track',
    codec: optionalString(body, 'stream_codec') ?? 'default',
    bidirectionalMode: optionalString(body, 'stream_bidirectional_mode') ?? 'mp3',
    bidirectionalCodec: optionalString(body, 'stream_bidirectional_codec') ?? 'PCMU',
    bidirectionalSamplingRate: command !== 'answer' && typeof rate === 'number' ? rate : undefined,
    authToken,
    // Telnyx documents custom_parameters on streaming_start only; dial's are honoured too (see README).
    customParameters: command === 'answer' ? {} : customParametersOf(body['custom_parameters']),
    clientState,
  };
}
