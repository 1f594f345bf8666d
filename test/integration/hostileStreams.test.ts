/**
 * What the media endpoint does with streams no carrier would open: frames it never reads, log
 * lines a stranger cannot multiply, and streams closed once they have shown what they are.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { connectedFrame } from '../../bench/telnyx/mediaFrames.js';
import { echoBot } from '../../bots/echo.js';
import { createLogger } from '../../engine/logger.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { until } from '../support/faultKit.js';
import { mulawTone } from '../support/signals.js';
import { LogLines } from '../support/telnyxEngine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const TOKEN = 'hostile-secret-0123456789';
const logs = new LogLines();
let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine([testAgent('guarded', echoBot, { streamAuthToken: TOKEN })], {
    log: createLogger('info', logs.stream),
    server: { maxMessageBytes: 16 * 1024, pendingStreams: { authTimeoutMs: 500, maxUnauthenticatedStreams: 3 } },
  });
});

afterAll(async () => {
  await engine.close();
});

/** Opens a raw socket (no Telnyx frames sent) and resolves once it is open. */
async function openSocket(serviceHost: string, on = engine): Promise<{ ws: WebSocket; closed: Promise<{ code: number; reason: string }> }> {
  const ws = new WebSocket(on.url(serviceHost), { perMessageDeflate: false });
  const closed = new Promise<{ code: number; reason: string }>((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  return { ws, closed };
}

/** The HTTP status of an upgrade: 101 when it became a WebSocket. */
function upgradeStatus(url: string): Promise<number> {
  return new Promise<number>((resolve) => {
    const ws = new WebSocket(url);
    ws.once('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0));
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
    ws.once('error', () => undefined);
  });
}

const GRACE_MS = 2500;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const errorFrame = (detailBytes: number) => JSON.stringify({ event: 'error', payload: { code: 100002, title: 'unknown_error', detail: 'd'.repeat(detailBytes) } });

describe('before authentication', () => {
  it('closes with 4401 a stream that sends anything but connected, without starting a call or logging each frame', async () => {
    logs.lines.length = 0;
    const { ws, closed } = await openSocket('guarded.test');
    for (let i = 0; i < 50; i++) ws.send(errorFrame(3000));
    expect(await closed).toEqual({ code: 4401, reason: 'stream_unauthorized' });
    expect(engine.calls.size).toBe(0);
    expect(logs.withMessage('telnyx reported a stream error')).toEqual([]);
    expect(logs.withMessage('refused media stream').length).toBeLessThanOrEqual(1);
  });

  it('closes with 4401 a stream that stays silent past the deadline', async () => {
    const { closed } = await openSocket('guarded.test');
    const at = performance.now();
    expect(await closed).toEqual({ code: 4401, reason: 'stream_unauthorized' });
    expect(performance.now() - at).toBeGreaterThanOrEqual(450);
  });

  it('starts the call of a stream that presents its token in connected, with nothing lost', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('guarded.test'));
    client.begin(TOKEN);
    await client.streamMedia(mulawTone(25));
    const session = engine.calls.byCallControlId(client.call.callControlId)!;
    await until(() => session.stats.framesIn === 25, 'every frame to arrive');
    await client.waitFor(() => client.receivedMs >= 100, EVENT_WAIT_MS, 'the echo');
    expect(session.stats.rejectedFrames).toBe(0);
    await client.close();
  });
});

describe('streams that do not start', () => {
  let capped: Awaited<ReturnType<typeof startTestEngine>>;
  beforeAll(async () => {
    capped = await startTestEngine([testAgent('guarded', echoBot, { streamAuthToken: TOKEN })], {
      // A grace long enough that a busy machine opens every held stream well within it.
      server: { pendingStreams: { authTimeoutMs: 60_000, maxUnauthenticatedStreams: 3, maxPendingStreams: 6, evictionGraceMs: GRACE_MS } },
    });
  });
  afterAll(async () => {
    await capped.close();
  });

  it('answer 503 beyond the cap on unauthenticated streams; past a short grace the oldest makes room for a newcomer', async () => {
    const held = await Promise.all([0, 1, 2].map(() => openSocket('guarded.test', capped)));
    expect(await upgradeStatus(capped.url('guarded.test'))).toBe(503);
    await sleep(GRACE_MS + 100);
    const client = await TelnyxMediaClient.connect(capped.url('guarded.test'));
    expect(await Promise.race(held.map(({ closed }) => closed))).toEqual({ code: 4401, reason: 'stream_unauthorized' });
    client.begin(TOKEN);
    await client.streamMedia(mulawTone(10));
    await client.waitFor(() => client.receivedMs > 0, EVENT_WAIT_MS, 'the echo');
    await client.close();
    for (const { ws } of held) ws.terminate();
    await until(() => capped.streams.pending === 0, 'the held streams to leave');
  });

  it('answer 503 beyond the cap on streams that have not started; past the grace the oldest is closed start_timeout', async () => {
    const held = await Promise.all([0, 1, 2, 3, 4, 5].map(() => openSocket('echo.default', capped)));
    expect(capped.streams.pending).toBe(6);
    expect(await upgradeStatus(capped.url('echo.default'))).toBe(503);
    await sleep(GRACE_MS + 100);
    const client = await TelnyxMediaClient.connect(capped.url('echo.default'));
    client.begin();
    expect(await Promise.race(held.map(({ closed }) => closed))).toEqual({ code: 1000, reason: 'start_timeout' });
    await client.streamMedia(mulawTone(10));
    await client.waitFor(() => client.receivedMs > 0, EVENT_WAIT_MS, 'the echo');
    await client.close();
    for (const { ws } of held) ws.terminate();
    await until(() => capped.streams.pending === 0 && capped.calls.size === 0, 'the held streams to leave');
    const metrics = await (await fetch(`http://127.0.0.1:${capped.port}/metrics`)).text();
    expect(metrics).toMatch(/callwire_connections_rejected_total\{cause="evicted_pending"\} 2/);
    expect(metrics).toMatch(/callwire_connections_rejected_total\{cause="too_many_pending"\} 1/);
  });
});

describe('a stream that is not a carrier', () => {
  it('drops oversized control frames unread, logs one line for many, and closes the stream with 1008 once it keeps on', async () => {
    logs.lines.length = 0;
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    for (let i = 0; i < 150 && client.open; i++) client.sendRaw(errorFrame(8000));
    expect(await client.closed).toEqual({ code: 1008, reason: 'protocol_violation' });
    const rejected = logs.withMessage('rejected inbound frame');
    expect(rejected.length).toBe(1);
    expect(rejected[0]?.['code']).toBe('CW_FRAME_TOO_LARGE');
    expect(logs.withMessage('closing a stream that keeps sending what no carrier sends').length).toBe(1);
  });

  it('logs Telnyx error frames at most once per interval per call, with the detail cut short', async () => {
    logs.lines.length = 0;
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    for (let i = 0; i < 100; i++) client.sendRaw(errorFrame(3500));
    await client.streamMedia(mulawTone(5));
    await until(() => engine.calls.byCallControlId(client.call.callControlId)?.stats.telnyxErrors === 100, 'the error frames to arrive');
    const lines = logs.withMessage('telnyx reported a stream error');
    expect(lines.length).toBe(1);
    expect(String(lines[0]?.['detail']).length).toBeLessThan(100);
    expect(client.open).toBe(true);
    await client.close();
  });

  it('keeps no memory of distinct unknown event names, and logs them within the budget', async () => {
    logs.lines.length = 0;
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    for (let i = 0; i < 200; i++) client.sendRaw(JSON.stringify({ event: `custom-${i}-${'n'.repeat(3000)}` }));
    client.sendRaw(connectedFrame());
    await client.streamMedia(mulawTone(5));
    await until(() => (engine.calls.byCallControlId(client.call.callControlId)?.stats.messagesIn ?? 0) >= 207, 'the frames to arrive');
    expect(logs.withMessage('ignored unknown event').length).toBe(1);
    expect(client.open).toBe(true);
    await client.close();
  });

  it('cuts off a stream that sends a message larger than the limit, which is far above anything Telnyx sends', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    client.sendRaw(errorFrame(60_000));
    // 1009 when the close frame arrives before the socket is destroyed, 1006 when it does not.
    expect([1006, 1009]).toContain((await client.closed).code);
    await until(() => engine.calls.size === 0, 'the call to end');
  });
});
