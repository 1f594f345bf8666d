import { describe, expect, it } from 'vitest';
import { parseWebhookEvent, WebhookFormatError } from './webhookEvents.js';

const body = (eventType: string, payload: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ data: { record_type: 'event', event_type: eventType, id: 'evt-1', occurred_at: '2026-01-01T00:00:00Z', payload }, meta: { attempt: 1 } }));

describe('parseWebhookEvent', () => {
  it('reads call.initiated with the fields every event shares', () => {
    const event = parseWebhookEvent(
      body('call.initiated', { call_control_id: 'v3:a', call_session_id: 's', connection_id: 'c', client_state: 'aGk=', from: '+1312', to: '+1313', direction: 'incoming', state: 'parked' }),
    );
    expect(event).toEqual({
      type: 'call.initiated',
      id: 'evt-1',
      occurredAt: '2026-01-01T00:00:00Z',
      callControlId: 'v3:a',
      callSessionId: 's',
      connectionId: 'c',
      clientState: 'aGk=',
      from: '+1312',
      to: '+1313',
      direction: 'incoming',
      state: 'parked',
    });
  });

  it('reads hangup causes, stream failures and recordings', () => {
    expect(parseWebhookEvent(body('call.hangup', { call_control_id: 'v3:a', hangup_cause: 'normal_clearing', hangup_source: 'caller' }))).toMatchObject({
      type: 'call.hangup',
      hangupCause: 'normal_clearing',
      hangupSource: 'caller',
    });
    expect(parseWebhookEvent(body('streaming.failed', { failure_reason: 'connection_failed', stream_id: 'st' }))).toMatchObject({
      type: 'streaming.failed',
      failureReason: 'connection_failed',
      streamId: 'st',
      callControlId: undefined,
    });
    const recording = parseWebhookEvent(body('call.recording.saved', { call_control_id: 'v3:a', recording_id: 'r', recording_urls: { mp3: 'https://x/1.mp3', wav: null }, channels: 'dual' }));
    expect(recording).toMatchObject({ type: 'call.recording.saved', recording: { recordingId: 'r', urls: { mp3: 'https://x/1.mp3' }, publicUrls: {}, channels: 'dual' } });
  });

  it('keeps unknown events as other, and treats fields of the wrong type as missing', () => {
    expect(parseWebhookEvent(body('call.speak.ended', { call_control_id: 42 }))).toMatchObject({ type: 'other', eventType: 'call.speak.ended', callControlId: undefined });
  });

  it('refuses bodies that are not a Call Control envelope', () => {
    expect(() => parseWebhookEvent(Buffer.from('not json'))).toThrow(WebhookFormatError);
    expect(() => parseWebhookEvent(Buffer.from('{"data":{"event_type":"call.hangup"}}'))).toThrow(WebhookFormatError);
    expect(() => parseWebhookEvent(Buffer.from('[]'))).toThrow(WebhookFormatError);
  });
});
