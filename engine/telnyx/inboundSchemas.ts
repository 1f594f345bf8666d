import { z } from 'zod';
import { clip } from '../logging/clip.js';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import type {
  ConnectedFrame,
  ControlFrame,
  DtmfFrame,
  MarkFrame,
  StartFrame,
  StopFrame,
  TelnyxErrorFrame,
} from './frames.js';
import { UINT_ABSENT, UINT_INVALID, toUint } from './uintField.js';

/** Header and `connected` field that carry the `stream_auth_token` of the Call Control command. */
export const AUTH_TOKEN_FIELD = 'x-telnyx-streaming-auth-token';

const COUNTER_MESSAGE = 'expected a non-negative integer or a string of digits';
const MAX_ISSUE_MESSAGE = 120;

/** An optional counter: number or digit string; missing or `null` gives `undefined`. */
const optionalCounter = z
  .unknown()
  .transform((value, ctx) => {
    const n = toUint(value);
    if (n === UINT_INVALID) {
      ctx.addIssue({ code: 'custom', message: COUNTER_MESSAGE });
      return z.NEVER;
    }
    return n === UINT_ABSENT ? undefined : n;
  })
  .optional();

/** A required counter, as {@link optionalCounter}; `positive` also refuses 0. */
function requiredCounter(positive: boolean) {
  return z.unknown().transform((value, ctx) => {
    const n = toUint(value);
    if (n === UINT_ABSENT || n === UINT_INVALID || (positive && n === 0)) {
      ctx.addIssue({ code: 'custom', message: positive ? 'expected a positive integer or a string of digits' : COUNTER_MESSAGE });
      return z.NEVER;
    }
    return n;
  });
}

/** An optional string; `null` counts as missing. */
const optionalString = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

/** A `custom_parameters` value as a string: numbers and booleans printed, `null` empty, objects as JSON. */
function parameterText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/**
 * `start.custom_parameters`: the AAPI example's `{name: value}` object, or the `[{name, value}]` list
 * that `streaming_start` takes (UNCONFIRMED whether Telnyx ever forwards that form). Missing gives `{}`.
 * Built with `Object.fromEntries`, so a `__proto__` key stays an own property.
 */
const customParameters = z.unknown().optional().transform((value, ctx): Readonly<Record<string, string>> => {
  if (value === undefined || value === null) return {};
  if (Array.isArray(value)) {
    const entries: [string, string][] = [];
    for (const item of value) {
      const name: unknown = typeof item === 'object' && item !== null ? (item as { name?: unknown }).name : undefined;
      if (typeof name !== 'string') {
        ctx.addIssue({ code: 'custom', message: 'expected {name, value} entries' });
        return z.NEVER;
      }
      entries.push([name, parameterText((item as { value?: unknown }).value)]);
    }
    return Object.fromEntries(entries);
  }
  if (typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, item]) => [name, parameterText(item)]));
  }
  ctx.addIssue({ code: 'custom', message: 'expected an object of parameters' });
  return z.NEVER;
});

const connectedSchema = z
  .object({
    version: z.union([z.string(), z.number()]).nullish(),
    connected: z.object({ [AUTH_TOKEN_FIELD]: optionalString }).nullish(),
    [AUTH_TOKEN_FIELD]: optionalString,
  })
  .transform(
    (frame): ConnectedFrame => ({
      event: 'connected',
      version: frame.version === undefined || frame.version === null ? undefined : String(frame.version),
      // AAPI documents the nested field; the top-level one is a tolerated variant (UNCONFIRMED).
      authToken: frame.connected?.[AUTH_TOKEN_FIELD] ?? frame[AUTH_TOKEN_FIELD],
    }),
  );

