import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loopbackAddresses } from './attackOptions.js';
import { AttackTally } from './attackTally.js';
import { slowWebhook } from './slowWebhook.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

describe('slow-webhook against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('trickles webhook bodies, gives some up mid-body and replaces them, then stops when aborted', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = slowWebhook(
      { port: engine.port, count: 4, durationMs: 30_000, trickleIntervalMs: 20, abortShare: 0.5, abortAfterMs: [100, 200], sourceAddresses: loopbackAddresses(4), tally },
      stop.signal,
    );
    // Two of every four connections give up after 100–200 ms, so reopened ones prove the replacement.
    await waitUntil(() => tally.connectionsOpened >= 7 && tally.messagesSent >= 20, 'trickled bytes and replaced connections');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('slow-webhook');
    expect(report.extra.abortedMidBody).toBeGreaterThanOrEqual(3);
    expect(report.bytesSent).toBe(report.messagesSent);
    // The declared 60,000-byte body never completes, so the engine has nothing to answer.
    expect(report.extra.answeredByStatus).toEqual({});
    expect(report.open).toBe(0);
  });
});
