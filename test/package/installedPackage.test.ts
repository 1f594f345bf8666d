/**
 * callwire as a user gets it: the `npm pack` tarball installed into an empty project, a starter
 * written by `callwire init`, the user's TypeScript bot (importing `callwire`) served by the
 * installed bin with no build step, typechecked against the package's own types, and called.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import alawmulaw from 'alawmulaw';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { rms, zeroCrossingHz } from '../support/audioAnalysis.js';
import { ensureFreshBuild, PROJECT_ROOT } from '../support/freshBuild.js';
import { mulawTone } from '../support/signals.js';

const run = promisify(execFile);
const decodeMulaw = (bytes: Uint8Array): Int16Array => alawmulaw.mulaw.decode(bytes);
let work: string;
let project: string;

beforeAll(async () => {
  await ensureFreshBuild();
  work = await mkdtemp(join(tmpdir(), 'callwire-package-'));
  const packed = await run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', work], { cwd: PROJECT_ROOT });
  const tarball = join(work, (JSON.parse(packed.stdout) as { filename: string }[])[0]!.filename);
  project = join(work, 'my-bots');
  await mkdir(project);
  // Scripts off: @discordjs/opus would compile from source for minutes; its binary is built for
  // this very Node already, by the project's own install, and copied in below.
  await run('npm', ['install', '--ignore-scripts', '--prefer-offline', '--no-audit', '--no-fund', tarball], { cwd: project });
  await cp(join(PROJECT_ROOT, 'node_modules', '@discordjs', 'opus', 'prebuild'), join(project, 'node_modules', '@discordjs', 'opus', 'prebuild'), { recursive: true });
}, 300_000);

afterAll(async () => {
  if (work !== undefined) await rm(work, { recursive: true, force: true });
});

/** The installed bin, as `npx callwire` runs it. */
function callwire(args: string[]): Promise<{ stdout: string; stderr: string }> {
  return run(process.execPath, [join(project, 'node_modules', '.bin', 'callwire'), ...args], { cwd: project });
}

describe('callwire installed from its package', () => {
  it('writes a starter project that typechecks against the package and keeps what exists', async () => {
    const first = await callwire(['init']);
    expect(first.stdout).toMatch(/wrote {4}callwire\.config\.ts/);
    expect(first.stdout).toMatch(/wrote {4}bots\/hello\.ts/);
    // npm install made a package.json: it is the user's, never replaced.
    expect(first.stdout).not.toContain('package.json');
    expect(JSON.parse(await readFile(join(project, 'package.json'), 'utf8'))).toMatchObject({ dependencies: { callwire: expect.any(String) } });
    const again = await callwire(['init']);
    expect(again.stdout).toMatch(/kept {5}bots\/hello\.ts \(exists; --force replaces it\)/);
    const typescript = join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    await expect(run(process.execPath, [typescript, '-p', project], { cwd: project })).resolves.toMatchObject({ stdout: '' });
  }, 120_000);

  it('serves the user bot with no build step: it greets, echoes and hangs up on #', async () => {
    // The overload guard refuses calls while the event loop lags; on a busy test machine a fresh
    // engine's loop lags, so the test lifts it, as other engine tests do.
    const configPath = join(project, 'callwire.config.ts');
    await writeFile(configPath, (await readFile(configPath, 'utf8')).replace("host: '127.0.0.1',", "host: '127.0.0.1',\n  limits: { maxEventLoopDelayMs: 60_000 },"));
    const port = await freePort();
    const engine = spawn(process.execPath, [join(project, 'node_modules', '.bin', 'callwire'), 'serve', '--port', String(port), '--log-format', 'json'], {
      cwd: project,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      await listening(engine);
      const agents = await callwire(['agents', 'list']);
      // A configuration with its own organizations serves only those.
      expect(agents.stdout).toMatch(/mine\s+hello\s+\.\/bots\/hello\.ts/);
      expect(agents.stdout).not.toContain('default');

      const client = await TelnyxMediaClient.connect(`ws://127.0.0.1:${port}/ws/telnyx?serviceHost=hello.mine`);
      client.begin();
      await client.waitFor(() => client.receivedMs >= 400, 30_000, 'the chime');
      const chime = decodeMulaw(client.receivedAudio().subarray(0, 1600));
      expect(rms(chime)).toBeGreaterThan(2000);
      expect(zeroCrossingHz(chime.subarray(0, 1400), 8000)).toBeCloseTo(660, -1);
      await client.streamMedia(mulawTone(40, 440, 440));
      await client.waitFor(() => decodedSince(client, 3200).some((level) => level > 2000), 30_000, 'the echo of the caller');
      client.sendDtmf('#');
      expect((await client.closed).reason).toBe('bot_hangup');
    } finally {
      engine.kill('SIGTERM');
      await new Promise((resolve) => engine.once('exit', resolve));
    }
  }, 120_000);
});

/** Resolves when the engine logs that it is listening; rejects with its stderr if it exits first. */
function listening(engine: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let stderr = '';
    let stdout = '';
    engine.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    engine.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (stdout.includes('"callwire listening"')) resolve();
    });
    engine.once('exit', (code) => reject(new Error(`callwire serve exited (${code}) before listening: ${stderr}`)));
  });
}

/** RMS of each 20 ms of received audio after the first `skipBytes` bytes. */
function decodedSince(client: TelnyxMediaClient, skipBytes: number): number[] {
  const audio = decodeMulaw(client.receivedAudio().subarray(skipBytes));
  const levels: number[] = [];
  for (let offset = 0; offset + 160 <= audio.length; offset += 160) levels.push(rms(audio.subarray(offset, offset + 160)));
  return levels;
}
