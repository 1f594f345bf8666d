import { z } from 'zod';
import type { RecordingSaved } from '../../bots/api.js';
import { errorWithCode } from '../errors/codedError.js';

/** Fields every Call Control event carries (reference §4); missing ones are undefined. */
export interface WebhookCommon {
  /** `data.id`: the same on every redelivery of one event. */
  readonly id: string;
  readonly occurredAt: string | undefined;
  readonly callControlId: string | undefined;
  readonly callSessionId: string | undefined;
  readonly connectionId: string | undefined;
  readonly clientState: string | undefined;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/** The Call Control events callwire acts on, parsed once at the edge; anything else is `other`. */
export type TelnyxWebhookEvent =
  | (WebhookCommon & { readonly type: 'call.initiated'; readonly direction: string | undefined; readonly state: string | undefined })
  | (WebhookCommon & { readonly type: 'call.answered' })
  | (WebhookCommon & { readonly type: 'call.hangup'; readonly hangupCause: string | undefined; readonly hangupSource: string | undefined })
  | (WebhookCommon & { readonly type: 'streaming.started' | 'streaming.stopped'; readonly streamUrl: string | undefined })
  | (WebhookCommon & { readonly type: 'streaming.failed'; readonly failureReason: string | undefined; readonly streamId: string | undefined })
  | (WebhookCommon & { readonly type: 'call.recording.saved'; readonly recording: RecordingSaved })
  | (WebhookCommon & { readonly type: 'other'; readonly eventType: string });

const envelopeSchema = z.object({
  data: z.object({
    event_type: z.string().min(1),
    id: z.string().min(1),
    occurred_at: z.string().nullish(),
    payload: z.record(z.string(), z.unknown()).nullish(),
  }),
});

/** A webhook body that is not a Call Control event envelope. */
export class WebhookFormatError extends errorWithCode('CW_WEBHOOK_FORMAT') {
  override readonly name = 'WebhookFormatError';
}

/**
 * Parses a verified webhook body into a {@link TelnyxWebhookEvent}. Only the envelope
 * (`data.event_type`, `data.id`) is required; payload fields of the wrong type count as missing.
 *
 * @throws {@link WebhookFormatError} when the body is not JSON or has no event type or id.
 */
export function parseWebhookEvent(rawBody: Buffer): TelnyxWebhookEvent {
  let json: unknown;
  try {
    json = JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw new WebhookFormatError('webhook body is not JSON');
  }
  const parsed = envelopeSchema.safeParse(json);
  if (!parsed.success) throw new WebhookFormatError('webhook body has no data.event_type and data.id');
  const { data } = parsed.data;
  const payload = data.payload ?? {};
  const common: WebhookCommon = {
    id: data.id,
    occurredAt: data.occurred_at ?? undefined,
    callControlId: text(payload['call_control_id']),
    callSessionId: text(payload['call_session_id']),
    connectionId: text(payload['connection_id']),
    clientState: text(payload['client_state']),
    from: text(payload['from']),
    to: text(payload['to']),
  };
  switch (data.event_type) {
    case 'call.initiated':
      return { ...common, type: 'call.initiated', direction: text(payload['direction']), state: text(payload['state']) };
    case 'call.answered':
      return { ...common, type: 'call.answered' };
    case 'call.hangup':
      return { ...common, type: 'call.hangup', hangupCause: text(payload['hangup_cause']), hangupSource: text(payload['hangup_source']) };
    case 'streaming.started':
    case 'streaming.stopped':
      return { ...common, type: data.event_type, streamUrl: text(payload['stream_url']) };
    case 'streaming.failed':
      return { ...common, type: 'streaming.failed', failureReason: text(payload['failure_reason']), streamId: text(payload['stream_id']) };
    case 'call.recording.saved':
      return { ...common, type: 'call.recording.saved', recording: recordingOf(payload) };
    default:
      return { ...common, type: 'other', eventType: data.event_type };
  }
}

function recordingOf(payload: Readonly<Record<string, unknown>>): RecordingSaved {
  return {
    recordingId: text(payload['recording_id']),
    urls: links(payload['recording_urls']),
    publicUrls: links(payload['public_recording_urls']),
    channels: text(payload['channels']),
    startedAt: text(payload['recording_started_at']),
    endedAt: text(payload['recording_ended_at']),
  };
}

/** `{mp3: url, wav: url}` with only the string entries kept. */
function links(value: unknown): Readonly<Record<string, string>> {
  if (typeof value !== 'object' || value === null) return {};
  const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
  return Object.fromEntries(entries);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
