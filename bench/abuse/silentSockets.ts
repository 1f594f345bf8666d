import { spawn, type ChildProcess } from 'node:child_process';
import { AttackDeadline } from './attackDeadline.js';
import { checkBaseOptions, checkRange, type AttackBaseOptions } from './attackOptions.js';
import { AttackTally, type AttackReport } from './attackTally.js';
import { OWN_ROOT, nodeArgsForSibling } from './childModule.js';
import { reapOnExit } from './childReaper.js';
import type { SilentWorkerCommand, SilentWorkerMessage } from './silentSocketsProtocol.js';

/** Most silent connections one attack may hold. */
export const MAX_SILENT_SOCKETS = 200_000;
/**
 * Connections per worker process by default: well under a process's usual descriptor limit
 * (20,000 on the bench machine), so holding 21,000 takes three workers.
 */
export const DEFAULT_SOCKETS_PER_WORKER = 9_000;
/** Longest the attack waits for its first worker process to come up before its clock starts anyway. */
const START_ALLOWANCE_MS = 60_000;
/** A worker that has not reported its end this long after `stop` is killed. */
const WORKER_STOP_TIMEOUT_MS = 15_000;

/** Options of {@link silentSockets}. */
export interface SilentSocketsOptions extends AttackBaseOptions {
  /** `count`: connections to hold (the bench uses 21,000, more than the engine's descriptor limit). */
  readonly count: number;
  /** Most connections one worker process holds; default {@link DEFAULT_SOCKETS_PER_WORKER}. */
  readonly perWorker?: number | undefined;
}

/** How many connections were held, sampled every second. */
export interface HeldSample {
  readonly atSeconds: number;
  readonly held: number;
}

/** The attack's own figures. */
export interface SilentSocketsExtra {
  /** Worker processes that held the connections. */
  readonly workers: number;
  /** Connections open, summed over the workers, once a second and once more as the attack stopped. */
  readonly heldOverTime: readonly HeldSample[];
}

/** Splits `count` into `parts` shares that differ by at most one. */
export function splitEvenly(count: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, index) => Math.floor(count / parts) + (index < count % parts ? 1 : 0));
}

/**
 * `silent-sockets`: opens `count` plain TCP connections to the engine from worker processes (one
 * process's descriptor limit would stop short of an engine's), sends nothing on them, holds them,
 * and opens a new one whenever the engine closes one, for `durationMs` from the moment its first
 * worker process is up. Reports how many were held, once a second.
 *
 * @example
 * ```ts
 * const report = await silentSockets({ port, count: 21_000, durationMs: 120_000, sourceAddresses: loopbackAddresses(64) });
 * Math.max(...report.extra.heldOverTime.map((sample) => sample.held));
 * ```
 */
export async function silentSockets(options: SilentSocketsOptions, signal?: AbortSignal): Promise<AttackReport<SilentSocketsExtra>> {
  checkBaseOptions(options, MAX_SILENT_SOCKETS);
  const perWorker = options.perWorker ?? DEFAULT_SOCKETS_PER_WORKER;
  checkRange('perWorker', perWorker, 1, 15_000);
  const tally = options.tally ?? new AttackTally();
  tally.begin();
  // The duration counts from the moment a worker process is up and connecting: a busy machine can
  // take seconds to start them, and an attack meant to outlast the engine's idle deadline must hold
  // its connections that long. Workers that never report end it `START_ALLOWANCE_MS` later.
  const deadline = new AttackDeadline(options.durationMs + START_ALLOWANCE_MS, signal);
  let clockRestarted = false;
  const shares = splitEvenly(options.count, Math.ceil(options.count / perWorker));
  const addresses = options.sourceAddresses ?? [];
  const latest: AttackReport[] = shares.map(() => new AttackTally().report('silent-sockets', {}));
  const heldOverTime: HeldSample[] = [];
  const sample = (): void => {
    heldOverTime.push({ atSeconds: Math.round(tally.elapsedMs / 1000), held: tally.open });
  };
  const sampler = setInterval(sample, 1000);
  // One last sample as the attack stops, before the workers let go of their connections; none
  // after it, while they close them (on a busy machine that takes over a second).
  void deadline.reached.then(() => {
    clearInterval(sampler);
    sample();
  });

  const runWorker = (share: number, index: number): Promise<void> => {
    const child: ChildProcess = spawn(process.execPath, nodeArgsForSibling('silentSocketsWorker'), { cwd: OWN_ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    reapOnExit(child);
    child.on('message', (message: SilentWorkerMessage) => {
      latest[index] = message.report;
      tally.absorb(latest);
      if (!clockRestarted) {
        clockRestarted = true;
        deadline.restartClock(options.durationMs);
      }
    });
    // Each worker starts its rotation at a different address, so the first connections spread too.
    const offset = addresses.length === 0 ? 0 : Math.floor((index * addresses.length) / shares.length);
    const rotated = [...addresses.slice(offset), ...addresses.slice(0, offset)];
    const start: SilentWorkerCommand = { type: 'start', port: options.port, count: share, sourceAddresses: rotated, durationMs: options.durationMs };
    child.send(start);
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    void deadline.reached.then(() => {
      if (child.connected) child.send({ type: 'stop' } satisfies SilentWorkerCommand);
      const killer = setTimeout(() => child.kill('SIGKILL'), WORKER_STOP_TIMEOUT_MS);
      void exited.then(() => clearTimeout(killer));
    });
    return exited;
  };
  await Promise.all(shares.map(runWorker));
  clearInterval(sampler);
  deadline.stop();
  tally.absorb(latest.map((part) => ({ ...part, open: 0 })));
  return tally.report('silent-sockets', { workers: shares.length, heldOverTime });
}
