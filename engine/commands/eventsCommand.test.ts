import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { startTestEngine } from '../../test/support/engine.js';
import { mulawTone } from '../../test/support/signals.js';
import { signEvent } from '../events/eventSignature.js';
import { startEventsReceiver } from './eventsCommand.js';

const SECRET = 'local-events-secret-0123';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close();
});

describe('callwire events listen', () => {
  it("prints a call's events as the engine sends them, one line each", async () => {
    let printed = '';
    const receiver = await startEventsReceiver({ port: 0, host: '127.0.0.1', secret: SECRET, write: (text) => void (printed += text) });
    closers.push(() => receiver.close());
    const engine = await startTestEngine([], { server: { events: { url: receiver.url, secret: SECRET } } });
    closers.push(() => engine.close());
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    await client.streamMedia(mulawTone(25, 500, 500));
    client.sendStop();
    await client.closed;
    await engine.events.idle();
    const lines = printed.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(/call\.started\s+echo\.default\s+\S+\s+\+13125550100 → \+13125550199$/);
    expect(lines[1]).toMatch(/call\.ended\s+echo\.default\s+\S+\s+stream_stopped after \d\.\d s, concealed \d+\.\d %, jitter delay \d+(\.\d)? ms$/);
    expect(engine.events.stats()).toMatchObject({ delivered: 2, abandoned: 0 });
  });

  it('refuses an event it cannot verify, with 401 and a line saying why', async () => {
    let printed = '';
    const receiver = await startEventsReceiver({ port: 0, host: '127.0.0.1', secret: SECRET, write: (text) => void (printed += text) });
    closers.push(() => receiver.close());
    const body = JSON.stringify({ id: 'e1', type: 'call.started', createdAt: new Date().toISOString(), data: {} });
    const forged = await fetch(receiver.url, { method: 'POST', body, headers: { 'callwire-signature': signEvent('another-secret-01234567', Math.floor(Date.now() / 1000), body) } });
    expect(forged.status).toBe(401);
    const unsigned = await fetch(receiver.url, { method: 'POST', body });
    expect(unsigned.status).toBe(401);
    expect(printed).toMatch(/refused an event: signature mismatch\n.*refused an event: signature malformed\n$/);
  });
});
