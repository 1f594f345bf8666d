/** Turns a run's raw readings into the figures the bench reports; pure, so it is unit-tested. */
import type { RunMeasurement } from './measuredRun.js';
import type { LoadTarget } from './protocol.js';
import { cpuMs } from './serverStats.js';

/** Above this share of its core, the generator's own figures are suspect. */
export const GENERATOR_CPU_WARN_PERCENT = 50;
/** Send lateness p99 above this means the generator could not keep its schedule. */
export const GENERATOR_LATE_WARN_MS = 5;
/** `--find-max` limits: a step holds while both stay at or under these. */
export const FIND_MAX_PACING_P99_MS = 10;
export const FIND_MAX_LOOP_P99_MS = 20;

/**
 * Resolution of the event-loop delay monitors (engine/engineStats.ts, baselineServer.ts). Node's
 * histogram records the whole interval between its timer's runs, so an idle loop reads about this
 * much: it is taken off to get the delay itself.
 */
export const LOOP_MONITOR_RESOLUTION_MS = 10;

/** Event-loop delay as reported by `monitorEventLoopDelay`, less the monitor's own interval. */
export function loopDelayMs(reported: number): number {
  return reported > LOOP_MONITOR_RESOLUTION_MS ? reported - LOOP_MONITOR_RESOLUTION_MS : 0;
}

/** The figures of one run. */
export interface RunMetrics {
  readonly target: LoadTarget;
  readonly profile: string;
  readonly calls: number;
  /** Calls open on average during the window. */
  readonly avgOpenCalls: number;
  readonly windowSeconds: number;
  /** Server CPU over the window, % of one core. */
  readonly cpuPercent: number;
  /** Server CPU (user + system) per call-second, in ms. */
  readonly cpuMsPerCallSecond: number;
  readonly rssIdleMB: number;
  readonly rssMB: number;
  /** (RSS at window end − idle RSS) / calls. */
  readonly rssPerCallKB: number;
  /** Event-loop delay over the window, less the monitor's 10 ms interval ({@link loopDelayMs}). */
  readonly loop: { readonly p50: number; readonly p99: number; readonly max: number };
  /** The same as `/stats` reports it (interval included). */
  readonly loopReported: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Outbound pacing seen by the generator (callwire only). */
  readonly pacing: {
    readonly p50: number;
    readonly p99: number;
    readonly max: number;
    readonly messages: number;
    readonly underruns: number;
    readonly extraSpurts: number;
    /** Messages the generator read too late to time (after a stall of its own). */
    readonly unscored: number;
  } | null;
  /** Echo round trip minus the echo bot's 200 ms (callwire, PCMU fixtures). */
  readonly echo: { readonly p50: number; readonly p95: number; readonly p99: number; readonly max: number; readonly frames: number } | null;
  /** Inbound jitter buffers of the run's ended calls (callwire only). */
  readonly jitter: {
    readonly addedDelayMeanMs: number;
    readonly addedDelayP95MaxMs: number;
    readonly concealmentPercent: number;
    readonly underruns: number;
    readonly late: number;
    readonly lost: number;
    readonly ticks: number;
  } | null;
  /** Sent frames the echo never returned (callwire, PCMU fixtures). */
  readonly framesLost: { readonly eligible: number; readonly lost: number; readonly percent: number } | null;
  /** True when the server did not answer `/stats` at a window edge (overloaded): CPU and loop figures cover a longer span. */
  readonly statsLate: boolean;
  readonly endings: {
    /** Engine end reasons of the run's calls. */
    readonly byReason: Readonly<Record<string, number>>;
    /** Calls that ended other than as planned, beyond the profile's own disconnects. */
    readonly abnormal: number;
    readonly connectFailures: number;
    readonly closedEarly: number;
    readonly stopTimeouts: number;
    readonly disconnectedByProfile: number;
    readonly drainTimedOut: boolean;
  };
  /** 1-minute load average of the machine at the end of the window (2 = both cores busy). */
  readonly machineLoad: number;
  readonly generator: {
    readonly cpuPercent: number;
    readonly lateP50: number;
    readonly lateP99: number;
    readonly lateMax: number;
    readonly mediaSent: number;
    /** The generator's event-loop delay p99 (less the monitor interval): how late it may have read arrivals. */
    readonly loopP99: number;
  };
  /** Human-readable problems with this run's numbers (generator too busy, calls lost, …). */
  readonly warnings: readonly string[];
}

