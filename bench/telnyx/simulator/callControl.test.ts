import Telnyx from 'telnyx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TelnyxSimulator } from './index.js';
import { startWebhookReceiver, type WebhookReceiver } from './testKit.js';
import { EVENT_WAIT_MS } from '../../../test/support/eventWait.js';

let sim: TelnyxSimulator;
let receiver: WebhookReceiver;
let client: Telnyx;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  sim = await TelnyxSimulator.start({ webhookUrl: receiver.url, webhookDelayMs: 1 });
  client = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
});

afterEach(async () => {
  await sim.close();
  await receiver.close();
});

/** An answered inbound call. */
async function answeredCall(): Promise<string> {
  const leg = await sim.inboundCall({ from: '+13125550100', to: '+13125550199' });
  await client.calls.actions.answer(leg.callControlId, { command_id: 'answer-1' });
  return leg.callControlId;
}

/** The `errors[0]` of a rejected SDK call. */
async function apiErrorOf(promise: Promise<unknown>): Promise<{ status: number; code: string; title: string }> {
  try {
    await promise;
  } catch (error) {
    const apiError = error as InstanceType<typeof Telnyx.APIError>;
    const first = (apiError.error as { errors: { code: string; title: string }[] }).errors[0]!;
    return { status: apiError.status as number, code: first.code, title: first.title };
  }
  throw new Error('expected the SDK call to fail');
}

