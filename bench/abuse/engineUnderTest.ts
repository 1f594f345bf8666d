/**
 * The engine under attack: `callwire serve` from a checkout (`--engine-root`), on 127.0.0.1 with
 * the default configuration plus the bench's config file, pinned to its core, its stdout and
 * stderr going straight into a log file (a descriptor, not a pipe), as production would log.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { buildFreshness } from '../../engine/buildFreshness.js';
import { TARGET_HOST } from './attackOptions.js';
import { reapOnExit, stopChild } from './childReaper.js';
import { probeHealth } from './healthProbe.js';

/** How the engine process ended. */
export interface EngineExit {
  readonly code: number | null;
  readonly signal: string | null;
  /** `performance.now()` at exit. */
  readonly at: number;
}

/** Which of a checkout's engines to attack: its build when that is current (what `npm start` runs), or its source through tsx. */
export type EngineBuildChoice = 'build-if-fresh' | 'source';

/**
 * Node arguments that run `callwire` from `root`. `source` (the default): `engine/cli.ts` through
 * tsx when the checkout has its source, else the build's `dist/engine/cli.js`. `build-if-fresh`:
 * the build when it holds the current sources (tsx's source maps make every stack trace Node
 * formats cost a source-map lookup, and Node formats one for each aborted request, so a flood of
 * them costs the engine run from source more than the one users run), else the source.
 * `nodeOptions` go before the script.
 *
 * @throws Error when `root` has neither.
 */
export function engineCliArgs(root: string, choice: EngineBuildChoice = 'source', nodeOptions: readonly string[] = []): string[] {
  const source = join(root, 'engine', 'cli.ts');
  const built = join(root, 'dist', 'engine', 'cli.js');
  const hasSource = existsSync(source);
  const useBuild = existsSync(built) && (!hasSource || (choice === 'build-if-fresh' && buildFreshness(root).fresh));
  if (useBuild) return [...nodeOptions, built];
  if (hasSource) return [...nodeOptions, '--import', 'tsx', source];
  throw new Error(`${root} has neither engine/cli.ts nor dist/engine/cli.js`);
}

/**
 * Environment without the caller's CALLWIRE_* and TELNYX_* settings, which would override the
 * bench's config file, one worker, and an admin listener on `adminPort`.
 */
function engineEnvironment(adminPort: number): NodeJS.ProcessEnv {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CALLWIRE_') && !name.startsWith('TELNYX_')));
  // One engine process, as the attacks' figures assume (serve defaults to a worker per core); an
  // older checkout that has no workers, or no admin listener, ignores the variable.
  return { ...inherited, CALLWIRE_WORKERS: '1', CALLWIRE_ADMIN_PORT: String(adminPort) };
}

/** A running engine; see the module comment. */
export class EngineUnderTest {
  readonly pid: number;
  readonly port: number;
  readonly startedAt = performance.now();
  readonly #adminPort: number;
  #adminAnswered = false;
  /** Resolves when the process has exited. */
  readonly exited: Promise<EngineExit>;
  #exit: EngineExit | undefined;
  readonly #child: ChildProcess;

  private constructor(child: ChildProcess, port: number, adminPort: number) {
    this.#child = child;
    this.port = port;
    this.#adminPort = adminPort;
    if (child.pid === undefined) throw new Error('the engine process did not start');
    this.pid = child.pid;
    this.exited = new Promise((resolve) =>
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal, at: performance.now() };
        resolve(this.#exit);
      }),
    );
  }

  /**
   * Starts the engine of checkout `root` on `port` (its admin listener, if it has one, on
   * `adminPort`), pinned to `core` (null: not pinned), logging into `logPath`; `engineArgs` are
   * {@link engineCliArgs}' for `root` (default: its source).
   */
  static start(root: string, port: number, adminPort: number, configPath: string, logPath: string, core: number | null, engineArgs: readonly string[] = engineCliArgs(root)): EngineUnderTest {
    const args = [...engineArgs, 'serve', '--host', TARGET_HOST, '--port', String(port), '--config', configPath];
    const logFd = openSync(logPath, 'a');
    try {
      // taskset execs node in place, so the pid is the engine's own (its /proc entries are read).
      const child =
        core === null
          ? spawn(process.execPath, args, { cwd: root, env: engineEnvironment(adminPort), stdio: ['ignore', logFd, logFd] })
          : spawn('taskset', ['-c', String(core), process.execPath, ...args], { cwd: root, env: engineEnvironment(adminPort), stdio: ['ignore', logFd, logFd] });
      reapOnExit(child);
      return new EngineUnderTest(child, port, adminPort);
    } finally {
      closeSync(logFd); // the child has its own copy
    }
  }

  /** How it exited, or undefined while it runs. */
  get exit(): EngineExit | undefined {
    return this.#exit;
  }

  /** The admin listener's port, once {@link ready} found it answering; undefined for an engine without one. */
  get adminPort(): number | undefined {
    return this.#adminAnswered ? this.#adminPort : undefined;
  }

  /** Waits until `/healthz` answers 200, then looks for the admin listener; throws if the process exits first or after `timeoutMs`. */
  async ready(timeoutMs = 60_000): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.#exit !== undefined) throw new Error(`the engine exited before it was ready (code ${this.#exit.code}, signal ${this.#exit.signal})`);
      const probe = await probeHealth(this.port, 1_000);
      if ('ms' in probe) {
        this.#adminAnswered = 'ms' in (await probeHealth(this.#adminPort, 1_000));
        return;
      }
      if (performance.now() > deadline) throw new Error(`the engine did not answer /healthz within ${timeoutMs} ms (${probe.error})`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** SIGTERM, then SIGKILL: an engine that drains for 30 s by default is given 5. */
  stop(): Promise<void> {
    return stopChild(this.#child, 5_000);
  }
}
