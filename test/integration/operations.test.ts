import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { startTestEngine } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { upgradeStatus } from '../support/upgradeStatus.js';

type Engine = Awaited<ReturnType<typeof startTestEngine>>;
const engines: Engine[] = [];

async function engineWith(options: Parameters<typeof startTestEngine>[1] = {}): Promise<Engine> {
  const engine = await startTestEngine([], options);
  engines.push(engine);
  return engine;
}

afterEach(async () => {
  for (const engine of engines.splice(0)) await engine.close();
});

async function getText(engine: Engine, path: string): Promise<{ status: number; text: string }> {
  const response = await fetch(`http://127.0.0.1:${engine.port}${path}`);
  return { status: response.status, text: await response.text() };
}

describe('operations: metrics, readiness, drain, limits', () => {
  it('serves Prometheus metrics that count calls, frames and refusals', async () => {
    const engine = await engineWith();
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    await client.streamMedia(mulawTone(10));
    const during = await getText(engine, '/metrics');
    expect(during.text).toContain('callwire_calls_active{agent="echo.default",state="streaming"} 1');
    client.sendStop();
    await client.closed;
    expect(await upgradeStatus(engine.url('ghost.default'))).toBe(101); // refused after the upgrade, with 4404
    // Both are counted a moment after the sockets close.
    await eventually(async () => {
      const { text } = await getText(engine, '/metrics');
      return text.includes('callwire_calls_ended_total{') && text.includes('callwire_connections_rejected_total{');
    }, 'the ended call and the refusal on /metrics');
    const after = await getText(engine, '/metrics');
    expect(after.status).toBe(200);
    expect(after.text).toContain('callwire_calls_ended_total{agent="echo.default",reason="stream_stopped"} 1');
    expect(after.text).toMatch(/callwire_frames_in_total 10\b/);
    expect(after.text).toContain('callwire_connections_rejected_total{cause="unknown_agent"} 1');
    expect(after.text).toMatch(/callwire_pacing_lateness_ms_count [1-9]/);
  });

  it('drains: ready until then, new calls refused with 503, active calls run on, then the rest end as shutdown', async () => {
    const engine = await engineWith();
    expect((await getText(engine, '/readyz')).status).toBe(200);
    const finishing = await TelnyxMediaClient.connect(engine.url('echo.default'));
    const lingering = await TelnyxMediaClient.connect(engine.url('echo.default'));
    finishing.begin();
    lingering.begin();
    await finishing.streamMedia(mulawTone(5));
    const drained = engine.drain(1_500);
    const ready = await getText(engine, '/readyz');
    expect(ready.status).toBe(503);
    expect(JSON.parse(ready.text)).toMatchObject({ status: 'unready', cause: 'draining' });
    expect(await upgradeStatus(engine.url('echo.default'))).toBe(503);
    // An active call goes on during the drain and ends normally.
    await finishing.streamMedia(mulawTone(10));
    finishing.sendStop();
    expect(await finishing.closed).toEqual({ code: 1000, reason: 'stream_stopped' });
    await drained;
    expect((await lingering.closed).reason).toBe('shutdown');
    engines.splice(engines.indexOf(engine), 1);
  });

  it('refuses calls beyond maxCalls with 503 and, when a stream rate is set, beyond it with 429', async () => {
    const full = await engineWith({ admission: { maxCalls: 1 } });
    const only = await TelnyxMediaClient.connect(full.url('echo.default'));
    only.begin();
    await eventually(() => full.calls.size === 1, 'the first call to be admitted');
    expect(await upgradeStatus(full.url('echo.default'))).toBe(503);
    expect(JSON.parse((await getText(full, '/readyz')).text)).toMatchObject({ cause: 'capacity' });
    await only.close();

    // echo.default has no token: its streams count against the verified rate, off by default.
    const limited = await engineWith({ admission: { streamsPerSecondPerIp: 2 } });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push(await upgradeStatus(limited.url('echo.default')));
    expect(statuses).toEqual([101, 101, 429]);
    expect((await getText(limited, '/metrics')).text).toContain('callwire_connections_rejected_total{cause="rate_limited"} 1');
  });

  it('drops inbound messages beyond a call\'s rate, counts them, and keeps the call going', async () => {
    const engine = await engineWith({ limits: { maxInboundMessagesPerSecond: 60, inboundBurstMessages: 100 } });
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    const flood = mulawTone(1);
    // A burst past the bucket, but fewer drops than the burst itself: a carrier's backlog, not a flood.
    for (let i = 0; i < 180; i++) client.sendMedia(flood[0]!);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await client.streamMedia(mulawTone(10), 25);
    await client.waitFor(() => client.receivedMs > 0, EVENT_WAIT_MS, 'the call to go on');
    const session = engine.calls.values()[0]!;
    expect(session.stats.rejectedByCode.get('CW_RATE_LIMITED')).toBeGreaterThan(50);
    expect(client.open).toBe(true);
    await client.close();
  });

  it('closes a call that keeps flooding past its rate with 1008 protocol_violation', async () => {
    const engine = await engineWith({ limits: { maxInboundMessagesPerSecond: 60, inboundBurstMessages: 30 } });
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    const flood = mulawTone(1);
    for (let i = 0; i < 200; i++) client.sendMedia(flood[0]!);
    expect(await client.closed).toEqual({ code: 1008, reason: 'protocol_violation' });
    expect(engine.stats.snapshot(0).calls.endedByReason['protocol_violation']).toBe(1);
  });
});
