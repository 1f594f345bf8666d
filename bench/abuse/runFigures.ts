/**
 * Turns one scenario's raw readings into the figures the report shows and the goals judge. Pure:
 * fed the engine samples and the moments that matter (idle, attack start, recovery sample, exit).
 */
import type { EngineSample } from './engineSampler.js';
import type { HealthProbe } from './healthProbe.js';
import { quantile } from '../support/quantiles.js';
import { maximum } from './procReadings.js';

/** The engine's figures over one scenario. */
export interface EngineFigures {
  /** Median RSS of the last three samples before the good call started. */
  readonly idleRssMb: number | undefined;
  /** Largest RSS from the attack's start to the recovery sample. */
  readonly peakRssMb: number | undefined;
  /** RSS at the recovery sample (a set time after the attack); undefined when the engine was dead. */
  readonly rssAfterMb: number | undefined;
  /** rssAfterMb ÷ idleRssMb. */
  readonly rssAfterToIdle: number | undefined;
  readonly idleFds: number | undefined;
  readonly peakFds: number | undefined;
  /** Bytes the engine logged from its start to the last sample, in MB. */
  readonly logMb: number;
  readonly healthz: HealthFigures;
  /** `/healthz` on the admin listener; undefined when the engine has none. */
  readonly adminHealthz: HealthFigures | undefined;
  readonly alive: boolean;
  /** Seconds after the attack's start at which the engine exited; undefined when it did not. */
  readonly diedAtSeconds: number | undefined;
  readonly exit: { readonly code: number | null; readonly signal: string | null } | undefined;
}

/** `/healthz` over the attack and the recovery wait. */
export interface HealthFigures {
  readonly probes: number;
  /** Probes without a 200 within the timeout (refused, reset, timed out). */
  readonly failures: number;
  readonly maxMs: number | undefined;
  readonly p99Ms: number | undefined;
}

/** One second of the timeline, in the JSON results. */
export interface TimelinePoint {
  /** Seconds since the attack started (negative before). */
  readonly t: number;
  readonly rssMb: number | undefined;
  readonly fds: number | undefined;
  readonly logMb: number;
  readonly healthzMs: number | undefined;
  readonly healthzError: string | undefined;
}

/** The moments {@link engineFigures} needs, as `performance.now()` values. */
export interface RunMoments {
  readonly goodCallStart: number;
  readonly attackStart: number;
  /** The recovery sample, if the engine was alive to take it. */
  readonly recoverySample: EngineSample | undefined;
  readonly exit: { readonly code: number | null; readonly signal: string | null; readonly at: number } | undefined;
}

const defined = (value: number | undefined): value is number => value !== undefined;

/** The engine's figures; see {@link EngineFigures}. */
export function engineFigures(samples: readonly EngineSample[], moments: RunMoments): EngineFigures {
  const idle = samples.filter((sample) => sample.at < moments.goodCallStart).slice(-3);
  const attacked = samples.filter((sample) => sample.at >= moments.attackStart);
  const idleRssMb = quantile(idle.map((sample) => sample.rssMb).filter(defined), 0.5);
  const rssAfterMb = moments.recoverySample?.rssMb;
  const adminProbes = attacked.map((sample) => sample.adminHealthz).filter((probe) => probe !== undefined);
  const exit = moments.exit;
  return {
    idleRssMb,
    peakRssMb: maximum(attacked.map((sample) => sample.rssMb).filter(defined)),
    rssAfterMb,
    rssAfterToIdle: rssAfterMb !== undefined && idleRssMb !== undefined && idleRssMb > 0 ? rssAfterMb / idleRssMb : undefined,
    idleFds: quantile(idle.map((sample) => sample.fds).filter(defined), 0.5),
    peakFds: maximum(attacked.map((sample) => sample.fds).filter(defined)),
    logMb: (maximum(samples.map((sample) => sample.logBytes)) ?? 0) / 1e6,
    healthz: healthFigures(attacked.map((sample) => sample.healthz).filter((probe) => probe !== undefined)),
    adminHealthz: adminProbes.length === 0 ? undefined : healthFigures(adminProbes),
    alive: exit === undefined,
    diedAtSeconds: exit === undefined ? undefined : (exit.at - moments.attackStart) / 1000,
    exit: exit === undefined ? undefined : { code: exit.code, signal: exit.signal },
  };
}

function healthFigures(probes: readonly HealthProbe[]): HealthFigures {
  const times = probes.flatMap((probe) => ('ms' in probe ? [probe.ms] : []));
  return { probes: probes.length, failures: probes.length - times.length, maxMs: maximum(times), p99Ms: quantile(times, 0.99) };
}

/** The samples as a timeline relative to the attack's start. */
export function timeline(samples: readonly EngineSample[], attackStart: number): TimelinePoint[] {
  return samples.map((sample) => ({
    t: Math.round((sample.at - attackStart) / 100) / 10,
    rssMb: sample.rssMb,
    fds: sample.fds,
    logMb: sample.logBytes / 1e6,
    healthzMs: sample.healthz !== undefined && 'ms' in sample.healthz ? sample.healthz.ms : undefined,
    healthzError: sample.healthz !== undefined && 'error' in sample.healthz ? sample.healthz.error : undefined,
  }));
}