function reasonDelta(after: Readonly<Record<string, number>> | undefined, before: Readonly<Record<string, number>> | undefined): Record<string, number> {
  const delta: Record<string, number> = {};
  for (const [reason, count] of Object.entries(after ?? {})) {
    const change = count - (before?.[reason] ?? 0);
    if (change > 0) delta[reason] = change;
  }
  return delta;
}

/** Derives {@link RunMetrics} from a run's readings. */
export function runMetrics(run: RunMeasurement): RunMetrics {
  const { spec, idle, windowStart, windowEnd, final, generator } = run;
  const engineWindowSeconds = (windowEnd.uptimeMs - windowStart.uptimeMs) / 1000;
  const avgOpenCalls = generator.windowMs > 0 ? generator.callSecondsInWindow / (generator.windowMs / 1000) : 0;
  const cpuDelta = cpuMs(windowEnd) - cpuMs(windowStart);
  const callSeconds = avgOpenCalls * engineWindowSeconds;
  const mb = (bytes: number): number => bytes / (1024 * 1024);
  const callwire = spec.target === 'callwire';

  let jitter: RunMetrics['jitter'] = null;
  if (callwire && final.jitter !== undefined) {
    const before = idle.jitter;
    const ticks = final.jitter.ticks - (before?.ticks ?? 0);
    const weighted = final.jitter.addedDelayMeanMs * final.jitter.ticks - (before === undefined ? 0 : before.addedDelayMeanMs * before.ticks);
    const concealed = final.jitter.concealedFrames - (before?.concealedFrames ?? 0);
    jitter = {
      addedDelayMeanMs: ticks > 0 ? weighted / ticks : 0,
      addedDelayP95MaxMs: final.jitter.addedDelayP95MaxMs,
      concealmentPercent: ticks > 0 ? (concealed / ticks) * 100 : 0,
      underruns: final.jitter.underruns - (before?.underruns ?? 0),
      late: final.jitter.late - (before?.late ?? 0),
      lost: final.jitter.lost - (before?.lost ?? 0),
      ticks,
    };
  }

  const byReason = reasonDelta(final.calls.endedByReason, idle.calls.endedByReason);
  let abnormal: number;
  if (callwire && final.calls.endedByReason !== undefined) {
    let unplanned = 0;
    for (const [reason, count] of Object.entries(byReason)) if (reason !== 'stream_stopped') unplanned += count;
    // A profile's abrupt disconnect ends its call as socket_closed: that one is planned.
    abnormal = Math.max(0, unplanned - Math.min(byReason['socket_closed'] ?? 0, generator.disconnectedByProfile)) + generator.connectFailures;
  } else {
    abnormal = generator.closedEarly + generator.stopTimeouts + generator.connectFailures;
  }

  const warnings: string[] = [];
  if (generator.cpuPercent > GENERATOR_CPU_WARN_PERCENT) warnings.push(`load generator used ${generator.cpuPercent.toFixed(0)} % of its core (above ${GENERATOR_CPU_WARN_PERCENT} %): its timings may be inflated`);
  if (generator.sendLateness.p99 > GENERATOR_LATE_WARN_MS) warnings.push(`load generator sent frames late (p99 ${generator.sendLateness.p99.toFixed(1)} ms): the offered load was not on schedule`);
  if (loopDelayMs(generator.loopDelayMs.p99) > GENERATOR_LATE_WARN_MS) warnings.push(`load generator's event loop lagged (p99 ${loopDelayMs(generator.loopDelayMs.p99).toFixed(1)} ms): arrival times it measured may be late by as much`);
  if (generator.unscoredMessages > 0.01 * (generator.pacing.count + generator.unscoredMessages)) warnings.push(`${generator.unscoredMessages} outbound messages (over 1 %) were read after the generator stalled and not timed`);
  if (generator.connectFailures > 0) warnings.push(`${generator.connectFailures} of ${spec.calls} calls never connected`);
  if (run.drainTimedOut) warnings.push('the server had calls left open 10 s after the run');
  for (const problem of run.statsProblems) warnings.push(`server stats: ${problem}`);

  const framesLost = callwire && generator.echoEligible > 0 ? { eligible: generator.echoEligible, lost: generator.echoLost, percent: (generator.echoLost / generator.echoEligible) * 100 } : null;
  return {
    target: spec.target,
    profile: spec.profile,
    calls: spec.calls,
    avgOpenCalls,
    windowSeconds: engineWindowSeconds,
    cpuPercent: engineWindowSeconds > 0 ? (cpuDelta / (engineWindowSeconds * 1000)) * 100 : 0,
    cpuMsPerCallSecond: callSeconds > 0 ? cpuDelta / callSeconds : 0,
    rssIdleMB: mb(idle.memory.rssBytes),
    rssMB: mb(windowEnd.memory.rssBytes),
    rssPerCallKB: spec.calls > 0 ? (windowEnd.memory.rssBytes - idle.memory.rssBytes) / spec.calls / 1024 : 0,
    loop: { p50: loopDelayMs(windowEnd.eventLoopDelayMs.p50), p99: loopDelayMs(windowEnd.eventLoopDelayMs.p99), max: loopDelayMs(windowEnd.eventLoopDelayMs.max) },
    loopReported: { p50: windowEnd.eventLoopDelayMs.p50, p99: windowEnd.eventLoopDelayMs.p99, max: windowEnd.eventLoopDelayMs.max },
    pacing: callwire
      ? {
          p50: generator.pacing.p50,
          p99: generator.pacing.p99,
          max: generator.pacing.max,
          messages: generator.pacing.count,
          underruns: generator.pacingUnderruns,
          extraSpurts: generator.extraSpurts,
          unscored: generator.unscoredMessages,
        }
      : null,
    echo: callwire && generator.echo.count > 0 ? { p50: generator.echo.p50, p95: generator.echo.p95, p99: generator.echo.p99, max: generator.echo.max, frames: generator.echo.count } : null,
    jitter,
    framesLost,
    endings: {
      byReason,
      abnormal,
      connectFailures: generator.connectFailures,
      closedEarly: generator.closedEarly,
      stopTimeouts: generator.stopTimeouts,
      disconnectedByProfile: generator.disconnectedByProfile,
      drainTimedOut: run.drainTimedOut,
    },
    machineLoad: run.loadAverage,
    statsLate: run.statsProblems.length > 0,
    generator: {
      cpuPercent: generator.cpuPercent,
      lateP50: generator.sendLateness.p50,
      lateP99: generator.sendLateness.p99,
      lateMax: generator.sendLateness.max,
      mediaSent: generator.mediaSent,
      loopP99: loopDelayMs(generator.loopDelayMs.p99),
    },
    warnings,
  };
}

