import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimulatedLeg } from '../../bench/telnyx/simulator/index.js';
import { echoBot } from '../../bots/echo.js';
import { testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine, type TelnyxEngineOptions, type TelnyxTestBed } from '../support/telnyxEngine.js';
import { startWebhookRelay, type WebhookRelay } from '../support/webhookRelay.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const NUMBER = '+13125550500';
const API_KEY = 'cw-test-api-key-0123456789abcdef';
const REFUSED_CALL = 'not answering a call: its stream URL would name a host nothing vouches for';

interface Bed {
  readonly bed: TelnyxTestBed;
  readonly relay: WebhookRelay;
}

/** The engine, the simulator, and a relay between them that can add headers to every signed webhook. */
async function start(options: TelnyxEngineOptions): Promise<Bed> {
  const bed = await startTelnyxEngine([testAgent('echoer', echoBot, { phoneNumbers: [NUMBER] })], { apiKeys: [API_KEY], connectionId: 'conn-default', ...options });
  const relay = await startWebhookRelay(`${bed.baseUrl}/webhooks/telnyx`);
  bed.sim.setWebhookUrl(relay.url);
  return { bed, relay };
}

async function stop({ bed, relay }: Bed): Promise<void> {
  await bed.close();
  await relay.close();
}

/** Every stream URL the engine ever gave the simulator (answer, streaming_start, dial). */
const streamUrls = (bed: TelnyxTestBed) => bed.sim.commands.map((command) => command.body['stream_url']).filter((url): url is string => typeof url === 'string');

/** Resolves once the engine has answered (and so handled) every delivery of `eventType` for `leg`, at least `count` of them. */
async function delivered(bed: TelnyxTestBed, leg: SimulatedLeg, eventType: string, count = 1): Promise<void> {
  const deliveries = () => bed.sim.webhooks.filter((webhook) => webhook.callControlId === leg.callControlId && webhook.eventType === eventType);
  await bed.sim.waitFor(() => deliveries().length >= count, EVENT_WAIT_MS, `${count} ${eventType} deliveries`);
  expect(deliveries().map((delivery) => delivery.status)).toEqual(new Array(deliveries().length).fill(200));
}

