import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GoodCall } from './goodCall.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

describe('the good call against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('hears its own distinct frames back, frame by frame, and ends the call itself', async () => {
    const call = await GoodCall.start(engine.port, 30);
    await call.heard();
    const from = performance.now();
    const session = [...engine.server.calls.values()][0];
    await waitUntil(() => (session?.stats.framesIn ?? 0) >= 60, 'the engine to take 60 frames of the call');
    const outcome = await call.finish(from, performance.now());
    expect(outcome.survived).toBe(true);
    expect(outcome.closedEarly).toBeUndefined();
    expect(outcome.framesSent).toBeGreaterThan(0);
    expect(outcome.framesHeard).toBeGreaterThan(0);
    expect(outcome.framesHeard).toBeLessThanOrEqual(outcome.framesSent);
    await waitUntil(() => engine.server.calls.size === 0, 'the call to end');
  });

  it('reports a call the engine dropped as not kept', async () => {
    const call = await GoodCall.start(engine.port, 30);
    await call.heard();
    const from = performance.now();
    for (const session of engine.server.calls.values()) session.close(1011, 'test drops the call');
    await waitUntil(() => engine.server.calls.size === 0, 'the engine to drop the call');
    const outcome = await call.finish(from, performance.now() + 200);
    expect(outcome.survived).toBe(false);
    expect(outcome.closedEarly?.code).toBe(1011);
    expect(outcome.maxGapMs).toBeGreaterThanOrEqual(200);
  });
});
