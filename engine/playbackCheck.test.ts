import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { createLogger } from './logger.js';
import type { OutboundStats } from './outboundStream.js';
import { MARK_ECHO_GRACE_MS, PlaybackCheck, type PlaybackSignals } from './playbackCheck.js';

function harness() {
  const clock = new ManualClock(0);
  const lines: Record<string, unknown>[] = [];
  const log = createLogger('info', new Writable({ write: (chunk: Buffer, _e, done) => (lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>), done()) }));
  const stats = { marksPlayed: 0, marksCutEchoed: 0, messagesSent: 0 } as OutboundStats;
  const signals: { stats: OutboundStats; markEchoOverdueMs: number } = { stats, markEchoOverdueMs: 0 };
  const check = new PlaybackCheck(clock, log, (): PlaybackSignals => signals, { codec: 'PCMA', samplingRate: 8000, inboundCodec: undefined }, 'support.acme');
  return { clock, lines, signals, check };
}

describe('PlaybackCheck', () => {
  it('warns once, with the TeXML fix, when a mark stays unechoed past the grace', () => {
    const { clock, lines, signals, check } = harness();
    check.start();
    signals.markEchoOverdueMs = MARK_ECHO_GRACE_MS - 1;
    clock.advance(10_000);
    expect(lines).toEqual([]);
    signals.markEchoOverdueMs = MARK_ECHO_GRACE_MS;
    clock.advance(1_000);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ level: 40, markEchoOverdueMs: MARK_ECHO_GRACE_MS });
    expect(String(lines[0]!['msg'])).toContain('not bidirectional RTP');
    expect(String(lines[0]!['fix'])).toContain('bidirectionalMode="rtp" bidirectionalCodec="PCMA" bidirectionalSamplingRate="8000"');
    expect(String(lines[0]!['fix'])).toContain('callwire texml support.acme --host HOST');
    clock.advance(60_000);
    expect(lines).toHaveLength(1);
  });

  it('stops watching once any mark is echoed', () => {
    const { clock, lines, signals, check } = harness();
    check.start();
    signals.stats.marksPlayed = 1;
    clock.advance(1_000);
    signals.markEchoOverdueMs = 60_000;
    clock.advance(10_000);
    expect(lines).toEqual([]);
  });

  it('warns on a Telnyx invalid-media error after media went out, not before', () => {
    const { lines, signals, check } = harness();
    check.telnyxError(100004);
    expect(lines).toEqual([]);
    signals.stats.messagesSent = 3;
    check.telnyxError(100005);
    expect(lines).toEqual([]);
    check.telnyxError(100004);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ telnyxErrorCode: 100004 });
  });

  it('leaves no timer behind once stopped', () => {
    const { clock, check } = harness();
    check.start();
    check.stop();
    expect(clock.pendingTimers).toBe(0);
  });
});
