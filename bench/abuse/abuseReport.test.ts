import { describe, expect, it } from 'vitest';
import { allGoalsMet, formatAbuseReport, formatCounts, formatNumber, type RunDescription } from './abuseReport.js';
import { failedGoals, judge } from './goals.js';
import type { ScenarioResult } from './scenarioResult.js';

/** A scenario that met every goal; tests override what they need. */
function healthyResult(overrides: Partial<ScenarioResult> = {}): ScenarioResult {
  return {
    scenario: 'error-flood',
    summary: '30 sockets send error frames',
    attackSeconds: 120,
    attack: {
      attack: 'error-flood',
      elapsedMs: 120_000,
      connectionsAttempted: 40,
      connectionsOpened: 35,
      open: 0,
      peakOpen: 30,
      refusedByStatus: { '503': 5 },
      closedByEngine: { '1000': 5 },
      connectErrors: {},
      messagesSent: 10_000,
      bytesSent: 615_000_000,
      extra: { frameBytes: 61_507 },
    },
    attackError: undefined,
    goodCall: { framesSent: 6000, framesHeard: 5990, keptPercent: 99.83, maxGapMs: 42, maxGapAtMs: 1000, maxSilenceMs: 0, maxSilenceAtMs: 0, survived: true, closedEarly: undefined },
    engine: {
      idleRssMb: 150,
      peakRssMb: 210,
      rssAfterMb: 170,
      rssAfterToIdle: 170 / 150,
      idleFds: 25,
      peakFds: 60,
      logMb: 1.5,
      healthz: { probes: 150, failures: 0, maxMs: 12, p99Ms: 9 },
      adminHealthz: undefined,
      alive: true,
      diedAtSeconds: undefined,
      exit: undefined,
    },
    benchStallMaxMs: 12,
    logTailFile: '/tmp/error-flood.engine-log-tail.txt',
    timeline: [],
    ...overrides,
  };
}

const run: RunDescription = {
  startedAt: '2026-12-04T21:00:00Z',
  engineCommand: '`node --import tsx engine/cli.ts serve --host 127.0.0.1`',
  durationSeconds: 120,
  recoverySeconds: 30,
  sourceAddresses: 64,
  machine: '2 CPUs, AMD EPYC, Node v20.20.2, linux/x64',
  pinning: 'Engine pinned to core 0.',
};

describe('abuse goals', () => {
  it('passes a scenario that kept the call and the engine healthy', () => {
    expect(failedGoals(judge(healthyResult()))).toEqual([]);
    expect(allGoalsMet([healthyResult()])).toBe(true);
  });

  it('fails each goal on its own figure, at the goal boundaries', () => {
    const base = healthyResult();
    const failed = (result: ScenarioResult): string[] => failedGoals(judge(result));
    expect(failed({ ...base, goodCall: { ...base.goodCall!, keptPercent: 94.99 } })).toEqual(['audio kept ≥ 95 %']);
    expect(failed({ ...base, goodCall: { ...base.goodCall!, keptPercent: 95 } })).toEqual([]);
    expect(failed({ ...base, goodCall: { ...base.goodCall!, maxSilenceMs: 100.5 } })).toEqual(['no gap over 100 ms at Telnyx']);
    // A long pause between messages is no miss while Telnyx still had audio to play through it.
    expect(failed({ ...base, goodCall: { ...base.goodCall!, maxGapMs: 180, maxSilenceMs: 0 } })).toEqual([]);
    expect(failed({ ...base, engine: { ...base.engine, peakRssMb: 300 } })).toEqual(['RSS under 300 MB']);
    expect(failed({ ...base, engine: { ...base.engine, logMb: 20 } })).toEqual(['log under 20 MB']);
    expect(failed({ ...base, engine: { ...base.engine, healthz: { probes: 150, failures: 1, maxMs: 12, p99Ms: 9 } } })).toEqual(['/healthz under 100 ms']);
    expect(failed({ ...base, engine: { ...base.engine, healthz: { probes: 150, failures: 0, maxMs: 100, p99Ms: 9 } } })).toEqual(['/healthz under 100 ms']);
    expect(failed({ ...base, engine: { ...base.engine, adminHealthz: { probes: 150, failures: 0, maxMs: 99, p99Ms: 9 } } })).toEqual([]);
    expect(failed({ ...base, engine: { ...base.engine, adminHealthz: { probes: 150, failures: 2, maxMs: 12, p99Ms: 9 } } })).toEqual(['admin /healthz under 100 ms']);
    expect(failed({ ...base, engine: { ...base.engine, rssAfterToIdle: 2.01 } })).toEqual(['RSS after ≤ 2× idle']);
  });

  it('fails a dead engine on every goal it can no longer meet', () => {
    const base = healthyResult();
    const dead = healthyResult({
      goodCall: { ...base.goodCall!, keptPercent: 30, maxGapMs: 80_000, maxSilenceMs: 79_980, survived: false, closedEarly: { code: 1006, reason: '' } },
      engine: { ...base.engine, alive: false, diedAtSeconds: 41, exit: { code: null, signal: 'SIGABRT' }, rssAfterMb: undefined, rssAfterToIdle: undefined },
    });
    expect(failedGoals(judge(dead))).toEqual(['audio kept ≥ 95 %', 'no gap over 100 ms at Telnyx', 'good call kept', 'engine alive', 'RSS after ≤ 2× idle']);
  });

  it('judges webhook-replay on whether the replayed event was handled a second time', () => {
    const replayed = (status: number, answer: string): ScenarioResult =>
      healthyResult({ scenario: 'webhook-replay', attack: { ...healthyResult().attack!, extra: { eventsSent: 15_000, replay: { status, answer, treatedAsDuplicate: answer === 'duplicate', secondsAfterFirst: 110 } } } });
    expect(judge(replayed(200, 'duplicate')).replayRefused).toBe(true);
    expect(judge(replayed(401, 'unauthorized')).replayRefused).toBe(true);
    expect(failedGoals(judge(replayed(200, 'ok')))).toEqual(['replay not handled twice']);
    expect(judge(healthyResult()).replayRefused).toBeUndefined();
  });
});

