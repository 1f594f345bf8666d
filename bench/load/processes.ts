/**
 * The bench's child processes: the engine under test, the baseline echo server and the load
 * generator, each pinned to a core with `taskset` when the machine has two or more, so the server
 * has a core of its own and the generator cannot steal from it.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildFreshness } from '../../engine/buildFreshness.js';
import { fetchStats, type ServerStats } from './serverStats.js';

/** Cores of the server under test and of the generator, or null when the machine cannot pin. */
export interface CorePlan {
  readonly server: number | null;
  readonly generator: number | null;
  /** Why pinning is off, when it is. */
  readonly note?: string;
}

/** Server on core 0, generator on core 1, when there are two cores and `taskset` works. */
export function planCores(): CorePlan {
  if (availableParallelism() < 2) return { server: null, generator: null, note: 'one core: nothing pinned, generator and server share it' };
  const probe = spawnSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
  if (probe.error !== undefined || probe.status !== 0) return { server: null, generator: null, note: 'taskset unavailable: nothing pinned' };
  return { server: 0, generator: 1 };
}

/**
 * Pins this process, every thread of it, to `core`, so the bench's own work (callers, fakes, the
 * simulated Telnyx) keeps off the engine's core; returns a function that puts the old affinity
 * back. Does nothing when `core` is null or `taskset` fails.
 */
export function pinThisProcess(core: number | null): () => void {
  if (core === null) return () => undefined;
  const current = spawnSync('taskset', ['-p', '-c', String(process.pid)], { encoding: 'utf8' });
  const previous = /:\s*([0-9,-]+)\s*$/.exec(current.stdout ?? '')?.[1];
  const pinned = spawnSync('taskset', ['-a', '-p', '-c', String(core), String(process.pid)], { stdio: 'ignore' });
  if (previous === undefined || pinned.error !== undefined || pinned.status !== 0) return () => undefined;
  return () => void spawnSync('taskset', ['-a', '-p', '-c', previous, String(process.pid)], { stdio: 'ignore' });
}

/** True when this code runs from TypeScript source (through tsx), false from the compiled `dist`. */
const fromSource = import.meta.url.endsWith('.ts');

/** Node arguments that run the sibling module `relative` (written without extension) the same way this one runs. */
function nodeArgsFor(relative: string): string[] {
  const path = fileURLToPath(new URL(`${relative}${fromSource ? '.ts' : '.js'}`, import.meta.url));
  return fromSource ? ['--import', 'tsx', path] : [path];
}

/** The checkout this module belongs to (when it runs from source). */
const CHECKOUT = fileURLToPath(new URL('../..', import.meta.url));
let builtEngine: boolean | undefined;

/**
 * Whether the engine runs from the build. From source it does too when the build matches the
 * sources: tsx keeps every function's name, which costs memory per call (about 11 KB) that
 * `callwire serve` from the build does not pay; a stale build is not what is being measured.
 */
function engineFromBuild(): boolean {
  builtEngine ??= !fromSource || buildFreshness(CHECKOUT).fresh;
  return builtEngine;
}

/** How the bench starts the engine, for the report. */
export function engineDescription(): string {
  if (!fromSource) return 'callwire serve from the build (node dist/engine/cli.js)';
  return engineFromBuild()
    ? 'callwire serve from the build, which matches the sources (node dist/engine/cli.js)'
    : 'callwire serve from source, the build being older (node --import tsx engine/cli.ts)';
}

/** A child process with the tail of its output kept for error messages. */
export class ChildHandle {
  readonly name: string;
  readonly child: ChildProcess;
  readonly exited: Promise<number | null>;
  #exitCode: number | null | undefined;
  readonly #tail: string[] = [];

  constructor(name: string, child: ChildProcess) {
    this.name = name;
    this.child = child;
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exitCode = code ?? (signal === null ? null : -1);
        resolve(this.#exitCode);
      });
    });
    const keep = (chunk: Buffer): void => {
      for (const line of chunk.toString('utf8').split('\n')) if (line.trim() !== '') this.#tail.push(line);
      if (this.#tail.length > 40) this.#tail.splice(0, this.#tail.length - 40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
  }

  /** True once the process has exited. */
  get hasExited(): boolean {
    return this.#exitCode !== undefined;
  }

  /** The last lines it printed. */
  tail(): string {
    return this.#tail.join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when it is gone. */
  async stop(graceMs = 5_000): Promise<void> {
    if (this.hasExited) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}

/** Children still running; killed if this process exits first, so no engine outlives the bench. */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;

function track(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const running of liveChildren) running.kill('SIGKILL');
  });
}

