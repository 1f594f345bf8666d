import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { echoBot } from '../../bots/echo.js';
import { verifyEventSignature } from '../../engine/events/eventSignature.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { EventReceiver } from '../support/eventReceiver.js';
import { mulawTone } from '../support/signals.js';

const SECRET = 'app-events-secret-0123';
const cleanups: (() => Promise<void>)[] = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function receiver(answer: (attempt: number) => number | undefined): Promise<{ app: EventReceiver; url: string }> {
  const app = new EventReceiver(answer);
  const url = await app.listen();
  cleanups.push(() => app.close());
  return { app, url };
}

async function engineWith(agents: Parameters<typeof startTestEngine>[0], events: { url: string; secret: string } | undefined) {
  const engine = await startTestEngine(agents, { server: { events, eventDelivery: { baseBackoffMs: 10, maxBackoffMs: 50, requestTimeoutMs: 60_000 } } });
  cleanups.push(() => engine.close());
  return engine;
}

describe('call events for the user app', () => {
  it('posts call.started, recording.saved and call.ended, signed, through a receiver that fails at first', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'callwire-events-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    // The app is down for its first two requests: delivery retries; the call notices nothing.
    const { app, url } = await receiver((attempt) => (attempt <= 2 ? 503 : 200));
    const engine = await engineWith([testAgent('recorded', echoBot, { recording: { dir, always: true } })], { url, secret: SECRET });

    const client = await TelnyxMediaClient.connect(engine.url('recorded.test'));
    client.begin();
    await client.streamMedia(mulawTone(50, 600, 600));
    await client.waitFor(() => client.receivedMs >= 600, 10_000, 'the echo');
    client.sendStop();
    await client.closed;
    await app.until(() => new Set(app.accepted().map((event) => event.type)).size === 3);

    for (const request of app.received) expect(verifyEventSignature(SECRET, request.signature, request.body)).toBeUndefined();
    const byType = new Map(app.accepted().map((event) => [event.type, event]));
    const started = byType.get('call.started')!.data;
    const ended = byType.get('call.ended')!.data;
    const recording = byType.get('recording.saved')!.data;
    expect(started).toMatchObject({ agent: 'recorded.test', callControlId: client.call.callControlId, from: client.call.from, to: client.call.to, inbound: { encoding: 'PCMU', sampleRate: 8000 } });
    expect(ended).toMatchObject({ callId: started['callId'], agent: 'recorded.test', reason: 'stream_stopped', codecs: { inbound: { encoding: 'PCMU' }, outbound: { encoding: 'PCMU', sampleRate: 8000 } } });
    expect(ended['durationMs']).toBeGreaterThan(900);
    expect((ended['frames'] as { in: number }).in).toBe(50);
    expect((ended['jitter'] as { ticks: number }).ticks).toBeGreaterThan(0);
    expect(recording).toMatchObject({ callId: started['callId'], source: 'callwire' });
    expect((await stat(recording['path'] as string)).size).toBeGreaterThan(44);
    expect(engine.events.stats()).toMatchObject({ delivered: 3, retried: 2, abandoned: 0, dropped: 0 });
    // Each event keeps its id across retries, so an app can de-duplicate.
    expect(new Set(app.received.map((request) => request.eventId)).size).toBe(3);
  });

  it('a receiver that never answers costs the call nothing', async () => {
    const { app, url } = await receiver(() => undefined);
    const engine = await engineWith([], { url, secret: SECRET });
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    await client.streamMedia(mulawTone(50, 600, 600));
    await client.waitFor(() => client.receivedMs >= 600, 10_000, 'the echo');
    client.sendStop();
    await client.closed;
    await app.requests(2);
    expect(engine.events.pending).toBe(2);
    expect(engine.calls.size).toBe(0);
  });

  it('an agent with its own target sends there, other agents to the engine target', async () => {
    const { app: engineApp, url: engineUrl } = await receiver(() => 200);
    const { app: agentApp, url: agentUrl } = await receiver(() => 200);
    const engine = await engineWith([testAgent('own', echoBot, { events: { url: agentUrl, secret: 'agent-events-secret-0123' } })], { url: engineUrl, secret: SECRET });
    for (const serviceHost of ['own.test', 'echo.default']) {
      const client = await TelnyxMediaClient.connect(engine.url(serviceHost));
      client.begin();
      client.sendStop();
      await client.closed;
    }
    await engine.events.idle();
    expect(agentApp.accepted().map((event) => [event.type, event.data['agent']])).toEqual([
      ['call.started', 'own.test'],
      ['call.ended', 'own.test'],
    ]);
    expect(engineApp.accepted().map((event) => [event.type, event.data['agent']])).toEqual([
      ['call.started', 'echo.default'],
      ['call.ended', 'echo.default'],
    ]);
    for (const request of agentApp.received) expect(verifyEventSignature('agent-events-secret-0123', request.signature, request.body)).toBeUndefined();
  });
});
