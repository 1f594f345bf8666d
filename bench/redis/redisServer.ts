import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { reapOnExit, stopChild } from '../abuse/childReaper.js';
import { freePort } from '../load/processes.js';

/** Longest redis-server may take to start or answer PING: a liveness bound on a busy machine. */
const START_WAIT_MS = 15_000;

/** A real `redis-server` of the caller's own (a test's, a bench's): on 127.0.0.1, nothing saved to disk, in a temporary folder. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:PORT`. */
  readonly url: string;
  /** Stops it (SIGTERM, then SIGKILL): a Redis gone away; its data is lost. */
  stop(): Promise<void>;
  /** Starts it again on the same port, empty: a Redis restarted without persistence. */
  start(): Promise<void>;
  /** Freezes it (SIGSTOP): connections stay open, nothing is answered, as a Redis that hangs. */
  pause(): void;
  /** Lets a paused Redis run on (SIGCONT). */
  resume(): void;
  /** Stops it for good and removes its folder (afterAll). */
  close(): Promise<void>;
}

/**
 * Starts `redis-server` (Debian's package; `.ci/run` installs it on a new machine) on a free port
 * and resolves once it answers PING. Call `close()` when done (a test's afterAll).
 */
export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'callwire-redis-'));
  let child = await launch(port, dir);
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    stop: () => stopChild(child),
    start: async () => {
      await stopChild(child);
      child = await launch(port, dir);
    },
    pause: () => void child.kill('SIGSTOP'),
    resume: () => void child.kill('SIGCONT'),
    close: async () => {
      child.kill('SIGCONT');
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function launch(port: number, dir: string): Promise<ChildProcess> {
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  reapOnExit(child);
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`redis-server did not start within ${START_WAIT_MS} ms:\n${output}`)), START_WAIT_MS);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (!output.includes('Ready to accept connections')) return;
      clearTimeout(timer);
      resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`redis-server could not be run (is it installed? .ci/run installs it): ${error.message}`));
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`));
    });
  });
  await ready;
  await ping(port);
  return child;
}

/** Sends PING and resolves on +PONG. */
function ping(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.setTimeout(START_WAIT_MS, () => socket.destroy(new Error('redis-server did not answer PING')));
    socket.once('data', (data) => {
      socket.end();
      if (data.toString('latin1').startsWith('+PONG')) resolve();
      else reject(new Error(`redis-server answered PING with ${JSON.stringify(data.toString('latin1'))}`));
    });
    socket.once('error', reject);
  });
}
