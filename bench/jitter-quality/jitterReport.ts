/** The serialisable form of a `bench --jitter` run: what `--json` prints and the HTML embeds. */
import { availableParallelism, cpus } from 'node:os';
import type { ProfileResult } from './runJitterQuality.js';
import type { StrategyName } from './playoutOutcome.js';

/** The machine a run was measured on. */
export interface MachineInfo {
  readonly cpu: string;
  readonly cpus: number;
  readonly node: string;
  readonly platform: string;
}

/** One profile, without the per-frame arrays. */
export interface ProfileReport extends Omit<ProfileResult, 'callResults' | 'target'> {
  /** Concealment beyond the sender's loss, %, and callwire's mean delay over the oracles'. */
  readonly comparison: {
    readonly excessConcealmentPct: number;
    readonly ratioToOracle: number | null;
    readonly ratioToSameConcealmentOracle: number | null;
    /** The fixed 200 ms buffer's mean delay over callwire's, and over the best fixed delay with as many late frames. */
    readonly fixedOverCallwire: number | null;
    readonly fixedOverBestMatch: number | null;
  };
  /** Per call: which audio, the tick phase, and per strategy mean delay / concealment / late. */
  readonly callDetails: readonly {
    readonly call: number;
    readonly media: string;
    readonly phaseMs: number;
    readonly disconnected: boolean;
    readonly strategies: Readonly<
      Record<StrategyName, { readonly meanDelayMs: number; readonly concealmentPct: number; readonly late: number; readonly quality: number; readonly disturbanceDb: number }>
    >;
  }[];
}

/** A whole run. */
export interface JitterBenchReport {
  readonly command: string;
  readonly machine: MachineInfo;
  readonly seed: number;
  readonly callsPerProfile: number;
  readonly durationMs: number;
  readonly media: readonly string[];
  /** How callwire's buffer was set: `defaults`, or the options changed. */
  readonly callwireSettings: string;
  readonly elapsedMs: number;
  readonly profiles: readonly ProfileReport[];
}

/** The machine this process runs on. */
export function machineInfo(): MachineInfo {
  return { cpu: cpus()[0]?.model.trim() ?? 'unknown', cpus: availableParallelism(), node: process.version, platform: `${process.platform}/${process.arch}` };
}

/** Drops the per-frame arrays and keeps per-call figures. */
export function profileReport(result: ProfileResult): ProfileReport {
  const { callResults, target, ...rest } = result;
  return {
    ...rest,
    comparison: {
      excessConcealmentPct: target.excessConcealmentPct,
      ratioToOracle: target.ratioToOracle,
      ratioToSameConcealmentOracle: target.ratioToSameConcealmentOracle,
      fixedOverCallwire: target.fixedOverCallwire,
      fixedOverBestMatch: target.fixedOverBestMatch,
    },
    callDetails: callResults.map((call) => {
      const strategies = {} as Record<StrategyName, { meanDelayMs: number; concealmentPct: number; late: number; quality: number; disturbanceDb: number }>;
      for (const summary of result.strategies) {
        const perCall = summary.perCall[call.call];
        const quality = call.quality[summary.strategy];
        strategies[summary.strategy] = {
          meanDelayMs: perCall?.meanDelayMs ?? 0,
          concealmentPct: perCall?.concealmentPct ?? 0,
          late: call.outcomes[summary.strategy].late,
          quality: quality.score,
          disturbanceDb: quality.disturbanceDb,
        };
      }
      return { call: call.call, media: call.media, phaseMs: call.phaseMs, disconnected: call.disconnected, strategies };
    }),
  };
}
