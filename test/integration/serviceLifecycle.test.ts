/**
 * The production entry point as a service manager runs it: `node dist/engine/cli.js serve` as its
 * own process (no npm, no compiler in between), stopped with SIGTERM while a call is live. The
 * call must run to its own end during the drain, new calls must be refused meanwhile, and the
 * process must exit 0 once the call is gone. One process (`--workers 1`): the cluster's own drain is
 * tested in workers.test.ts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { ensureFreshBuild } from '../support/freshBuild.js';
import { mulawTone } from '../support/signals.js';
import { upgradeStatus } from '../support/upgradeStatus.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist', 'engine', 'cli.js');
/** Generous: only a hung engine reaches it, and the test fails saying what it waited for. */
const WAIT_MS = 60_000;

/** `callwire serve` as a child process, its stdout read as JSON log lines. */
class EngineProcess {
  readonly lines: Record<string, unknown>[] = [];
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  readonly #child: ChildProcess;
  readonly #stderr: string[] = [];
  readonly #waiters: (() => void)[] = [];

  constructor(port: number, configPath: string, cwd: string) {
    // No CALLWIRE_* or TELNYX_* from the test's environment: the config file alone decides.
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('CALLWIRE_') && !name.startsWith('TELNYX_')));
    this.#child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', String(port), '--config', configPath, '--workers', '1'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.exited = new Promise((resolve) => this.#child.once('exit', (code, signal) => resolve({ code, signal })));
    let partial = '';
    this.#child.stdout!.on('data', (chunk: Buffer) => {
      const text = partial + chunk.toString('utf8');
      const complete = text.split('\n');
      partial = complete.pop()!;
      for (const line of complete) if (line.trim() !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
      for (const wake of this.#waiters.splice(0)) wake();
    });
    this.#child.stderr!.on('data', (chunk: Buffer) => this.#stderr.push(chunk.toString('utf8')));
  }

  /** Resolves with the first log line whose `msg` is `message` (already logged or still to come). */
  async logged(message: string): Promise<Record<string, unknown>> {
    const deadline = performance.now() + WAIT_MS;
    for (;;) {
      const line = this.lines.find((candidate) => candidate['msg'] === message);
      if (line !== undefined) return line;
      if (performance.now() > deadline || this.#child.exitCode !== null) throw new Error(`the engine never logged "${message}"; stderr: ${this.#stderr.join('')}`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200).unref();
      });
    }
  }

  /** Sends `signal` to the engine itself (pid of node, not of a wrapper). */
  signal(signal: NodeJS.Signals): void {
    this.#child.kill(signal);
  }

  /** What the engine wrote to stderr. */
  stderr(): string {
    return this.#stderr.join('');
  }
}

let dir: string;
let port: number;
let engine: EngineProcess;

beforeAll(async () => {
  // The test runs the build, so it must hold the sources under test: rebuild when they changed.
  await ensureFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'callwire-service-'));
  const configPath = join(dir, 'callwire.config.json');
  // Default limits but the overload guard, which a busy test machine would trip; a drain long
  // enough that only the call itself can end it.
  const config = { limits: { maxEventLoopDelayMs: 60_000, drainTimeoutMs: 600_000 }, organizations: { default: { agents: { echo: { bot: 'echo' } } } } };
  await writeFile(configPath, `${JSON.stringify(config)}\n`);
  port = await freePort();
  engine = new EngineProcess(port, configPath, dir);
}, 240_000);

afterAll(async () => {
  if (engine !== undefined) {
    engine.signal('SIGKILL');
    await engine.exited;
  }
  if (dir !== undefined) await rm(dir, { recursive: true, force: true });
});

describe('node dist/engine/cli.js serve as a service', () => {
  it('answers /healthz once listening, drains a live call on SIGTERM, refuses new ones meanwhile, and exits 0', async () => {
    await engine.logged('callwire listening');
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', calls: 0 });
    expect(engine.stderr()).toBe(''); // a fresh build: no stale-build line

    const url = `ws://127.0.0.1:${port}/ws/telnyx?serviceHost=echo.default`;
    const call = await TelnyxMediaClient.connect(url);
    call.begin();
    await call.streamMedia(mulawTone(25));
    await call.waitFor(() => call.receivedMs > 0, WAIT_MS, 'the echo to come back');

    engine.signal('SIGTERM');
    expect(await engine.logged('draining: new calls refused, active calls run on')).toMatchObject({ calls: 1 });
    const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'unready', cause: 'draining', calls: 1 });
    expect(await upgradeStatus(url)).toBe(503);

    // The live call goes on through the drain: its audio still comes back, then it ends on its own.
    const heardBefore = call.receivedMs;
    await call.streamMedia(mulawTone(25));
    await call.waitFor(() => call.receivedMs > heardBefore, WAIT_MS, 'the echo to go on during the drain');
    call.sendStop();
    expect(await call.closed).toEqual({ code: 1000, reason: 'stream_stopped' });

    expect(await engine.exited).toEqual({ code: 0, signal: null });
    expect(engine.lines.find((line) => line['msg'] === 'call ended')).toMatchObject({ reason: 'stream_stopped' });
    expect(engine.lines.some((line) => line['msg'] === 'drain deadline reached; ending the remaining calls')).toBe(false);
  }, 120_000);
});
