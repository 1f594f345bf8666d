import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapOnExit, stopChild } from '../../bench/abuse/childReaper.js';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { runCallsCommand } from '../../engine/commands/callsCommand.js';
import { runNodesCommand } from '../../engine/commands/nodesCommand.js';
import type { CommandOutput } from '../../engine/commands/redisCommandOptions.js';
import { nodeKey } from '../../engine/redis/redisKeys.js';
import { startTestEngine } from '../support/engine.js';
import { eventually, valueWithin } from '../support/eventWait.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** A liveness bound for a child engine compiling through tsx on a busy machine, not a speed claim. */
const PATIENCE_MS = 40_000;
/** The doomed node's TTL: short, so its entries must be gone soon after it is killed. */
const DOOMED_TTL_MS = 1_000;

let redis: RedisServer;
let reader: Redis;
let doomed: ChildProcess;
let doomedPort: number;
let survivor: Awaited<ReturnType<typeof startTestEngine>>;

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  await valueWithin(PATIENCE_MS, what, check);
}

async function run(command: (argv: string[], output: CommandOutput) => Promise<number>, argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await command(argv, { write: (text) => void (out += text), warn: (text) => void (err += text), now: () => Date.now() });
  return { code, out, err };
}

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  const dir = mkdtempSync(join(tmpdir(), 'callwire-nodes-'));
  const config = join(dir, 'callwire.config.json');
  // The URL comes from the environment, the node's name and TTL from the file. A busy test machine's
  // event loop must not make the engine refuse the test's calls as overload.
  writeFileSync(config, JSON.stringify({ redis: { nodeId: 'doomed', ttlMs: DOOMED_TTL_MS }, limits: { maxEventLoopDelayMs: 60_000 } }));
  doomedPort = await freePort();
  doomed = spawn(process.execPath, ['--import', 'tsx', 'engine/cli.ts', 'serve', '--workers', '1', '--host', '127.0.0.1', '--port', String(doomedPort), '--config', config], {
    cwd: ROOT,
    env: { ...process.env, CALLWIRE_REDIS_URL: redis.url, CALLWIRE_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  reapOnExit(doomed);
  survivor = await startTestEngine([], { server: { redis: { url: redis.url, nodeId: 'survivor', ttlMs: 60_000 } } });
  await until('both engines to register', async () => (await reader.exists(nodeKey('doomed', undefined), nodeKey('survivor', undefined))) === 2);
}, PATIENCE_MS + 10_000);

afterAll(async () => {
  if (doomed !== undefined) await stopChild(doomed);
  await survivor?.close();
  reader?.disconnect();
  await redis?.close();
});

describe('callwire nodes list / calls list against a real Redis', () => {
  it('lists both engines and the live call, as a table and as JSON', async () => {
    const caller = await TelnyxMediaClient.connect(`ws://127.0.0.1:${doomedPort}/ws/telnyx?serviceHost=echo.default`);
    caller.begin();
    await until('the call in the directory', async () => (await run(runCallsCommand, ['list', '--redis', redis.url])).out.includes(caller.call.callControlId));

    const nodes = await run(runNodesCommand, ['list', '--redis', redis.url]);
    expect(nodes.code).toBe(0);
    expect(nodes.err).toBe('');
    const lines = nodes.out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^NODE +WORKER +ADDRESS +CALLS +LOOP P99 +DRAINING +LAST SEEN$/);
    expect(lines.slice(1).map((line) => line.split(/ {2,}/)[0])).toEqual(['doomed', 'survivor']);
    expect(lines[1]).toMatch(new RegExp(`^doomed +- +\\S+:${doomedPort} +[01] +[\\d.]+ ms +no +\\d+ s ago$`));

    const calls = await run(runCallsCommand, ['list', '--redis', redis.url]);
    expect(calls.code).toBe(0);
    const [header, row] = calls.out.trimEnd().split('\n');
    expect(header).toMatch(/^CALL +CALL CONTROL ID +NODE +WORKER +AGENT +STATE +STARTED$/);
    expect(row).toMatch(new RegExp(`^[0-9a-f-]{36} +${caller.call.callControlId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +doomed +- +echo\\.default +streaming +\\d+ s ago$`));

    const json = JSON.parse((await run(runCallsCommand, ['list', '--redis', redis.url, '--json'])).out) as { node: string; agent: string }[];
    expect(json).toEqual([expect.objectContaining({ node: 'doomed', agent: 'echo.default', callControlId: caller.call.callControlId })]);
    expect((await run(runCallsCommand, ['list', '--redis', redis.url, '--node', 'survivor'])).out).toBe('no live call is listed for node survivor\n');
    caller.terminate();
  });

  it('forgets a node killed without a word (SIGKILL), and its calls, within its TTL', async () => {
    const caller = await TelnyxMediaClient.connect(`ws://127.0.0.1:${doomedPort}/ws/telnyx?serviceHost=echo.default`);
    caller.begin();
    await until('the call in the directory', async () => (await run(runCallsCommand, ['list', '--redis', redis.url, '--json'])).out.includes(caller.call.callControlId));
    doomed.kill('SIGKILL');
    await new Promise((resolve) => doomed.once('exit', resolve));
    // The entries' TTL is 1 s: the bound below is only against a hang.
    await eventually(async () => !(await run(runNodesCommand, ['list', '--redis', redis.url])).out.includes('doomed'), 'the killed node to leave the registry');
    await eventually(async () => (await run(runCallsCommand, ['list', '--redis', redis.url])).out === 'no live call is listed in this Redis\n', 'its call to leave the directory');
    expect((await run(runNodesCommand, ['list', '--redis', redis.url])).out).toContain('survivor');
    caller.terminate();
  });

  it('drops an entry that does not parse, saying which, and lists the rest', async () => {
    await reader.set('callwire:node:garbled', '{"node": 42');
    await reader.set('callwire:call:wrong-shape', JSON.stringify({ callId: 'x' }));
    const nodes = await run(runNodesCommand, ['list', '--redis', redis.url]);
    expect(nodes.code).toBe(0);
    expect(nodes.err).toBe('callwire: skipped 1 entries that do not parse as nodes: callwire:node:garbled\n');
    expect(nodes.out).toContain('survivor');
    const calls = await run(runCallsCommand, ['list', '--redis', redis.url]);
    expect(calls.err).toContain('callwire:call:wrong-shape');
    await reader.del('callwire:node:garbled', 'callwire:call:wrong-shape');
  });

  it('says so when Redis cannot be reached or none is given', async () => {
    const closedPort = await freePort();
    const unreachable = await run(runNodesCommand, ['list', '--redis', `redis://:secret@127.0.0.1:${closedPort}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.err).toContain(`cannot read Redis at redis://:***@127.0.0.1:${closedPort}`);
    expect((await run(runCallsCommand, ['list', '--redis', 'http://nope'])).code).toBe(2);
    expect((await run(runNodesCommand, ['show', '--redis', redis.url])).code).toBe(2);
  });
});
