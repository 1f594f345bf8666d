/**
 * `callwire bench`: parses the command line, starts the load generator on its own core, runs each
 * profile against the engine and the bare echo baseline (or searches for the largest call count
 * with `--find-max`), then writes results.json, summary.md and report.html and prints the summary.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { readCapture } from '../capture/readCapture.js';
import { renderCharts } from '../report/charts.js';
import { htmlReport } from '../report/htmlReport.js';
import { markdownSummary } from '../report/markdownSummary.js';
import type { BenchReport, CallwireRun, FindMaxRecord, FindMaxStep, MachineInfo, RunRecord } from '../report/reportModel.js';
import { BENCH_USAGE, externalEndpoints, parseBenchArgs, type BenchOptions } from './benchOptions.js';
import { DEFAULT_FIND_MAX, FIND_MAX_START, nextStep, recordStep } from './findMax.js';
import { GeneratorClient } from './generatorClient.js';
import { measureRun, type RunContext, type RunMeasurement, type RunSpec } from './measuredRun.js';
import { benchEngineLimits, engineDescription, planCores, writeBenchEngineConfig, type CorePlan } from './processes.js';
import { ProgressReporter, type TextSink } from './progress.js';
import type { LoadTarget } from './protocol.js';
import { baselineRatios, runMetrics, stepVerdict, type RunMetrics } from './runMetrics.js';

/** Seconds between the last call opening and the measured window. */
const SETTLE_SECONDS = 2;
/** The echo agent's own delay (bots/echo.ts default), taken off the echo round trip. */
const ECHO_DELAY_MS = 200;
/** What the echo agent sends back with the engine's defaults (media.outboundEncoding PCMU, 8 kHz). */
const ECHO_OUTBOUND = { encoding: 'PCMU', sampleRate: 8000 } as const;
/** Above this 1-minute load average per core before the bench starts, the report warns that the machine was busy. */
const BUSY_LOAD_PER_CORE = 0.5;
/** Generator CPU (% of its core) above which a step measures the generator: `--find-max` stops there. */
const GENERATOR_SATURATED_PERCENT = 85;
/** 1-minute load average above which other work shares the two cores (the bench itself accounts for about 2). */
const BUSY_MACHINE_LOAD = 2.5;
/** Start-up, idle reading and drain around each run, for the time budget. */
const RUN_OVERHEAD_SECONDS = 6;

/** Where the command writes: the summary on `stdout`, progress and errors on `stderr`. */
export interface BenchIo {
  readonly stdout: TextSink;
  readonly stderr: TextSink;
}

/**
 * Runs `callwire bench` with `argv` (the words after `bench`); resolves with the exit code: 0 done,
 * 1 a run failed (engine did not start, generator died, …), 2 bad command line.
 */
