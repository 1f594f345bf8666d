import { generateKeyPairSync, sign } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CallInfo } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const API_KEY = 'cw-test-api-key-0123456789abcdef';
const TOKEN = 'texml-secret-0123456789';

const started = new Map<string, CallInfo>();
/** Remembers its call and echoes nothing; enough to see what reached the bot. */
const listenerBot = defineBot({ name: 'listener', create: ({ call }) => (started.set(call.callControlId, call), {}) });

let bed: TelnyxTestBed;

beforeAll(async () => {
  bed = await startTelnyxEngine(
    [
      testAgent('outbound', listenerBot, { phoneNumbers: ['+13125550200'], customParameters: { campaign: 'spring' } }),
      testAgent('wideband', listenerBot, { media: { outboundEncoding: 'L16' }, customParameters: { plan: 'gold & "silver"' } }),
      testAgent('guarded', listenerBot, { streamAuthToken: TOKEN }),
    ],
    // Stream URLs come from the Host (127.0.0.1:PORT) of these requests, and from X-Forwarded-Host
    // when the TeXML test poses as the proxy in front of cw.example.com.
    { apiKeys: [API_KEY], connectionId: 'conn-default', allowedHosts: ['127.0.0.1', 'cw.example.com'], trustedProxies: ['127.0.0.1'] },
  );
});

afterAll(async () => {
  await bed.close();
});

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${bed.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: typeof body === 'string' ? body : JSON.stringify(body) });
const dial = (body: unknown, key = API_KEY) => post('/v1/calls', body, { authorization: `Bearer ${key}` });

describe('POST /v1/calls (dial-out)', () => {
  it('places the call through the SDK with a stream back to the engine, and the bot gets the parameters in start', async () => {
    const response = await dial({ agent: 'outbound.test', to: '+13125550299', customParameters: { firstName: 'Ada' }, clientState: 'eyJvcmRlciI6NDJ9' });
    expect(response.status).toBe(201);
    const created = (await response.json()) as { callControlId: string; callLegId: string; callSessionId: string };
    expect(created.callControlId).toMatch(/^v3:/);
    const [command] = bed.sim.commands.filter((recorded) => recorded.action === 'dial' && recorded.callControlId === created.callControlId);
    expect(command?.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(command?.body).toMatchObject({
      connection_id: 'conn-default',
      to: '+13125550299',
      from: '+13125550200',
      client_state: 'eyJvcmRlciI6NDJ9',
      stream_bidirectional_mode: 'rtp',
      stream_bidirectional_codec: 'PCMU',
      stream_bidirectional_sampling_rate: 8000,
    });
    expect(String(command?.body['stream_url'])).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${bed.engine.port}/ws/telnyx\\?serviceHost=outbound\\.test&dial=[0-9a-f-]{36}$`));
    const leg = bed.sim.leg(created.callControlId)!;
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await bed.sim.waitFor(() => started.has(created.callControlId), EVENT_WAIT_MS, 'the bot to start');
    expect(started.get(created.callControlId)).toMatchObject({ customParameters: { campaign: 'spring', firstName: 'Ada' }, clientState: 'eyJvcmRlciI6NDJ9' });
    await media.streamMedia(mulawTone(5));
    await leg.hangup();
  });

  it('refuses a missing or wrong API key with 401', async () => {
    const missing = await post('/v1/calls', { agent: 'outbound.test', to: '+13125550299' });
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Bearer');
    expect((await dial({ agent: 'outbound.test', to: '+13125550299' }, `${API_KEY}x`)).status).toBe(401);
    expect(bed.logs.withMessage('refused dial-out').length).toBeGreaterThanOrEqual(2);
  });

  it('answers a bad body with 400 and every field issue', async () => {
    const response = await dial({ agent: 'no-dot', to: '555', customParameters: { x: 5 }, clientState: 'not base64!', extra: true });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: string; issues: { path: string; message: string }[] };
    expect(body.error).toBe('invalid_request');
    const paths = body.issues.map((issue) => issue.path).sort();
    expect(paths).toEqual(expect.arrayContaining(['agent', 'to', 'customParameters.x', 'clientState']));
    expect(body.issues.some((issue) => issue.message.includes('extra'))).toBe(true);
    expect((await dial('{"agent":')).status).toBe(400);
  });

  it('answers an unknown agent with 404, and a missing from with 400', async () => {
    expect((await dial({ agent: 'nobody.test', to: '+13125550299' })).status).toBe(404);
    const response = await dial({ agent: 'wideband.test', to: '+13125550299' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ issues: [{ path: 'from' }] });
  });
});

describe('POST /webhooks/telnyx', () => {
  const event = JSON.stringify({ data: { record_type: 'event', event_type: 'call.initiated', id: 'evt-forged', payload: { call_control_id: 'v3:forged', direction: 'incoming', to: '+13125550200' } } });

  it('refuses an unsigned webhook and one signed with another key, with 401 and a log line each', async () => {
    const before = bed.logs.withMessage('refused webhook: bad signature').length;
    expect((await post('/webhooks/telnyx', event)).status).toBe(401);
    const forger = generateKeyPairSync('ed25519').privateKey;
    const timestamp = String(Math.floor(Date.now() / 1000));
    const signature = sign(null, Buffer.from(`${timestamp}|${event}`), forger).toString('base64');
    const forged = await post('/webhooks/telnyx', event, { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': timestamp });
    expect(forged.status).toBe(401);
    const lines = bed.logs.withMessage('refused webhook: bad signature').slice(before);
    expect(lines.map((line) => line['reason'])).toEqual(['missing_signature', 'bad_signature']);
    expect(bed.sim.commands.some((command) => command.callControlId === 'v3:forged')).toBe(false);
  });

  it('refuses a body over 64 KiB with 413', async () => {
    expect((await post('/webhooks/telnyx', 'x'.repeat(70 * 1024))).status).toBe(413);
  });
});

describe('TeXML', () => {
  it('serves <Connect><Stream> for an agent, with its codec, rate and parameters, escaped', async () => {
    for (const method of ['GET', 'POST']) {
      const response = await fetch(`${bed.baseUrl}/texml/test/wideband`, { method, headers: { 'x-forwarded-host': 'cw.example.com', 'x-forwarded-proto': 'https' } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toContain('application/xml');
      const xml = await response.text();
      expect(xml).toContain('<Stream url="wss://cw.example.com/ws/telnyx?serviceHost=wideband.test" bidirectionalMode="rtp" bidirectionalCodec="L16" bidirectionalSamplingRate="16000">');
      expect(xml).toContain('<Parameter name="plan" value="gold &amp; &quot;silver&quot;"/>');
      expect(xml).not.toContain('<Pause');
    }
  });

  it('puts an agent token in the stream URL, and wants it to serve the document', async () => {
    expect((await fetch(`${bed.baseUrl}/texml/test/guarded`)).status).toBe(401);
    const response = await fetch(`${bed.baseUrl}/texml/test/guarded?token=${TOKEN}`);
    expect(response.status).toBe(200);
    expect(await response.text()).toContain(`url="ws://127.0.0.1:${bed.engine.port}/ws/telnyx?serviceHost=guarded.test&amp;token=${TOKEN}"`);
    expect((await fetch(`${bed.baseUrl}/texml/test/nobody`)).status).toBe(404);
  });
});
