import { createPublicKey, verify } from 'node:crypto';
import Telnyx from 'telnyx';
import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxSimulator, verifyTelnyxSignature } from './index.js';
import { startWebhookReceiver, type ReceivedWebhook, type WebhookReceiver } from './testKit.js';
import { EVENT_WAIT_MS } from '../../../test/support/eventWait.js';

let sim: TelnyxSimulator | undefined;
let receiver: WebhookReceiver | undefined;

afterEach(async () => {
  await sim?.close();
  await receiver?.close();
  sim = undefined;
  receiver = undefined;
});

async function setUp(statusFor?: (webhook: ReceivedWebhook, index: number) => number): Promise<{ sim: TelnyxSimulator; receiver: WebhookReceiver }> {
  receiver = await startWebhookReceiver(statusFor);
  sim = await TelnyxSimulator.start({ webhookUrl: receiver.url, webhookDelayMs: 1 });
  return { sim, receiver };
}

/** Verifies like an engine would, with nothing but node:crypto and the published base64 key. */
function independentlyVerified(publicKeyBase64: string, webhook: ReceivedWebhook): boolean {
  const spki = Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), Buffer.from(publicKeyBase64, 'base64')]);
  const key = createPublicKey({ key: spki, format: 'der', type: 'spki' });
  const message = Buffer.from(`${String(webhook.headers['telnyx-timestamp'])}|${webhook.rawBody}`);
  return verify(null, message, key, Buffer.from(String(webhook.headers['telnyx-signature-ed25519']), 'base64'));
}