export async function runBenchCommand(argv: string[], io: BenchIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const parsed = parseBenchArgs(argv);
  if (parsed.kind === 'help') {
    io.stdout.write(BENCH_USAGE);
    return 0;
  }
  if (parsed.kind === 'error') {
    io.stderr.write(`callwire bench: ${parsed.message}\n\n${BENCH_USAGE}`);
    return 2;
  }
  const options = parsed.options;
  const progress = new ProgressReporter(io.stderr);
  try {
    const report = await runBench(options, argv, progress);
    await writeReports(options.outDir, report);
    progress.done();
    io.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : markdownSummary(report));
    io.stderr.write(`Report: ${join(options.outDir, 'report.html')}\n`);
    return 0;
  } catch (error) {
    progress.done();
    io.stderr.write(`callwire bench: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}

async function runBench(options: BenchOptions, argv: readonly string[], progress: ProgressReporter): Promise<BenchReport> {
  const startedAt = new Date().toISOString();
  const loadAtStart = loadavg()[0] ?? 0;
  const cores = planCores();
  const first = await readCapture(options.fixtures[0] as string);
  const serviceHost = first.header.serviceHost;
  const notes: string[] = [];
  if (cores.note !== undefined) notes.push(cores.note);
  if (loadAtStart > BUSY_LOAD_PER_CORE * availableParallelism()) {
    notes.push(`the machine was busy when the bench started (1-minute load average ${loadAtStart.toFixed(1)} on ${availableParallelism()} cores): other processes compete with the pinned engine and generator, so every figure is pessimistic`);
  }
  if (options.url !== null) notes.push(`engine at ${options.url} was started elsewhere: it is not pinned by the bench, and its idle RSS is whatever it had before the run`);
  if (options.engineNodeOptions.length > 0) notes.push(`the engine ran with node flags ${options.engineNodeOptions.join(' ')}; the bare echo without`);

  const largest = options.findMax ? options.maxCalls : Math.max(...options.callCounts);
  const engineConfig = options.url === null ? await writeBenchEngineConfig(largest) : undefined;
  const generator = await GeneratorClient.start(cores.generator);
  const context: RunContext = {
    generator,
    serverCore: cores.server,
    ...(engineConfig === undefined ? {} : { engineConfig }),
    external: options.url === null ? null : externalEndpoints(options.url, serviceHost),
    serviceHost,
    ...(options.cpuProfile ? { cpuProfileDir: join(options.outDir, 'profiles') } : {}),
    ...(options.engineNodeOptions.length > 0 ? { engineNodeOptions: options.engineNodeOptions } : {}),
    onProgress: (update) => progress.update(update),
  };
  const interrupt = (): void => {
    progress.done();
    process.stderr.write('callwire bench: interrupted\n');
    void generator.close().finally(() => process.exit(130));
  };
  process.once('SIGINT', interrupt);
  const runs: RunRecord[] = [];
  const searches: FindMaxRecord[] = [];
  try {
    for (const workers of options.workers) {
      // A cluster uses every core, so it is not pinned: its workers share the generator's core.
      const engine: RunContext = { ...context, serverCore: workers > 1 ? null : context.serverCore, engineWorkers: workers };
      const engineCores = workers > 1 ? { ...cores, server: null } : cores;
      if (options.findMax) {
        const budgetMs = (options.maxTimeSeconds * 1000) / options.profiles.length / options.workers.length;
        for (const profile of options.profiles) searches.push({ ...(await searchMax(engine, options, profile, budgetMs, engineCores, progress, notes)), engineWorkers: workers });
      } else {
        for (const profile of options.profiles) {
          for (const calls of options.callCounts) runs.push(await runPair(engine, options, profile, calls, progress, options.workers.length > 1 ? workers : undefined));
        }
      }
    }
  } finally {
    process.off('SIGINT', interrupt);
    await generator.close();
  }
  if (options.workers.some((workers) => workers > 1)) {
    notes.push(`with --workers above 1 the engine is not pinned: its workers and the load generator share the machine's ${availableParallelism()} cores, so those figures are noisy and only comparable within one run`);
  }
  notes.push(...workerRatios(searches));
  for (const metrics of [...runs.flatMap((run) => [run.callwire.metrics, ...(run.baseline === null ? [] : [run.baseline])]), ...searches.flatMap((s) => s.steps.map((step) => step.run.metrics))]) {
    for (const warning of metrics.warnings) notes.push(`${metrics.target} ${metrics.profile} ${metrics.calls} calls: ${warning}`);
  }
  return {
    version: 1,
    command: `callwire bench ${argv.join(' ')}`.trim(),
    startedAt,
    finishedAt: new Date().toISOString(),
    machine: machineInfo(cores, options, loadAtStart),
    settings: {
      calls: options.calls,
      callCounts: options.callCounts,
      rampSeconds: options.rampSeconds,
      settleSeconds: SETTLE_SECONDS,
      durationSeconds: options.durationSeconds,
      profiles: options.profiles,
      seed: options.seed,
      fixtures: options.fixtures.map((path) => path.replace(/^.*\//, '').replace(/\.capture\.jsonl$/, '')),
      engine: options.url === null ? `${engineDescription()}, limits ${JSON.stringify(benchEngineLimits(largest))}` : `already running at ${options.url}`,
      findMax: options.findMax,
      maxTimeSeconds: options.maxTimeSeconds,
      maxCalls: options.maxCalls,
    },
    runs,
    findMax: searches,
    notes,
  };
}

function specFor(options: BenchOptions, target: LoadTarget, profile: string, calls: number): RunSpec {
  return {
    target,
    calls,
    profile,
    seed: options.seed,
    rampMs: options.rampSeconds * 1000,
    settleMs: SETTLE_SECONDS * 1000,
    durationMs: options.durationSeconds * 1000,
    fixtures: options.fixtures,
    outbound: ECHO_OUTBOUND,
    echoDelayMs: ECHO_DELAY_MS,
  };
}

function callwireRun(measurement: RunMeasurement): CallwireRun {
  return {
    metrics: runMetrics(measurement),
    pacingBins: measurement.generator.pacingBins,
    echoBins: measurement.generator.echoBins,
    timeline: measurement.generator.timeline,
    ...(measurement.cpuProfile === undefined ? {} : { cpuProfile: measurement.cpuProfile }),
  };
}

function describe(metrics: RunMetrics): string {
  const pacing = metrics.pacing === null ? '' : `, pacing p99 ${metrics.pacing.p99.toFixed(2)} ms`;
  return `  ${metrics.target}: CPU ${metrics.cpuPercent.toFixed(0)} % (${metrics.cpuMsPerCallSecond.toFixed(3)} ms per call-second), RSS ${metrics.rssPerCallKB.toFixed(0)} KB per call, loop p99 ${metrics.loop.p99.toFixed(1)} ms${pacing}; generator ${metrics.generator.cpuPercent.toFixed(0)} % CPU, late p99 ${metrics.generator.lateP99.toFixed(2)} ms`;
}

async function measure(context: RunContext, spec: RunSpec, progress: ProgressReporter): Promise<RunMeasurement> {
  progress.stage(`${spec.target === 'callwire' ? 'callwire' : 'bare echo'} · ${spec.profile} · ${spec.calls} calls`);
  return measureRun(context, spec);
}

async function runPair(context: RunContext, options: BenchOptions, profile: string, calls: number, progress: ProgressReporter, workers?: number): Promise<RunRecord> {
  const callwire = callwireRun(await measure(context, specFor(options, 'callwire', profile, calls), progress));
  progress.note(describe(callwire.metrics));
  let baseline: RunMetrics | null = null;
  if (options.baseline) {
    baseline = runMetrics(await measure(context, specFor(options, 'baseline', profile, calls), progress));
    progress.note(describe(baseline));
  }
  return { label: `${profile}, ${calls} calls${workers === undefined ? '' : `, --workers ${workers}`}`, callwire, baseline, ratios: baseline === null ? null : baselineRatios(callwire.metrics, baseline) };
}

async function searchMax(context: RunContext, options: BenchOptions, profile: string, budgetMs: number, cores: CorePlan, progress: ProgressReporter, notes: string[]): Promise<FindMaxRecord> {
  const deadline = performance.now() + budgetMs;
  const settings = { ...DEFAULT_FIND_MAX, maxCalls: options.maxCalls };
  let stepMs = (options.rampSeconds + SETTLE_SECONDS + options.durationSeconds + RUN_OVERHEAD_SECONDS) * 1000;
  // Keep room for the baseline at the end, which takes as long as a step.
  const reserveMs = (): number => (options.baseline ? stepMs : 0);
  const steps: FindMaxStep[] = [];
  let state = FIND_MAX_START;
  let calls: number | null = Math.min(options.calls, options.maxCalls);
  let stoppedBecause = '';
  let retried = false;
  while (calls !== null) {
    if (performance.now() + stepMs * 1.1 + reserveMs() > deadline) {
      stoppedBecause = `time budget (${Math.round(budgetMs / 1000)} s) would be exceeded by the next step (${calls} calls)`;
      break;
    }
    const began = performance.now();
    const run = callwireRun(await measure(context, specFor(options, 'callwire', profile, calls), progress));
    stepMs = performance.now() - began;
    const verdict = stepVerdict(run.metrics);
    const disturbed = !verdict.held && isDisturbed(run.metrics);
    const reason = disturbed ? `${verdict.reason} (machine busy: load ${run.metrics.machineLoad.toFixed(1)}, generator late while mostly idle)` : verdict.reason;
    steps.push({ calls, held: verdict.held, reason, run });
    progress.note(`${describe(run.metrics)} → ${reason}`);
    if (disturbed && !retried) {
      // Other work on the machine, not the engine, failed this step: try the same count once more.
      retried = true;
      notes.push(`find-max ${profile}: the ${calls}-call step failed while the machine was busy with other work; it was run again`);
      continue;
    }
    retried = false;
    state = recordStep(state, calls, verdict.held);
    if (run.metrics.generator.cpuPercent > GENERATOR_SATURATED_PERCENT) {
      stoppedBecause = `the load generator reached its own limit at ${calls} calls (CPU ${run.metrics.generator.cpuPercent.toFixed(0)} %, send lateness p99 ${run.metrics.generator.lateP99.toFixed(1)} ms): larger steps would measure the generator, not the engine`;
      notes.push(`find-max ${profile}: ${stoppedBecause}`);
      break;
    }
    calls = nextStep(state, settings);
    if (calls === null) {
      if (state.held === null) stoppedBecause = 'no step held, down to the smallest count tried';
      else if (state.failed === null) stoppedBecause = `reached --max-calls ${settings.maxCalls} and it held`;
      else stoppedBecause = `converged between ${state.held} (held) and ${state.failed} (failed)`;
    }
  }
  const maxHeld = state.held;
  let maxHeldAtTarget: number | null = null;
  for (const step of steps) {
    if (step.held && (step.run.metrics.pacing?.p99 ?? 0) <= 5 && (maxHeldAtTarget === null || step.calls > maxHeldAtTarget)) maxHeldAtTarget = step.calls;
  }
  let baseline: RunMetrics | null = null;
  if (options.baseline && maxHeld !== null) {
    if (performance.now() + stepMs > deadline + stepMs * 0.5) notes.push(`find-max ${profile}: baseline skipped, out of time`);
    else {
      baseline = runMetrics(await measure(context, specFor(options, 'baseline', profile, maxHeld), progress));
      progress.note(describe(baseline));
    }
  }
  const heldStep = steps.find((step) => step.calls === maxHeld);
  return {
    profile,
    steps,
    maxHeld,
    maxHeldAtTarget,
    engineCores: cores.server === null || options.url !== null ? availableParallelism() : 1,
    stoppedBecause,
    baseline,
    ratios: baseline === null || heldStep === undefined ? null : baselineRatios(heldStep.run.metrics, baseline),
  };
}

/** Per profile, each worker count's largest held call count against one worker's, as report notes. */
export function workerRatios(searches: readonly FindMaxRecord[]): string[] {
  const notes: string[] = [];
  for (const single of searches.filter((search) => search.engineWorkers === 1 && search.maxHeld !== null)) {
    for (const cluster of searches.filter((search) => search.profile === single.profile && (search.engineWorkers ?? 1) > 1)) {
      const held = cluster.maxHeld === null ? 'no step held' : `${cluster.maxHeld} calls held, ${(cluster.maxHeld / single.maxHeld!).toFixed(2)}×`;
      notes.push(`calls per machine (${single.profile}): --workers ${cluster.engineWorkers} ${held} the ${single.maxHeld} of --workers 1`);
    }
  }
  return notes;
}

/** A failed step that other work on the machine explains: the generator fell behind while far from busy, and the load average says others were running. */
function isDisturbed(metrics: RunMetrics): boolean {
  const generatorStalled = metrics.generator.lateP99 > 5 || metrics.generator.loopP99 > 5;
  return generatorStalled && metrics.generator.cpuPercent < 50 && metrics.machineLoad > BUSY_MACHINE_LOAD;
}

function machineInfo(cores: CorePlan, options: BenchOptions, loadAtStart: number): MachineInfo {
  const placement =
    cores.server === null
      ? (cores.note ?? 'nothing pinned')
      : `${options.url === null ? 'engine and baseline' : 'baseline'} pinned to core ${cores.server}, load generator to core ${cores.generator} (taskset)${options.workers.some((workers) => workers > 1) ? '; an engine with --workers above 1 is not pinned' : ''}`;
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    placement,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  };
}

async function writeReports(outDir: string, report: BenchReport): Promise<void> {
  await mkdir(outDir, { recursive: true });
  const charts = await renderCharts(report);
  await Promise.all([
    writeFile(join(outDir, 'results.json'), `${JSON.stringify(report, null, 2)}\n`),
    writeFile(join(outDir, 'summary.md'), markdownSummary(report)),
    writeFile(join(outDir, 'report.html'), htmlReport(report, charts)),
  ]);
}
