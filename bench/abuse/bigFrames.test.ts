import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AttackTally } from './attackTally.js';
import { bigFrames } from './bigFrames.js';
import { largestAcceptedFrame } from './largestFrame.js';
import { startAbuseTestEngine, type AbuseTestEngine } from './abuseTestEngine.js';
import { waitUntil } from '../support/waitUntil.js';

describe('big-frames against the real engine', () => {
  let engine: AbuseTestEngine;
  beforeAll(async () => {
    engine = await startAbuseTestEngine();
  });
  afterAll(() => engine.close());

  it('finds the largest message the engine accepts (its 64 KiB limit)', async () => {
    expect(await largestAcceptedFrame(engine.port, 'echo.default')).toBe(64 * 1024);
  });

  it('starts a stream, then sends frames of the largest accepted size on it', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = bigFrames({ port: engine.port, count: 1, durationMs: 30_000, tally }, stop.signal);
    await waitUntil(() => tally.messagesSent >= 10 && [...engine.server.calls.values()].some((session) => session.callControlId === 'v3:abuse-0'), 'a started stream to carry big frames');
    stop.abort();
    const report = await attack;
    expect(report.attack).toBe('big-frames');
    expect(report.extra.frameBytes).toBe(64 * 1024);
    expect(report.closedByEngine).toEqual({});
  });

  it('sends 60 KB frames when asked, and reconnects when the engine closes its stream', async () => {
    const tally = new AttackTally();
    const stop = new AbortController();
    const attack = bigFrames({ port: engine.port, count: 1, durationMs: 30_000, frameBytes: 60 * 1024, tally }, stop.signal);
    await waitUntil(() => tally.messagesSent >= 5 && engine.server.calls.size === 1, 'a stream carrying 60 KB frames');
    for (const session of engine.server.calls.values()) session.close(4000, 'test closes the stream');
    await waitUntil(() => tally.connectionsOpened >= 2 && tally.open === 1, 'the stream to reconnect');
    stop.abort();
    const report = await attack;
    expect(report.extra.frameBytes).toBe(60 * 1024);
    expect(report.closedByEngine['4000']).toBe(1);
  });
});
