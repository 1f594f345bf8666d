import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { webhookReplay } from './webhookReplay.js';
import { generateWebhookKeys } from './webhookKeys.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';

describe('webhook-replay against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('sends distinct signed events the engine handles, then replays the first and reads the answer', async () => {
    const report = await webhookReplay({ port: engine.port, count: 40, durationMs: 60_000, eventsPerSecond: 2000, concurrency: 4, privateKeyPem: engine.keys.privateKeyPem });
    expect(report.extra.eventsSent).toBe(40);
    expect(report.extra.eventsAccepted).toBe(40);
    expect(report.extra.eventsDuplicate).toBe(0);
    // Forty events are far below what the engine remembers, so it knows the first one again.
    expect(report.extra.replay).toMatchObject({ status: 200, answer: 'duplicate', treatedAsDuplicate: true });
  });

  it('reports a refused replay when the events are signed with a key the engine does not know', async () => {
    const report = await webhookReplay({ port: engine.port, count: 3, durationMs: 60_000, eventsPerSecond: 1000, privateKeyPem: generateWebhookKeys().privateKeyPem });
    expect(report.refusedByStatus).toEqual({ '401': 3 });
    expect(report.extra.replay).toMatchObject({ status: 401, treatedAsDuplicate: false });
  });
});