/** callwire ÷ baseline for the three figures the report compares. */
export interface BaselineRatios {
  readonly cpuPerCallSecond: number;
  readonly rssPerCall: number;
  readonly loopP99: number;
}

/** Ratios of `callwire` to `baseline`; NaN where either is not positive (an RSS that shrank over a short run is noise, not a ratio). */
export function baselineRatios(callwire: RunMetrics, baseline: RunMetrics): BaselineRatios {
  const ratio = (a: number, b: number): number => (a > 0 && b > 0 ? a / b : Number.NaN);
  return {
    cpuPerCallSecond: ratio(callwire.cpuMsPerCallSecond, baseline.cpuMsPerCallSecond),
    rssPerCall: ratio(callwire.rssPerCallKB, baseline.rssPerCallKB),
    loopP99: ratio(callwire.loop.p99, baseline.loop.p99),
  };
}

/** Whether a `--find-max` step held, and if not, why. */
export function stepVerdict(metrics: RunMetrics): { readonly held: boolean; readonly reason: string } {
  const problems: string[] = [];
  const pacingP99 = metrics.pacing?.p99 ?? 0;
  if (pacingP99 > FIND_MAX_PACING_P99_MS) problems.push(`pacing p99 ${pacingP99.toFixed(1)} ms > ${FIND_MAX_PACING_P99_MS} ms`);
  if (metrics.loop.p99 > FIND_MAX_LOOP_P99_MS) problems.push(`event-loop p99 ${metrics.loop.p99.toFixed(1)} ms > ${FIND_MAX_LOOP_P99_MS} ms`);
  if (metrics.statsLate) problems.push('the engine did not answer /stats in time');
  if (metrics.endings.connectFailures > 0) problems.push(`${metrics.endings.connectFailures} calls failed to connect`);
  return problems.length === 0 ? { held: true, reason: 'held' } : { held: false, reason: problems.join('; ') };
}
