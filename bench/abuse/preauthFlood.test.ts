import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttackTally } from './attackTally.js';
import { preauthFlood } from './preauthFlood.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

describe('preauth-flood against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('floods a guarded agent without ever authenticating, reconnecting each time it is refused', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = preauthFlood({ port: engine.port, count: 2, durationMs: 30_000, serviceHost: 'guarded.default', detailBytes: 1024, tally }, stop.signal);
    // The engine holds such streams at its gate (no call exists) and refuses them after a few frames.
    await waitUntil(() => tally.messagesSent >= 10 && tally.connectionsOpened >= 4, 'frames sent over several connections');
    stop.abort();
    const report = await attack;
    expect(engine.server.calls.size).toBe(0);
    expect(report.connectionsOpened).toBeGreaterThanOrEqual(4);
    expect(report.messagesSent).toBeGreaterThanOrEqual(10);
    expect(report.open).toBe(0);
  });

  it('reconnects at once when a start frame gets the stream refused (4401)', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = preauthFlood({ port: engine.port, count: 2, durationMs: 30_000, serviceHost: 'guarded.default', frames: ['media', 'error', 'start'], detailBytes: 1024, tally }, stop.signal);
    await waitUntil(() => (tally.closedByEngine.get('4401') ?? 0) >= 4 && tally.connectionsOpened >= 5, 'four streams refused for want of a token, and a fifth opened');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('preauth-flood');
    expect(report.connectionsOpened).toBeGreaterThanOrEqual(5);
    expect(report.closedByEngine['4401']).toBeGreaterThanOrEqual(4);
    expect(report.open).toBe(0);
  });
});