describe('abuse report', () => {
  it('formats numbers and counts for the tables', () => {
    expect(formatNumber(21_000)).toBe('21,000');
    expect(formatNumber(95.256, 1)).toBe('95.3');
    expect(formatCounts({ '503': 2, '429': 12 })).toBe('429 ×12, 503 ×2');
    expect(formatCounts({})).toBe('–');
  });

  it('writes one goals row and one attack row per scenario, marking each missed figure', () => {
    const base = healthyResult();
    const dead = healthyResult({
      scenario: 'unknown-flood',
      goodCall: { ...base.goodCall!, keptPercent: 41.25, maxGapMs: 3980, maxSilenceMs: 3960, survived: false },
      engine: {
        ...base.engine,
        alive: false,
        diedAtSeconds: 41.4,
        peakRssMb: 2100,
        rssAfterMb: undefined,
        rssAfterToIdle: undefined,
        logMb: 4700,
        adminHealthz: { probes: 41, failures: 3, maxMs: 1100, p99Ms: 1100 },
      },
    });
    const markdown = formatAbuseReport([base, dead], run);
    const rows = markdown.split('\n').filter((line) => line.startsWith('| error-flood') || line.startsWith('| unknown-flood'));
    expect(rows).toHaveLength(4);
    expect(rows[0]).toBe('| error-flood | 99.8 % | 0 | 42 | kept | alive | 210 | 170 / 150 (1.13×) | 1.5 | 12 / 9, 0 of 150 failed | – | 60 (idle 25) | none |');
    expect(rows[1]).toContain('| 41.3 % ✗ | 3,960 ✗ | 3,980 | dropped ✗ | died at 41 s ✗ | 2,100 ✗ | – / 150 (–) ✗ | 4,700.0 ✗ | 12 / 9, 0 of 150 failed | 1,100 / 1,100, 3 of 41 failed ✗ |');
    expect(rows[2]).toBe('| error-flood | 120 | 35 (peak 30 open) | 503 ×5 | 1000 ×5 | – | 10,000 | 615.0 | largest frame 61,507 bytes |');
    expect(markdown).toContain('- unknown-flood: 30 sockets send error frames.');
    expect(markdown).not.toContain('stalled');
    expect(markdown).not.toMatch(/issue|target/i);
  });

  it('warns when the bench itself stalled long enough to blur the gaps', () => {
    const markdown = formatAbuseReport([healthyResult({ benchStallMaxMs: 180 })], run);
    expect(markdown).toContain("the bench's own event loop stalled during error-flood (180 ms)");
  });
});
