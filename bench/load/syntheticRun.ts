/** Made-up run readings for the bench's unit tests (metrics and report builders); nothing here is measured. */
import type { HistogramSummary } from './histogram.js';
import type { RunMeasurement, RunSpec } from './measuredRun.js';
import type { GeneratorResult } from './protocol.js';
import type { ServerStats } from './serverStats.js';

/** A histogram summary with nothing in it. */
export const EMPTY_SUMMARY: HistogramSummary = { count: 0, mean: 0, p50: 0, p95: 0, p99: 0, max: 0, belowRange: 0, aboveRange: 0 };

/** `/stats` as a server would answer, from a few figures. */
export function syntheticStats(overrides: { uptimeMs: number; cpuMs: number; rssMB: number; loopP99?: number; endedByReason?: Record<string, number>; ticks?: number; concealed?: number; delayMean?: number }): ServerStats {
  return {
    uptimeMs: overrides.uptimeMs,
    cpu: { userMicros: overrides.cpuMs * 600, systemMicros: overrides.cpuMs * 400 },
    memory: { rssBytes: overrides.rssMB * 1024 * 1024, heapUsedBytes: 0 },
    eventLoopDelayMs: { p50: 10.1, p99: overrides.loopP99 ?? 12, max: 30, mean: 10.2 },
    calls: { active: 0, ...(overrides.endedByReason === undefined ? {} : { endedByReason: overrides.endedByReason }) },
    ...(overrides.ticks === undefined
      ? {}
      : { jitter: { ticks: overrides.ticks, concealedFrames: overrides.concealed ?? 0, silenceFrames: 0, underruns: overrides.ticks > 0 ? 2 : 0, late: 1, lost: 0, addedDelayMeanMs: overrides.delayMean ?? 0, addedDelayP95MaxMs: 40 } }),
  };
}

/** A generator result with plausible figures; override what matters. */
export function syntheticGenerator(overrides: Partial<GeneratorResult> = {}): GeneratorResult {
  return {
    runId: 1, target: 'callwire', calls: 100, connected: 100, connectFailures: 0, completed: 98, disconnectedByProfile: 2, closedEarly: 0, closedEarlyCodes: {}, stopTimeouts: 0,
    mediaSent: 100_000, dtmfSent: 0, messagesReceived: 30_000, mediaReceived: 30_000, windowMs: 10_000, callSecondsInWindow: 1000,
    sendLateness: { ...EMPTY_SUMMARY, p50: 0.5, p99: 1.5, max: 3 }, cpuPercent: 20, loopDelayMs: { p50: 10.1, p99: 11, max: 14 },
    pacing: { ...EMPTY_SUMMARY, count: 16_000, p50: 0.8, p99: 4, max: 9 }, pacingBins: { widthMs: 0.5, counts: [] }, pacingUnderruns: 3, unscoredMessages: 0, extraSpurts: 0,
    echo: { ...EMPTY_SUMMARY, count: 50_000, p50: 40, p95: 60, p99: 80, max: 120 }, echoBins: { widthMs: 5, counts: [] },
    echoEligible: 10_000, echoLost: 25, echoUnmatched: 0, timeline: [],
    ...overrides,
  };
}

const spec: RunSpec = { target: 'callwire', calls: 100, profile: 'clean', seed: 1, rampMs: 0, settleMs: 0, durationMs: 10_000, fixtures: [], outbound: { encoding: 'PCMU', sampleRate: 8000 }, echoDelayMs: 200 };

/** One run's readings: `cpuMs` of server CPU over a 10 s window, RSS `rssMB` at its end, event-loop p99 `loopP99` as reported. */
export function syntheticMeasurement(target: 'callwire' | 'baseline', cpuMs: number, rssMB: number, loopP99: number): RunMeasurement {
  return {
    spec: { ...spec, target },
    startedAt: '2025-01-01T00:00:00.000Z',
    wallMs: 20_000,
    idle: syntheticStats({ uptimeMs: 1000, cpuMs: 500, rssMB: 80, ...(target === 'callwire' ? { ticks: 0 } : {}) }),
    windowStart: syntheticStats({ uptimeMs: 5000, cpuMs: 1000, rssMB: 90 }),
    windowEnd: syntheticStats({ uptimeMs: 15_000, cpuMs: 1000 + cpuMs, rssMB, loopP99 }),
    final: syntheticStats({ uptimeMs: 16_000, cpuMs: 1100 + cpuMs, rssMB, endedByReason: { stream_stopped: 97, socket_closed: 2, media_timeout: 1 }, ...(target === 'callwire' ? { ticks: 50_000, concealed: 250, delayMean: 22 } : {}) }),
    loadAverage: 0.5,
    statsProblems: [],
    drainTimedOut: false,
    generator: syntheticGenerator({ target }),
  };
}

