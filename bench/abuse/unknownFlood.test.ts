import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttackTally } from './attackTally.js';
import { unknownFlood } from './unknownFlood.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

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
    // Streams that never start are closed once they have sent more than a carrier sends before `start`.
    await waitUntil(() => (tally.closedByEngine.get('1008') ?? 0) >= 2 && tally.connectionsOpened >= 4, 'the engine to close streams and the sockets to reconnect');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('unknown-flood');
    expect(report.closedByEngine['1008']).toBeGreaterThanOrEqual(2);
    expect(report.extra.frameBytes).toBe(4096 + '{"event":""}'.length);
    expect(report.bytesSent).toBe(report.messagesSent * report.extra.frameBytes);
    expect(report.open).toBe(0);
  });
});