function spawnPinned(name: string, core: number | null, nodeArgs: readonly string[], ipc: boolean, env: NodeJS.ProcessEnv = process.env): ChildHandle {
  const stdio: ('ignore' | 'pipe' | 'ipc')[] = ipc ? ['ignore', 'pipe', 'pipe', 'ipc'] : ['ignore', 'pipe', 'pipe'];
  const child =
    core === null
      ? spawn(process.execPath, nodeArgs, { stdio, env })
      : // taskset execs node in place, so the IPC channel's descriptor and the pid carry over.
        spawn('taskset', ['-c', String(core), process.execPath, ...nodeArgs], { stdio, env });
  track(child);
  return new ChildHandle(name, child);
}

/**
 * Starts `callwire serve --workers W` on 127.0.0.1:`port` (one process by default: the per-core
 * figures), from the build when it matches the sources, else `engine/cli.ts` through tsx;
 * `nodeOptions` go to node before the script (`--cpu-prof`).
 */
export function spawnEngine(port: number, core: number | null, configPath?: string, env?: NodeJS.ProcessEnv, workers = 1, nodeOptions: readonly string[] = []): ChildHandle {
  const engine = fromSource && engineFromBuild() ? [join(CHECKOUT, 'dist', 'engine', 'cli.js')] : nodeArgsFor('../../engine/cli');
  const args = [...nodeOptions, ...engine, 'serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'warn', '--workers', String(workers)];
  if (configPath !== undefined) args.push('--config', configPath);
  return spawnPinned('callwire', core, args, false, env);
}

/**
 * Engine limits for a load test from one address: the defaults protect a public engine (20 new
 * connections per second per IP, 1000 calls, new calls refused while the event loop lags 20 ms)
 * and would refuse the bench's own calls; these lift them so the bench measures capacity instead.
 */
export function benchEngineLimits(maxCalls: number): { readonly maxCalls: number; readonly connectionsPerSecondPerIp: number; readonly maxEventLoopDelayMs: number } {
  return { maxCalls: Math.max(1000, maxCalls + 100), connectionsPerSecondPerIp: 1_000_000, maxEventLoopDelayMs: 60_000 };
}

/** Writes a config file (embedded agents, {@link benchEngineLimits}) to a temporary folder and returns its path. */
export async function writeBenchEngineConfig(maxCalls: number): Promise<string> {
  const folder = await mkdtemp(join(tmpdir(), 'callwire-bench-'));
  const path = join(folder, 'callwire.config.json');
  await writeFile(path, `${JSON.stringify({ limits: benchEngineLimits(maxCalls) }, null, 2)}\n`);
  return path;
}

/** Starts the bare WebSocket echo baseline on 127.0.0.1:`port`. */
export function spawnBaseline(port: number, core: number | null): ChildHandle {
  return spawnPinned('baseline', core, [...nodeArgsFor('./baselineServer'), '--port', String(port), '--host', '127.0.0.1'], false);
}

/** Starts the load generator with an IPC channel. */
export function spawnGenerator(core: number | null): ChildHandle {
  return spawnPinned('generator', core, nodeArgsFor('./generatorMain'), true);
}

/** A TCP port that was free on 127.0.0.1 a moment ago. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `statsUrl` until it answers; fails if `handle` exits first or after `timeoutMs`. */
export async function waitForStats(statsUrl: string, handle: ChildHandle | null, timeoutMs = 30_000): Promise<ServerStats> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    if (handle?.hasExited === true) throw new Error(`${handle.name} exited before it was ready:\n${handle.tail()}`);
    try {
      return await fetchStats(statsUrl);
    } catch (error) {
      if (performance.now() > deadline) throw new Error(`${statsUrl} did not answer within ${timeoutMs} ms: ${error instanceof Error ? error.message : String(error)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
