import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapOnExit, stopChild } from '../../bench/abuse/childReaper.js';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { valueWithin } from '../support/eventWait.js';
import { ensureFreshBuild } from '../support/freshBuild.js';
import { mulawTone } from '../support/signals.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Bounds every wait: a liveness limit on a busy machine, not a speed claim. */
const PATIENCE_MS = 30_000;

interface WorkerHealth {
  readonly id: number;
  readonly pid: number;
  readonly ready: boolean;
  readonly calls: number;
}

interface Health {
  readonly calls: number;
  readonly workers: readonly WorkerHealth[];
}

type LogLine = Record<string, unknown> & { readonly msg?: string };

const until = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> => valueWithin(PATIENCE_MS, what, check);

/** A caller that talks (a gliding tone, one frame per 20 ms) until told to stop. */
class TalkingCaller {
  readonly #timer: NodeJS.Timeout;

  private constructor(readonly client: TelnyxMediaClient) {
    const tone = mulawTone(50);
    let frame = 0;
    this.#timer = setInterval(() => {
      if (client.open) client.sendMedia(tone[frame++ % tone.length]!);
    }, 20);
  }

  static async call(port: number): Promise<TalkingCaller> {
    const client = await TelnyxMediaClient.connect(`ws://127.0.0.1:${port}/ws/telnyx?serviceHost=echo.default`);
    client.begin();
    return new TalkingCaller(client);
  }

  /** Frames of the echo heard so far (µ-law silence is 0xff; the tone never is). */
  get heard(): number {
    return this.client.media.filter((media) => media.payload.some((byte) => byte !== 0xff && byte !== 0x7f)).length;
  }

  async hangUp(): Promise<void> {
    clearInterval(this.#timer);
    if (this.client.open) this.client.sendStop();
    await this.client.closed;
  }

  silence(): void {
    clearInterval(this.#timer);
  }
}

/**
 * `callwire serve --workers 2` as an operator runs it: two worker processes behind one port, the
 * primary answering health and metrics. Calls are Telnyx media streams to the echo agent.
 */
describe('callwire serve --workers 2', () => {
  let engine: ChildProcess;
  let port: number;
  let dir: string;
  const logs: LogLine[] = [];
  const callers: TalkingCaller[] = [];
  let first: TalkingCaller;
  let second: TalkingCaller;
  let firstWorker: WorkerHealth;
  let secondWorker: WorkerHealth;
  let exited: Promise<number | null>;

  const health = async (): Promise<Health> => (await (await fetch(`http://127.0.0.1:${port}/healthz`)).json()) as Health;
  const place = async (): Promise<TalkingCaller> => {
    const caller = await TalkingCaller.call(port);
    callers.push(caller);
    return caller;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'callwire-workers-'));
    const config = join(dir, 'callwire.config.json');
    // A busy test machine must not make the engine refuse the test's calls; admission has its own tests.
    writeFileSync(config, JSON.stringify({ limits: { maxEventLoopDelayMs: 60_000, connectionsPerSecondPerIp: 1_000_000 } }));
    port = await freePort();
    // The built engine, as a service runs it: through tsx, each of three processes would compile the
    // whole engine at start, which on a busy machine takes longer than any wait here.
    await ensureFreshBuild();
    engine = spawn(process.execPath, [join(ROOT, 'dist', 'engine', 'cli.js'), 'serve', '--workers', '2', '--host', '127.0.0.1', '--port', String(port), '--config', config, '--log-level', 'info'], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    reapOnExit(engine);
    exited = new Promise((resolve) => engine.once('exit', (code) => resolve(code)));
    let partial = '';
    engine.stdout!.on('data', (chunk: Buffer) => {
      const lines = (partial + chunk.toString('utf8')).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) if (line.startsWith('{')) logs.push(JSON.parse(line) as LogLine);
    });
    await until('two ready workers', async () => {
      const state = await health().catch(() => undefined);
      return state !== undefined && state.workers.length === 2 && state.workers.every((worker) => worker.ready);
    });
  }, 300_000);

  afterAll(async () => {
    for (const caller of callers) caller.silence();
    await stopChild(engine);
    rmSync(dir, { recursive: true, force: true });
  });

  it('puts one call on each worker, echoes both, and /metrics sums the workers', async () => {
    first = await place();
    firstWorker = await until('the first call on a worker', async () => (await health()).workers.find((worker) => worker.calls === 1));
    second = await place();
    secondWorker = await until('the second call on the other worker', async () => (await health()).workers.find((worker) => worker.calls === 1 && worker.id !== firstWorker.id));
    expect(secondWorker.pid).not.toBe(firstWorker.pid);
    await until('echo on both calls', () => first.heard >= 25 && second.heard >= 25);

    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    const active = metrics
      .split('\n')
      .filter((line) => line.startsWith('callwire_calls_active{'))
      .reduce((total, line) => total + Number(line.split(' ').pop()), 0);
    expect(active).toBe(2);
    expect(metrics).toMatch(/^callwire_workers_ready 2$/m);
    const framesIn = Number(/^callwire_frames_in_total (\d+)/m.exec(metrics)?.[1]);
    expect(framesIn).toBeGreaterThan(0);
  }, 60_000);

  it('answers /healthz and /readyz from the primary while a worker is frozen', async () => {
    process.kill(firstWorker.pid, 'SIGSTOP');
    try {
      // The frozen worker cannot answer anything: these answers can only come from the primary.
      const state = await health();
      expect(state.calls).toBe(2);
      const ready = await fetch(`http://127.0.0.1:${port}/readyz`);
      expect(ready.status).toBe(200);
    } finally {
      process.kill(firstWorker.pid, 'SIGCONT');
    }
    const heard = first.heard;
    await until('echo again on the thawed worker’s call', () => first.heard >= heard + 25);
  }, 60_000);

  it('loses only the killed worker’s call, logs it worker_crashed, and a replacement takes a new call', async () => {
    const heardBefore = first.heard;
    process.kill(secondWorker.pid, 'SIGKILL');
    await second.client.closed;
    const crashed = await until('the crashed call’s log line', () => {
      const lines = logs.filter((line) => line.reason === 'worker_crashed');
      return lines.length > 0 ? lines : undefined;
    });
    expect(crashed).toHaveLength(1);
    expect(crashed[0]).toMatchObject({ msg: 'call ended', agent: 'echo.default', pid: secondWorker.pid });
    expect(logs.some((line) => line.msg === 'worker died' && line.pid === secondWorker.pid && line.signal === 'SIGKILL' && line.calls === 1)).toBe(true);

    // The other worker's caller keeps hearing itself: a second of echo after the kill.
    await until('echo on the surviving call', () => first.heard >= heardBefore + 50);
    expect(first.client.open).toBe(true);

    const replacement = await until('a replacement worker', async () =>
      (await health()).workers.find((worker) => worker.ready && worker.pid !== firstWorker.pid && worker.pid !== secondWorker.pid),
    );
    const third = await place();
    await until('the new call on the replacement', async () => (await health()).workers.find((worker) => worker.id === replacement.id && worker.calls === 1));
    await until('echo on the new call', () => third.heard >= 25);
    const metrics = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
    expect(metrics).toMatch(/^callwire_worker_crashed_calls_total\{agent="echo.default"\} 1$/m);
  }, 60_000);

  it('drains both workers on SIGTERM: ready no more, calls run to their end, then the primary exits 0', async () => {
    const [, , third] = callers;
    engine.kill('SIGTERM');
    const readiness = await until('/readyz to report draining', async () => {
      const response = await fetch(`http://127.0.0.1:${port}/readyz`);
      const body = (await response.json()) as { cause?: string };
      return body.cause === 'draining' ? { status: response.status, body } : undefined;
    });
    expect(readiness.status).toBe(503);
    // Both calls outlive the signal: they still hear their echo while the drain waits for them.
    const heard = [first.heard, third!.heard];
    await until('echo during the drain', () => first.heard > heard[0]! + 25 && third!.heard > heard[1]! + 25);
    await Promise.all([first.hangUp(), third!.hangUp()]);
    expect(await exited).toBe(0);
    const ended = logs.filter((line) => line.msg === 'call ended' && line.reason === 'stream_stopped');
    expect(ended.length).toBe(2);
    expect(logs.filter((line) => line.msg === 'worker died')).toHaveLength(1);
  }, 60_000);
});