describe('webhooks', () => {
  it('sends call.initiated in the documented envelope, signed with the published Ed25519 key', async () => {
    const { sim, receiver } = await setUp();
    const leg = await sim.inboundCall({ from: '+13125550100', to: '+13125550199', connectionId: 'conn-7' });
    const [webhook] = receiver.received;
    expect(Buffer.from(sim.publicKeyBase64, 'base64')).toHaveLength(32);
    expect(independentlyVerified(sim.publicKeyBase64, webhook!)).toBe(true);
    expect(webhook!.headers['user-agent']).toBe('telnyx-webhooks');
    expect(Math.abs(Number(webhook!.headers['telnyx-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(webhook!.json).toEqual({
      data: {
        record_type: 'event',
        event_type: 'call.initiated',
        id: expect.any(String),
        occurred_at: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        payload: expect.objectContaining({
          call_control_id: leg.callControlId,
          call_leg_id: leg.callLegId,
          call_session_id: leg.callSessionId,
          connection_id: 'conn-7',
          client_state: null,
          from: '+13125550100',
          to: '+13125550199',
          direction: 'incoming',
          state: 'parked',
        }),
      },
      meta: { attempt: 1, delivered_to: receiver.url },
    });
    expect(sim.webhooks).toEqual([{ eventType: 'call.initiated', id: webhook!.json.data.id, callControlId: leg.callControlId, status: 200, attempt: 1 }]);
  });

  it('signs over the raw body: a changed body or timestamp does not verify', async () => {
    const { sim, receiver } = await setUp();
    await sim.inboundCall({ from: '+1', to: '+2' });
    const webhook = receiver.received[0]!;
    const timestamp = String(webhook.headers['telnyx-timestamp']);
    const signature = String(webhook.headers['telnyx-signature-ed25519']);
    expect(verifyTelnyxSignature(sim.publicKeyBase64, timestamp, webhook.rawBody, signature)).toBe(true);
    expect(verifyTelnyxSignature(sim.publicKeyBase64, timestamp, webhook.rawBody.replace('+1', '+9'), signature)).toBe(false);
    expect(verifyTelnyxSignature(sim.publicKeyBase64, String(Number(timestamp) + 1), webhook.rawBody, signature)).toBe(false);
  });

  it('retries after a 500 and succeeds on attempt 2 with the same data.id', async () => {
    const { sim, receiver } = await setUp((_, index) => (index === 0 ? 500 : 200));
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    expect(sim.webhooks.map((w) => [w.status, w.attempt])).toEqual([
      [500, 1],
      [200, 2],
    ]);
    expect(receiver.received.map((w) => w.json.meta.attempt)).toEqual([1, 2]);
    expect(receiver.received[1]!.json.data.id).toBe(receiver.received[0]!.json.data.id);
    expect(receiver.received.every((w) => independentlyVerified(sim.publicKeyBase64, w))).toBe(true);
    expect(leg.state).toBe('parked');
  });

  it('does not retry a 4xx other than 408 and 429', async () => {
    const { sim, receiver } = await setUp(() => 401);
    await sim.inboundCall({ from: '+1', to: '+2' });
    expect(sim.webhooks.map((w) => w.status)).toEqual([401]);
    expect(receiver.received).toHaveLength(1);
  });

  it('redelivers an event with the same data.id and a higher attempt', async () => {
    const { sim, receiver } = await setUp();
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    await leg.redeliver('call.initiated');
    const [first, again] = receiver.received;
    expect(again!.json.data).toEqual(first!.json.data);
    expect(again!.json.meta.attempt).toBe(2);
    expect(independentlyVerified(sim.publicKeyBase64, again!)).toBe(true);
    await expect(leg.redeliver('call.hangup')).rejects.toThrow(/no call.hangup webhook/);
  });

  it('reports a call answered, hung up by the caller, with client_state echoed', async () => {
    const { sim, receiver } = await setUp();
    const client = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    const clientState = Buffer.from('agent=demo').toString('base64');
    await client.calls.actions.answer(leg.callControlId, { client_state: clientState, command_id: 'a' });
    await sim.waitFor(() => receiver.eventTypes().includes('call.answered'), EVENT_WAIT_MS, 'call.answered');
    await leg.hangup();
    expect(receiver.eventTypes()).toEqual(['call.initiated', 'call.answered', 'call.hangup']);
    const [, answered, hangup] = receiver.received;
    expect(answered!.json.data.payload).toMatchObject({ state: 'answered', client_state: clientState });
    expect(hangup!.json.data.payload).toMatchObject({ state: 'hangup', hangup_cause: 'normal_clearing', hangup_source: 'caller', client_state: clientState });
  });

  it('sends call.recording.saved with recording links on record_stop and on hangup', async () => {
    const { sim, receiver } = await setUp();
    const client = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    const id = leg.callControlId;
    await client.calls.actions.answer(id, {});
    await client.calls.actions.startRecording(id, { channels: 'dual', format: 'wav' });
    await client.calls.actions.stopRecording(id, {});
    await sim.waitFor(() => receiver.eventTypes().includes('call.recording.saved'), EVENT_WAIT_MS, 'call.recording.saved');
    const saved = receiver.received.find((w) => w.json.data.event_type === 'call.recording.saved')!.json.data.payload;
    expect(saved).toMatchObject({ call_control_id: id, channels: 'dual', recording_urls: { wav: expect.stringMatching(/\.wav$/) } });

    await client.calls.actions.startRecording(id, { channels: 'single', format: 'mp3' });
    await client.calls.actions.hangup(id, {});
    await sim.waitFor(() => receiver.eventTypes().filter((t) => t === 'call.recording.saved').length === 2, EVENT_WAIT_MS, 'a second recording');
    expect(receiver.eventTypes()).toEqual(['call.initiated', 'call.answered', 'call.recording.saved', 'call.hangup', 'call.recording.saved']);
    expect(receiver.received[3]!.json.data.payload).toMatchObject({ hangup_source: 'callee' });
  });

  it('sends a call’s webhooks to its own webhook_url when a command set one', async () => {
    const { sim, receiver } = await setUp();
    const other = await startWebhookReceiver();
    try {
      const client = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
      const dialed = await client.calls.dial({ connection_id: 'c', from: '+1', to: '+2', webhook_url: other.url });
      await sim.waitFor(() => other.eventTypes().includes('call.answered'), EVENT_WAIT_MS, 'call.answered at the call’s own URL');
      expect(other.eventTypes(dialed.data!.call_control_id)).toEqual(['call.initiated', 'call.answered']);
      expect(other.received[0]!.json.data.payload).toMatchObject({ direction: 'outgoing', state: 'bridging' });
      expect(receiver.received).toEqual([]);
    } finally {
      await other.close();
    }
  });
});