describe('stream URLs from a peer that is not a trusted proxy', () => {
  let setup: Bed;
  beforeAll(async () => {
    setup = await start({ allowedHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await stop(setup);
  });

  it('ignores X-Forwarded-Host on a signed call.initiated: the stream goes to the engine, never to attacker.example', async () => {
    const { bed, relay } = setup;
    relay.headers = { 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' };
    const leg = await bed.sim.inboundCall({ from: '+13125550100', to: NUMBER });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    const answer = bed.sim.commands.find((command) => command.callControlId === leg.callControlId && command.action === 'answer');
    expect(answer?.body['stream_url']).toBe(`ws://127.0.0.1:${bed.engine.port}/ws/telnyx?serviceHost=echoer.test`);
    await media.streamMedia(mulawTone(20));
    await media.waitFor(() => media.receivedMs >= 10 * 20, EVENT_WAIT_MS, 'the echo');
    expect(streamUrls(bed).some((url) => url.includes('attacker'))).toBe(false);
    await leg.hangup();
  });

  it('leaves the call unanswered when the Host itself is not allowed, warns once how to fix it, and a genuine delivery still answers it', async () => {
    const { bed, relay } = setup;
    relay.headers = { host: 'attacker.example', 'x-forwarded-host': 'attacker.example' };
    const leg = await bed.sim.inboundCall({ from: '+13125550101', to: NUMBER });
    await delivered(bed, leg, 'call.initiated');
    await leg.redeliver('call.initiated');
    await leg.redeliver('call.initiated');
    await delivered(bed, leg, 'call.initiated', 3);
    expect(bed.engine.telnyx.legs.get(leg.callControlId)).toBeUndefined();
    expect(bed.sim.commands.filter((command) => command.callControlId === leg.callControlId)).toEqual([]);
    const warnings = bed.logs.withMessage(REFUSED_CALL);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ level: 40, code: 'CW_ORIGIN_HOST_NOT_ALLOWED', hostHeader: 'host', host: 'attacker.example', peer: '127.0.0.1' });
    expect(String(warnings[0]!['fix'])).toContain('allowedHosts (CALLWIRE_ALLOWED_HOSTS)');

    // The refused deliveries were not remembered: the same event, arriving the right way, answers the call.
    relay.headers = {};
    await leg.redeliver('call.initiated');
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    expect(media.call.callControlId).toBe(leg.callControlId);
    expect(streamUrls(bed).some((url) => url.includes('attacker'))).toBe(false);
    await leg.hangup();
  });

  it('logs a long claimed host cut to 64 characters plus its length', async () => {
    const { bed, relay } = setup;
    const host = `${'a'.repeat(300)}.example`;
    relay.headers = { host };
    const leg = await bed.sim.inboundCall({ from: '+13125550102', to: NUMBER });
    await delivered(bed, leg, 'call.initiated');
    const [warning] = bed.logs.withMessage(REFUSED_CALL).filter((line) => line['code'] === 'CW_ORIGIN_NO_HOST');
    expect(warning?.['host']).toBe(`${'a'.repeat(64)}…(${host.length} chars)`);
    expect(JSON.stringify(bed.logs.lines)).not.toContain('a'.repeat(65));
  });
});

describe('stream URLs with nothing configured to vouch for a host', () => {
  let setup: Bed;
  beforeAll(async () => {
    setup = await start({});
  });
  afterAll(async () => {
    await stop(setup);
  });

  it('answers no call, and says to set publicUrl, allowedHosts or trustedProxies', async () => {
    const { bed } = setup;
    const leg = await bed.sim.inboundCall({ from: '+13125550103', to: NUMBER });
    await delivered(bed, leg, 'call.initiated');
    expect(bed.engine.telnyx.legs.get(leg.callControlId)).toBeUndefined();
    const [warning] = bed.logs.withMessage(REFUSED_CALL);
    expect(warning).toMatchObject({ code: 'CW_ORIGIN_UNVERIFIED_HOST' });
    expect(String(warning!['fix'])).toMatch(/publicUrl \(CALLWIRE_PUBLIC_URL\).*allowedHosts \(CALLWIRE_ALLOWED_HOSTS\).*trustedProxies \(CALLWIRE_TRUSTED_PROXIES\)/);
    expect(streamUrls(bed)).toEqual([]);
  });

  it('refuses TeXML and dial-out with 500 and a body naming the fix', async () => {
    const { bed } = setup;
    const texml = await fetch(`${bed.baseUrl}/texml/test/echoer`, { headers: { 'x-forwarded-host': 'attacker.example' } });
    expect(texml.status).toBe(500);
    const texmlBody = (await texml.json()) as { error: string; detail: string };
    expect(texmlBody.error).toBe('CW_ORIGIN_UNVERIFIED_HOST');
    expect(texmlBody.detail).toContain('set publicUrl (CALLWIRE_PUBLIC_URL)');
    const dial = await fetch(`${bed.baseUrl}/v1/calls`, {
      method: 'POST',
      headers: { authorization: `Bearer ${API_KEY}`, 'content-type': 'application/json', 'x-forwarded-host': 'attacker.example' },
      body: JSON.stringify({ agent: 'echoer.test', to: '+13125550299' }),
    });
    expect(dial.status).toBe(500);
    expect(await dial.json()).toMatchObject({ error: 'CW_ORIGIN_UNVERIFIED_HOST' });
    expect(bed.sim.commands.filter((command) => command.action === 'dial')).toEqual([]);
    expect(bed.logs.withMessage('refused texml request')).toHaveLength(1);
    expect(bed.logs.withMessage('refused dial-out: its stream URL')).toHaveLength(1);
  });
});

describe('stream URLs behind a trusted proxy', () => {
  let setup: Bed;
  beforeAll(async () => {
    setup = await start({ trustedProxies: ['127.0.0.1'], allowedHosts: ['127.0.0.1', '*.example.com'] });
  });
  afterAll(async () => {
    await stop(setup);
  });

  it('streams to the host the proxy forwards when allowedHosts has it, and the caller hears the echo', async () => {
    const { bed, relay } = setup;
    relay.headers = { host: 'engine.internal:8080', 'x-forwarded-host': `127.0.0.1:${bed.engine.port}`, 'x-forwarded-proto': 'http' };
    const leg = await bed.sim.inboundCall({ from: '+13125550104', to: NUMBER });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    const answer = bed.sim.commands.find((command) => command.callControlId === leg.callControlId && command.action === 'answer');
    expect(answer?.body['stream_url']).toBe(`ws://127.0.0.1:${bed.engine.port}/ws/telnyx?serviceHost=echoer.test`);
    await media.streamMedia(mulawTone(20));
    await media.waitFor(() => media.receivedMs >= 10 * 20, EVENT_WAIT_MS, 'the echo');
    await leg.hangup();
  });

  it("still checks the proxy's X-Forwarded-Host against allowedHosts", async () => {
    const { bed, relay } = setup;
    relay.headers = { 'x-forwarded-host': 'attacker.example' };
    const leg = await bed.sim.inboundCall({ from: '+13125550105', to: NUMBER });
    await delivered(bed, leg, 'call.initiated');
    expect(bed.engine.telnyx.legs.get(leg.callControlId)).toBeUndefined();
    expect(bed.logs.withMessage(REFUSED_CALL)[0]).toMatchObject({ code: 'CW_ORIGIN_HOST_NOT_ALLOWED', hostHeader: 'x-forwarded-host', host: 'attacker.example' });
    const texml = await fetch(`${bed.baseUrl}/texml/test/echoer`, { headers: { 'x-forwarded-host': 'attacker.example' } });
    expect(texml.status).toBe(421);
    expect(await texml.json()).toMatchObject({ error: 'CW_ORIGIN_HOST_NOT_ALLOWED' });
    const allowed = await fetch(`${bed.baseUrl}/texml/test/echoer`, { headers: { 'x-forwarded-host': 'cw.example.com', 'x-forwarded-proto': 'https' } });
    expect(await allowed.text()).toContain('url="wss://cw.example.com/ws/telnyx?serviceHost=echoer.test"');
    expect(streamUrls(bed).some((url) => url.includes('attacker'))).toBe(false);
  });
});