const startSchema = z
  .object({
    sequence_number: optionalCounter,
    stream_id: z.string(),
    start: z.object({
      user_id: optionalString,
      call_control_id: z.string(),
      call_session_id: z.string(),
      from: z.string(),
      to: z.string(),
      tags: z
        .array(z.string())
        .nullish()
        .transform((tags) => tags ?? []),
      client_state: optionalString,
      custom_parameters: customParameters,
      media_format: z.object({
        encoding: z.string().min(1).transform((encoding) => encoding.toUpperCase()),
        sample_rate: requiredCounter(true),
        channels: requiredCounter(true),
      }),
    }),
  })
  .transform(
    ({ sequence_number, stream_id, start }): StartFrame => ({
      event: 'start',
      sequenceNumber: sequence_number,
      start: {
        streamId: stream_id,
        callControlId: start.call_control_id,
        callSessionId: start.call_session_id,
        userId: start.user_id,
        from: start.from,
        to: start.to,
        tags: start.tags,
        clientState: start.client_state,
        customParameters: start.custom_parameters,
        mediaFormat: {
          encoding: start.media_format.encoding,
          sampleRate: start.media_format.sample_rate,
          channels: start.media_format.channels,
        },
      },
    }),
  );

const dtmfSchema = z
  .object({
    sequence_number: optionalCounter,
    occurred_at: optionalString,
    dtmf: z.object({ digit: z.string() }),
  })
  .transform(
    (frame): DtmfFrame => ({
      event: 'dtmf',
      digit: frame.dtmf.digit,
      occurredAt: frame.occurred_at,
      sequenceNumber: frame.sequence_number,
    }),
  );

const markSchema = z
  .object({ sequence_number: optionalCounter, mark: z.object({ name: z.string() }) })
  .transform((frame): MarkFrame => ({ event: 'mark', name: frame.mark.name, sequenceNumber: frame.sequence_number }));

const stopSchema = z
  .object({
    sequence_number: optionalCounter,
    stop: z.object({ call_control_id: optionalString }).nullish(),
  })
  .transform(
    (frame): StopFrame => ({
      event: 'stop',
      callControlId: frame.stop?.call_control_id,
      sequenceNumber: frame.sequence_number,
    }),
  );

const errorSchema = z
  .object({
    payload: z.object({ code: requiredCounter(false), title: z.string(), detail: optionalString }),
  })
  .transform(
    ({ payload }): TelnyxErrorFrame => ({ event: 'error', code: payload.code, title: payload.title, detail: payload.detail }),
  );

/** The schema of every known control event, keyed by `event`. */
const CONTROL_SCHEMAS: ReadonlyMap<string, z.ZodType<ControlFrame>> = new Map<string, z.ZodType<ControlFrame>>([
  ['connected', connectedSchema],
  ['start', startSchema],
  ['dtmf', dtmfSchema],
  ['mark', markSchema],
  ['stop', stopSchema],
  ['error', errorSchema],
]);

/** `start.media_format` as a path string, `tags[1]` for array indexes, `(frame)` for the root. */
function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out === '' ? '(frame)' : out;
}

/** A {@link ProtocolError} `CW_INVALID_FRAME` naming the event, the field path and a short reason. */
export function invalidFrame(event: string, path: string, reason: string): ProtocolError {
  const short = reason.length > MAX_ISSUE_MESSAGE ? `${reason.slice(0, MAX_ISSUE_MESSAGE)}…` : reason;
  // The event name and the key path come from the sender: cut, like anything else it controls.
  return new ProtocolError(ProtocolErrorCode.InvalidFrame, `invalid ${clip(event)} frame at ${clip(path)}: ${short}`);
}

/**
 * Validates a parsed control frame (any `event` but `media`) and maps it to its {@link ControlFrame}.
 *
 * @remarks Unknown extra keys are ignored; an unknown `event` gives `{ event: 'unknown', name }`.
 *
 * @throws {@link ProtocolError} `CW_INVALID_FRAME` naming the event and the first failing field path.
 *
 * @example
 * ```ts
 * parseControlFrame('mark', { event: 'mark', mark: { name: 'm1' } }); // { event: 'mark', name: 'm1', ... }
 * ```
 */
export function parseControlFrame(event: string, json: object): ControlFrame {
  const schema = CONTROL_SCHEMAS.get(event);
  if (schema === undefined) return { event: 'unknown', name: event };
  const result = schema.safeParse(json);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  throw invalidFrame(event, formatPath(issue?.path ?? []), issue?.message ?? 'invalid');
}