describe('Call Control through the telnyx SDK', () => {
  it('records every action the SDK sends, with its path and body', async () => {
    const dialed = await client.calls.dial({ connection_id: 'conn-1', from: '+13125550100', to: '+13125550123', command_id: 'dial-1' });
    expect(dialed.data).toMatchObject({ record_type: 'call', is_alive: true });
    const id = dialed.data!.call_control_id;
    await sim.waitFor(() => sim.leg(id)?.state === 'answered', EVENT_WAIT_MS, 'the dialled call to answer');

    const ok = { data: { result: 'ok' } };
    expect(await client.calls.actions.startStreaming(id, { stream_url: 'ws://127.0.0.1:9/none', command_id: 'c1' })).toEqual(ok);
    expect(await client.calls.actions.stopStreaming(id, { command_id: 'c2' })).toEqual(ok);
    expect(await client.calls.actions.startRecording(id, { channels: 'single', format: 'mp3', command_id: 'c3' })).toMatchObject(ok);
    expect(await client.calls.actions.stopRecording(id, { command_id: 'c4' })).toEqual(ok);
    expect(await client.calls.actions.sendDtmf(id, { digits: '12#', command_id: 'c5' })).toEqual(ok);
    expect(await client.calls.actions.transfer(id, { to: '+13125550111', command_id: 'c6' })).toEqual(ok);
    expect(await client.calls.actions.hangup(id, { command_id: 'c7' })).toEqual(ok);

    expect(sim.commands.map((c) => c.action)).toEqual(['dial', 'streaming_start', 'streaming_stop', 'record_start', 'record_stop', 'send_dtmf', 'transfer', 'hangup']);
    expect(sim.commands[0]).toMatchObject({ method: 'POST', path: '/calls', callControlId: id, commandId: 'dial-1', duplicate: false });
    expect(sim.commands[5]).toMatchObject({ path: `/calls/${id}/actions/send_dtmf`, body: { digits: '12#', command_id: 'c5' } });
    expect(sim.commands.every((c) => c.callControlId === id && !c.duplicate)).toBe(true);
  });

  it('answers an inbound call and reports its status', async () => {
    const id = await answeredCall();
    expect(sim.leg(id)?.state).toBe('answered');
    const status = await client.calls.retrieveStatus(id);
    expect(status.data).toMatchObject({ call_control_id: id, is_alive: true, record_type: 'call' });
  });

  it('ignores a repeated command_id for the same call, as Telnyx does', async () => {
    const id = await answeredCall();
    await client.calls.actions.hangup(id, { command_id: 'bye' });
    await client.calls.actions.hangup(id, { command_id: 'bye' });
    await sim.waitFor(() => receiver.eventTypes(id).includes('call.hangup'), EVENT_WAIT_MS, 'call.hangup');
    const hangups = sim.commands.filter((c) => c.action === 'hangup');
    expect(hangups.map((c) => c.duplicate)).toEqual([false, true]);
    expect(receiver.eventTypes(id).filter((t) => t === 'call.hangup')).toHaveLength(1);
  });

  it('lets the SDK retry a command whose response was lost, acting once', async () => {
    const retrying = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 1 });
    const id = await answeredCall();
    sim.failNextResponses(1);
    await retrying.calls.actions.hangup(id, { command_id: 'once' });
    expect(sim.commands.filter((c) => c.action === 'hangup').map((c) => c.duplicate)).toEqual([false, true]);
    await sim.waitFor(() => receiver.eventTypes(id).includes('call.hangup'), EVENT_WAIT_MS, 'call.hangup');
    expect(receiver.eventTypes(id).filter((t) => t === 'call.hangup')).toHaveLength(1);
  });

  it('refuses a wrong API key with 401 / 10009 and records nothing', async () => {
    const stranger = new Telnyx({ apiKey: 'KEY-wrong', baseURL: sim.baseUrl, maxRetries: 0 });
    const error = await apiErrorOf(stranger.calls.dial({ connection_id: 'c', from: '+1', to: '+2' }));
    expect(error).toEqual({ status: 401, code: '10009', title: 'Authentication failed' });
    expect(sim.commands).toEqual([]);
  });

  it('answers 422 / 90018 to a command on a call that has ended', async () => {
    const id = await answeredCall();
    await client.calls.actions.hangup(id, { command_id: 'h1' });
    expect(await apiErrorOf(client.calls.actions.transfer(id, { to: '+13125550111', command_id: 't1' }))).toMatchObject({ status: 422, code: '90018' });
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    await leg.hangup();
    expect(await apiErrorOf(client.calls.actions.answer(leg.callControlId, {}))).toMatchObject({ status: 422, code: '90018' });
  });

  it('answers Telnyx-shaped errors for unknown calls, missing fields and commands before answer', async () => {
    expect(await apiErrorOf(client.calls.actions.hangup('v3:nope', {}))).toMatchObject({ status: 422, code: '90015' });
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    expect(await apiErrorOf(client.calls.actions.startRecording(leg.callControlId, { channels: 'single', format: 'mp3' }))).toMatchObject({ status: 422, code: '90034' });
    const id = await answeredCall();
    expect(await apiErrorOf(client.calls.actions.transfer(id, {} as { to: string }))).toMatchObject({ status: 422, code: '10004' });
    expect(await apiErrorOf(client.calls.actions.sendDtmf(id, { digits: 'xyz' }))).toMatchObject({ status: 422, code: '90014' });
    expect(await apiErrorOf(client.calls.actions.hangup(id, { client_state: 'not base64!' }))).toMatchObject({ status: 422, code: '90017' });
    expect(sim.leg(id)?.state).toBe('answered');
    const missingRoute = await fetch(`${sim.baseUrl}/calls/${id}/actions/teleport`, { method: 'POST', headers: { authorization: `Bearer ${sim.apiKey}` } });
    expect(missingRoute.status).toBe(404);
    expect(((await missingRoute.json()) as { errors: { code: string }[] }).errors[0]!.code).toBe('10005');
  });

  it('dedupes a retried dial by command_id into one call', async () => {
    const first = await client.calls.dial({ connection_id: 'c', from: '+1', to: '+2', command_id: 'dial-x' });
    const second = await client.calls.dial({ connection_id: 'c', from: '+1', to: '+2', command_id: 'dial-x' });
    expect(second.data!.call_control_id).toBe(first.data!.call_control_id);
    expect(sim.commands.map((c) => c.duplicate)).toEqual([false, true]);
  });

  it('places an inbound call through POST /_sim/inbound', async () => {
    const response = await fetch(`${sim.baseUrl}/_sim/inbound`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ from: '+13125550100', to: '+13125550199' }),
    });
    const { data } = (await response.json()) as { data: { call_control_id: string } };
    expect(response.status).toBe(200);
    expect(sim.leg(data.call_control_id)?.state).toBe('parked');
    expect(receiver.received[0]!.json.data.payload).toMatchObject({ direction: 'incoming', state: 'parked', from: '+13125550100', to: '+13125550199' });

    const hangup = await fetch(`${sim.baseUrl}/_sim/calls/${encodeURIComponent(data.call_control_id)}/hangup`, { method: 'POST' });
    expect(hangup.status).toBe(200);
    expect(sim.leg(data.call_control_id)?.state).toBe('hangup');
    expect(receiver.eventTypes(data.call_control_id)).toEqual(['call.initiated', 'call.hangup']);
    expect((await fetch(`${sim.baseUrl}/_sim/recordings/x.mp3`)).status).toBe(404);
  });

  it('accepts a base URL that ends in /v2, like the real one', async () => {
    const v2 = new Telnyx({ apiKey: sim.apiKey, baseURL: `${sim.baseUrl}/v2`, maxRetries: 0 });
    const dialed = await v2.calls.dial({ connection_id: 'c', from: '+1', to: '+2' });
    expect(sim.commands[0]).toMatchObject({ path: '/v2/calls', callControlId: dialed.data!.call_control_id });
  });
});
