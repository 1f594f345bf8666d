/**
 * One measured run, as the parent orchestrates it: start the server under test (or use the one at
 * `--url`), read its idle `/stats`, have the generator play the load, read `/stats` at the edges of
 * the measured window (resetting the event-loop window at the start), wait for every call to end,
 * read the final `/stats`, stop the server.
 */
import { mkdir, readdir, readFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { isCpuProfile, summarizeCpuProfile, type CpuProfileSummary } from './cpuProfile.js';
import type { GeneratorClient } from './generatorClient.js';
import { freePort, spawnBaseline, spawnEngine, waitForStats, type ChildHandle } from './processes.js';
import type { GeneratorResult, LoadProgress, LoadTarget } from './protocol.js';
import { fetchStats, type ServerStats } from './serverStats.js';
import type { OutboundFormat } from './outboundPacing.js';

/** Idle time after the server is up and before the idle reading, so start-up work has settled. */
const IDLE_SETTLE_MS = 1_000;
/** How long the server gets to end every call after the generator is done. */
const DRAIN_TIMEOUT_MS = 10_000;
/** How long a loaded server gets to answer `/stats` at the window's edges. */
const WINDOW_STATS_TIMEOUT_MS = 15_000;

/** What to run. */
export interface RunSpec {
  readonly target: LoadTarget;
  readonly calls: number;
  readonly profile: string;
  readonly seed: number;
  readonly rampMs: number;
  readonly settleMs: number;
  readonly durationMs: number;
  readonly fixtures: readonly string[];
  readonly outbound: OutboundFormat;
  readonly echoDelayMs: number;
}

/** An engine that is already running (`--url`): where its streams and stats are. */
export interface ExternalServer {
  /** Stream URL with `serviceHost`. */
  readonly streamUrl: string;
  readonly statsUrl: string;
}

/** Everything one run produced, raw. */
export interface RunMeasurement {
  readonly spec: RunSpec;
  readonly startedAt: string;
  /** Wall time of the whole run, server start to stop. */
  readonly wallMs: number;
  readonly idle: ServerStats;
  readonly windowStart: ServerStats;
  readonly windowEnd: ServerStats;
  readonly final: ServerStats;
  /** 1-minute load average of the machine at the end of the window. */
  readonly loadAverage: number;
  /** Readings that failed (an overloaded server not answering `/stats`) and what was used instead; empty when all went well. */
  readonly statsProblems: readonly string[];
  /** True when the server had not ended every call within the drain timeout. */
  readonly drainTimedOut: boolean;
  readonly generator: GeneratorResult;
  /** The engine's CPU profile over the measured window, when it was profiled; null when no profile could be read. */
  readonly cpuProfile?: CpuProfileSummary | null;
}

/** Shared by the runs of one bench invocation. */
export interface RunContext {
  readonly generator: GeneratorClient;
  readonly serverCore: number | null;
  /** The engine at `--url`, if given; the baseline is always started here. */
  readonly external: ExternalServer | null;
  /** `serviceHost` the calls ask for when the bench starts the engine. */
  readonly serviceHost: string;
  /** Config file the bench starts the engine with (`writeBenchEngineConfig`); none: the engine's defaults. */
  readonly engineConfig?: string;
  /** `serve --workers` of the engine the bench starts; default 1. */
  readonly engineWorkers?: number;
  /** Folder for the engine's CPU profiles (`node --cpu-prof`), one subfolder per run; none: not profiled. */
  readonly cpuProfileDir?: string;
  /** Node flags for the engine the bench starts (`--engine-node-options`). */
  readonly engineNodeOptions?: readonly string[];
  readonly onProgress?: (progress: LoadProgress) => void;
}

let nextRunId = 1;

/** Runs `spec` against its target and returns the raw readings. */
export async function measureRun(context: RunContext, spec: RunSpec): Promise<RunMeasurement> {
  const began = performance.now();
  const startedAt = new Date().toISOString();
  let handle: ChildHandle | null = null;
  let streamUrl: string;
  let statsUrl: string;
  const runId = nextRunId++;
  // Only an engine this run starts, as one process, can be profiled.
  const profiled = context.cpuProfileDir !== undefined && spec.target === 'callwire' && context.external === null && (context.engineWorkers ?? 1) === 1;
  const profileDir = profiled ? join(context.cpuProfileDir as string, `${runId}-${spec.profile}-${spec.calls}-calls`) : undefined;
  const window = { startUs: 0, endUs: Number.POSITIVE_INFINITY };
  if (spec.target === 'callwire' && context.external !== null) {
    ({ streamUrl, statsUrl } = context.external);
  } else {
    const port = await freePort();
    if (profileDir !== undefined) await mkdir(profileDir, { recursive: true });
    const nodeOptions = [...(context.engineNodeOptions ?? []), ...(profileDir === undefined ? [] : ['--cpu-prof', `--cpu-prof-dir=${profileDir}`])];
    handle = spec.target === 'callwire' ? spawnEngine(port, context.serverCore, context.engineConfig, undefined, context.engineWorkers, nodeOptions) : spawnBaseline(port, context.serverCore);
    streamUrl =
      spec.target === 'callwire'
        ? `ws://127.0.0.1:${port}/ws/telnyx?serviceHost=${encodeURIComponent(context.serviceHost)}`
        : `ws://127.0.0.1:${port}/ws/telnyx`;
    statsUrl = `http://127.0.0.1:${port}/stats`;
  }
  try {
    await waitForStats(statsUrl, handle);
    await new Promise((resolve) => setTimeout(resolve, IDLE_SETTLE_MS));
    const idle = await fetchStats(statsUrl);
    let windowStart: ServerStats | undefined;
    let windowEnd: ServerStats | undefined;
    let loadAverage = 0;
    const statsProblems: string[] = [];
    const hooks = {
      window: async (edge: 'start' | 'end'): Promise<void> => {
        // On the monotonic clock the profile's timestamps use.
        if (edge === 'start') window.startUs = hrtimeUs();
        else window.endUs = hrtimeUs();
        try {
          if (edge === 'start') windowStart = await fetchStats(statsUrl, true, WINDOW_STATS_TIMEOUT_MS);
          else {
            windowEnd = await fetchStats(statsUrl, false, WINDOW_STATS_TIMEOUT_MS);
            loadAverage = loadavg()[0] ?? 0;
          }
        } catch (error) {
          statsProblems.push(`/stats did not answer at the window's ${edge} within ${WINDOW_STATS_TIMEOUT_MS / 1000} s (${error instanceof Error ? error.message : String(error)})`);
        }
      },
      ...(context.onProgress === undefined ? {} : { progress: context.onProgress }),
    };
    const generator = await context.generator.run(
      {
        runId,
        target: spec.target,
        url: streamUrl,
        fixtures: spec.fixtures,
        calls: spec.calls,
        rampMs: spec.rampMs,
        settleMs: spec.settleMs,
        durationMs: spec.durationMs,
        profile: spec.profile,
        seed: spec.seed,
        outbound: spec.outbound,
        echoDelayMs: spec.echoDelayMs,
      },
      hooks,
    );
    if (windowStart === undefined) {
      windowStart = idle;
      statsProblems.push('window measured from the idle reading');
    }
    const drained = await waitForDrain(statsUrl, idle.calls.active);
    if (windowEnd === undefined) {
      windowEnd = drained.stats;
      loadAverage = loadavg()[0] ?? 0;
      statsProblems.push('window measured to the reading after the calls ended');
    }
    // The engine writes its profile as it exits, so it is stopped here rather than only in `finally`.
    await handle?.stop();
    const cpuProfile = profileDir === undefined ? undefined : await readProfile(profileDir, window);
    return {
      spec,
      startedAt,
      wallMs: performance.now() - began,
      idle,
      windowStart,
      windowEnd,
      loadAverage,
      statsProblems,
      final: drained.stats,
      drainTimedOut: drained.timedOut,
      generator,
      ...(cpuProfile === undefined ? {} : { cpuProfile }),
    };
  } finally {
    await handle?.stop();
  }
}

function hrtimeUs(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

/** The summary of the profile the engine wrote into `folder` as it exited, or null when there is none. */
async function readProfile(folder: string, window: { startUs: number; endUs: number }): Promise<CpuProfileSummary | null> {
  const names = (await readdir(folder)).filter((name) => name.endsWith('.cpuprofile'));
  if (names.length === 0) return null;
  const content: unknown = JSON.parse(await readFile(join(folder, names[0] as string), 'utf8'));
  return isCpuProfile(content) ? summarizeCpuProfile(content, window) : null;
}

/** Polls until the server is back to `activeBefore` open calls, or the drain timeout passes. */
async function waitForDrain(statsUrl: string, activeBefore: number): Promise<{ stats: ServerStats; timedOut: boolean }> {
  const deadline = performance.now() + DRAIN_TIMEOUT_MS;
  let last: ServerStats | undefined;
  for (;;) {
    try {
      last = await fetchStats(statsUrl, false, WINDOW_STATS_TIMEOUT_MS);
      if (last.calls.active <= activeBefore) return { stats: last, timedOut: false };
    } catch (error) {
      // A server still digesting the load may be slow to answer; keep asking until the deadline.
      if (performance.now() > deadline && last === undefined) throw error;
    }
    if (performance.now() > deadline && last !== undefined) return { stats: last, timedOut: true };
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
