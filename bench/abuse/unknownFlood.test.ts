import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttackTally } from './attackTally.js';
import { unknownFlood } from './unknownFlood.js';
import { messagesReadByEngine, startAbuseTestEngine, waitUntil, type AbuseTestEngine } from './abuseTestEngine.js';

describe('unknown-flood against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('sends unknown events of the asked size on every socket, reconnects, and stops when aborted', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = unknownFlood({ port: engine.port, count: 2, durationMs: 30_000, nameBytes: 4096, tally }, stop.signal);
    await waitUntil(() => engine.server.calls.size === 2 && messagesReadByEngine(engine.server) >= 10, 'two streams to deliver unknown events');
    for (const session of engine.server.calls.values()) session.close(4000, 'test closes the flood');
    await waitUntil(() => tally.connectionsOpened >= 4 && tally.open === 2, 'the sockets to reconnect');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('unknown-flood');
    expect(report.closedByEngine['4000']).toBe(2);
    expect(report.extra.frameBytes).toBe(4096 + '{"event":""}'.length);
    expect(report.bytesSent).toBe(report.messagesSent * report.extra.frameBytes);
    expect(report.open).toBe(0);
  });
});
