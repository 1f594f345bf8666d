/** What one `callwire bench` invocation found: written as results.json, rendered as Markdown and HTML. */
import type { CpuProfileSummary } from '../load/cpuProfile.js';
import type { HistogramBins } from '../load/histogram.js';
import type { TimelinePoint } from '../load/protocol.js';
import type { BaselineRatios, RunMetrics } from '../load/runMetrics.js';

/** The machine the bench ran on. */
export interface MachineInfo {
  readonly nproc: number;
  readonly cpuModel: string;
  readonly node: string;
  readonly platform: string;
  /** How the processes were placed, e.g. "engine on core 0, generator on core 1 (taskset)". */
  readonly placement: string;
  /** 1-minute load average when the bench started and when it finished: other work on the machine skews every figure. */
  readonly loadAverage: { readonly start: number; readonly end: number };
}

/** A callwire run with what is needed to chart it. */
export interface CallwireRun {
  readonly metrics: RunMetrics;
  readonly pacingBins: HistogramBins;
  readonly echoBins: HistogramBins;
  readonly timeline: readonly TimelinePoint[];
  /** The engine's CPU profile over the measured window (`--cpu-profile`); null when it could not be read. */
  readonly cpuProfile?: CpuProfileSummary | null;
}

/** One load, on callwire and (unless `--no-baseline`) on the bare echo baseline. */
export interface RunRecord {
  readonly label: string;
  readonly callwire: CallwireRun;
  readonly baseline: RunMetrics | null;
  readonly ratios: BaselineRatios | null;
}

/** One step of `--find-max`. */
export interface FindMaxStep {
  readonly calls: number;
  readonly held: boolean;
  /** "held", or which limit it passed. */
  readonly reason: string;
  readonly run: CallwireRun;
}

/** `--find-max` on one profile. */
export interface FindMaxRecord {
  readonly profile: string;
  readonly steps: readonly FindMaxStep[];
  /** Largest count that held (pacing p99 ≤ 10 ms, event-loop p99 ≤ 20 ms), or null. */
  readonly maxHeld: number | null;
  /** Largest count whose pacing p99 was also ≤ 5 ms (the pacing goal), or null. */
  readonly maxHeldAtTarget: number | null;
  /** Cores the engine had (1 when pinned). */
  readonly engineCores: number;
  /** Worker processes of the engine (`serve --workers`); absent in reports from before the option. */
  readonly engineWorkers?: number;
  /** Why the search stopped. */
  readonly stoppedBecause: string;
  /** The baseline at `maxHeld`, and callwire's ratios to it there. */
  readonly baseline: RunMetrics | null;
  readonly ratios: BaselineRatios | null;
}

/** Everything; `results.json` is this object. */
export interface BenchReport {
  readonly version: 1;
  /** The command as typed, for copying. */
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly settings: {
    readonly calls: number;
    /** Every call count run, in order (absent in reports from before lists were taken). */
    readonly callCounts?: readonly number[];
    readonly rampSeconds: number;
    readonly settleSeconds: number;
    readonly durationSeconds: number;
    readonly profiles: readonly string[];
    readonly seed: number;
    readonly fixtures: readonly string[];
    readonly engine: string;
    readonly findMax: boolean;
    readonly maxTimeSeconds: number;
    readonly maxCalls: number;
  };
  readonly runs: readonly RunRecord[];
  readonly findMax: readonly FindMaxRecord[];
  /** Warnings and things people should know when reading the numbers. */
  readonly notes: readonly string[];
}
