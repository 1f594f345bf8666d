import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild } from '../test/support/freshBuild.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** The built CLI, as `npm start` and the installed package run it (starts in a fraction of tsx's time). */
const CLI = join(ROOT, 'dist', 'engine', 'cli.js');

beforeAll(async () => {
  await ensureFreshBuild();
}, 300_000);

/** The environment without any CALLWIRE_ setting of the machine running the tests. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) if (!name.startsWith('CALLWIRE_')) env[name] = value;
  return { ...env, ...extra };
}

/** Runs the built `callwire ARGS` to its exit; a command that never exits fails the test by its timeout. */
function runCli(args: readonly string[], env = cleanEnv()): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts `callwire serve` on a free port, stops it with SIGTERM once it listens, and returns what it wrote. */
function serveUntilListening(args: readonly string[]): Promise<{ code: number | null; stdout: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, 'serve', '--host', '127.0.0.1', '--port', '0', '--workers', '1', ...args], {
      cwd: ROOT,
      env: cleanEnv(),
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let stdout = '';
    let signalled = false;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (!signalled && stdout.includes('callwire listening')) {
        signalled = true;
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout }));
  });
}

describe('callwire serve logs', () => {
  it('writes JSON lines when standard output is not a terminal, down to the last line before it exits', async () => {
    const { code, stdout } = await serveUntilListening([]);
    expect(code).toBe(0);
    const entries = stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { msg: string });
    expect(entries.map((entry) => entry.msg)).toContain('callwire listening');
    // The drain's lines are written just before process.exit: the sink must flush them.
    const messages = entries.map((entry) => entry.msg);
    expect(messages.indexOf('shutting down')).toBeGreaterThan(messages.indexOf('callwire listening'));
    expect(messages.at(-1)).toMatch(/^draining/);
  }, 60_000);

  it('writes readable lines with --log-format pretty, and loses none at exit', async () => {
    const { code, stdout } = await serveUntilListening(['--log-format', 'pretty']);
    expect(code).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(() => JSON.parse(line) as unknown).toThrow();
    expect(lines.some((line) => /INFO.*: callwire listening /.test(line))).toBe(true);
    expect(lines.some((line) => /INFO.*: shutting down /.test(line))).toBe(true);
    expect(lines.at(-1)).toMatch(/INFO.*: draining/);
  }, 60_000);
});

describe('callwire serve, when it cannot start', () => {
  let occupier: Server;
  let port: number;
  let dir: string;

  beforeAll(async () => {
    occupier = createServer();
    await new Promise<void>((resolve) => occupier.listen(0, '127.0.0.1', resolve));
    port = (occupier.address() as { port: number }).port;
    dir = mkdtempSync(join(tmpdir(), 'callwire-cli-'));
  });

  afterAll(async () => {
    await new Promise((resolve) => occupier.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('says in one line that the port is in use and how to choose another, and exits 1', async () => {
    const { code, stderr } = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port)]);
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toEqual([
      `callwire: cannot listen on 127.0.0.1:${port}: the port is already in use (another callwire?); stop that process, or choose another port with --port N (or CALLWIRE_PORT)`,
    ]);
  }, 60_000);

  it('adds the stack trace with --log-level debug', async () => {
    const { code, stderr } = await runCli(['serve', '--host', '127.0.0.1', '--port', String(port), '--log-level', 'debug']);
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines[0]).toContain('the port is already in use');
    expect(lines.some((line) => /^\s+at /.test(line))).toBe(true);
  }, 60_000);

  it('lists every configuration problem, without a stack trace, and exits 1', async () => {
    const config = join(dir, 'callwire.config.json');
    writeFileSync(config, '{\n  "prot": 9000,\n  "organizations": { "acme": { "agents": { "desk": { "bot": "ecoh" } } } }\n}\n');
    const { code, stderr } = await runCli(['serve', '--config', config]);
    expect(code).toBe(1);
    const lines = stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toBe('callwire: the configuration has 2 problems:');
    expect(lines[1]).toMatch(/callwire\.config\.json:2:3: prot: unknown key; did you mean "port"\?$/);
    expect(lines[2]).toMatch(/callwire\.config\.json:3:61: organizations\.acme\.agents\.desk\.bot: "ecoh" is neither .*; did you mean "echo"\?$/);
  }, 60_000);
});
