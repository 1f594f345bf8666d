import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackAddresses } from './attackOptions.js';
import { AttackTally } from './attackTally.js';
import { errorFlood } from './errorFlood.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

describe('error-flood against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('opens its sockets from several addresses, sends error frames, and reconnects when the engine closes them', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = errorFlood({ port: engine.port, count: 3, durationMs: 30_000, detailBytes: 2048, sourceAddresses: loopbackAddresses(3), tally }, stop.signal);
    // The engine closes a stream that sends more than a few frames before `start`: the flood's
    // sockets are closed again and again, and it opens a new one each time.
    await waitUntil(() => tally.connectionsOpened >= 9, 'the flood to reconnect after the engine closed its sockets');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('error-flood');
    const closedByEngine = Object.values(report.closedByEngine).reduce((sum, count) => sum + count, 0);
    expect(closedByEngine, JSON.stringify(report.closedByEngine)).toBeGreaterThanOrEqual(6);
    expect(report.messagesSent).toBeGreaterThanOrEqual(9);
    expect(report.bytesSent).toBeGreaterThan(report.messagesSent * 2048);
    expect(report.extra.frameBytes).toBeGreaterThan(2048);
    expect(report.open).toBe(0);
  });

  it('stops by itself at the end of its duration and leaves no stream behind', async () => {
    const report = await errorFlood({ port: engine.port, count: 2, durationMs: 300, detailBytes: 512 });
    expect(report.elapsedMs).toBeGreaterThanOrEqual(290);
    expect(report.connectionsOpened).toBeGreaterThanOrEqual(2);
    expect(report.open).toBe(0);
    await waitUntil(() => engine.server.calls.size === 0, 'the engine to see every flood socket close');
  });
});
