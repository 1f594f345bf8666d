import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapOnExit, stopChild } from '../../bench/abuse/childReaper.js';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxSimulator, type SimulatedLeg } from '../../bench/telnyx/simulator/index.js';
import type { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { callEntrySchema, parseEntry } from '../../engine/redis/directoryEntries.js';
import { CALL_KEYS, callControlKey, callKey, legKey } from '../../engine/redis/redisKeys.js';
import { valueWithin } from '../support/eventWait.js';
import { ensureFreshBuild } from '../support/freshBuild.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { mulawTone } from '../support/signals.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Bounds every wait: a liveness limit for three processes on a busy machine, not a speed claim. */
const PATIENCE_MS = 40_000;
const NUMBER = '+13125550041';
const CALLS = 4;

interface Health {
  readonly workers: readonly { readonly id: number; readonly ready: boolean; readonly calls: number }[];
}

const until = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> => valueWithin(PATIENCE_MS, what, check);

let redis: RedisServer;
let reader: Redis;
let sim: TelnyxSimulator;
let engine: ChildProcess;
let port: number;
let dir: string;

/**
 * The primary's /healthz on a connection of its own: fetch would reuse a connection the simulator's
 * webhooks opened (same process), which the primary has handed to a worker.
 */
function health(): Promise<Health> {
  return new Promise((resolve, reject) => {
    const request = get({ host: '127.0.0.1', port, path: '/healthz', agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => {
        try {
          resolve(JSON.parse(body) as Health);
        } catch (error) {
          reject(error as Error);
        }
      });
    });
    request.on('error', reject);
  });
}

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  sim = await TelnyxSimulator.start({ webhookDelayMs: 5 });
  dir = mkdtempSync(join(tmpdir(), 'callwire-workers-telnyx-'));
  const config = join(dir, 'callwire.config.json');
  writeFileSync(
    config,
    JSON.stringify({
      allowedHosts: ['127.0.0.1'],
      // A busy test machine must not make the engine refuse the test's calls; admission has its own tests.
      limits: { maxEventLoopDelayMs: 60_000, connectionsPerSecondPerIp: 1_000_000 },
      telnyx: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, publicKey: sim.publicKeyBase64 },
      redis: { nodeId: 'box', ttlMs: 3_000 },
      organizations: { acme: { agents: { echoer: { bot: 'echo', phoneNumbers: [NUMBER] } } } },
    }),
  );
  port = await freePort();
  await ensureFreshBuild();
  engine = spawn(process.execPath, [join(ROOT, 'dist', 'engine', 'cli.js'), 'serve', '--workers', '2', '--host', '127.0.0.1', '--port', String(port), '--config', config, '--log-level', 'warn'], {
    cwd: ROOT,
    env: { ...process.env, CALLWIRE_REDIS_URL: redis.url },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  reapOnExit(engine);
  await until('two ready workers', async () => {
    const state = await health().catch(() => undefined);
    return state !== undefined && state.workers.length === 2 && state.workers.every((worker) => worker.ready);
  });
  sim.setWebhookUrl(`http://127.0.0.1:${port}/webhooks/telnyx`);
}, 300_000);

afterAll(async () => {
  if (engine !== undefined) await stopChild(engine);
  await sim?.close();
  reader?.disconnect();
  await redis?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The workers the call directory in Redis says the calls run on. */
async function workersOfCalls(): Promise<number[]> {
  const keys = await reader.keys(CALL_KEYS);
  const entries = await Promise.all(keys.map(async (key) => parseEntry(callEntrySchema, await reader.get(key))));
  return entries.map((entry) => entry?.worker ?? -1);
}

async function answeringWorker(leg: SimulatedLeg): Promise<number | null | undefined> {
  return (JSON.parse((await reader.get(legKey(leg.callControlId))) ?? '{}') as { worker?: number | null }).worker;
}

async function streamingWorker(leg: SimulatedLeg): Promise<number | null | undefined> {
  const callId = await reader.get(callControlKey(leg.callControlId));
  return callId === null ? undefined : parseEntry(callEntrySchema, await reader.get(callKey(callId)))?.worker;
}

const commandsOf = (leg: SimulatedLeg, action: string) => sim.commands.filter((command) => command.callControlId === leg.callControlId && command.action === action);

describe('callwire serve --workers 2 with Telnyx Call Control, state shared in Redis', () => {
  it('answers each call once, spreads the streams over both workers, and hangs up each leg once when Telnyx stops its stream', async () => {
    const calls: { leg: SimulatedLeg; media: TelnyxMediaClient }[] = [];
    for (let i = 0; i < CALLS; i++) {
      const leg = await sim.inboundCall({ from: `+1312555010${i}`, to: NUMBER });
      const media = await leg.streamOpened(PATIENCE_MS);
      await media.streamMedia(mulawTone(5));
      calls.push({ leg, media });
      // Each stream goes to the worker with fewer calls: wait for this one to count before the next.
      await until(`call ${i + 1} to start`, async () => (await health()).workers.reduce((sum, worker) => sum + worker.calls, 0) === i + 1);
    }
    const workers = await until('every call in the directory', async () => {
      const listed = await workersOfCalls();
      return listed.length === CALLS && listed;
    });
    expect(new Set(workers).size).toBe(2);
    for (const { leg } of calls) expect(commandsOf(leg, 'answer')).toHaveLength(1);
    // Every leg is recorded by the worker that answered it, whichever worker its webhook reached.
    for (const { leg } of calls) await until('the leg recorded in Redis', async () => (await reader.exists(legKey(leg.callControlId))) === 1);
    // The streams alternate between the workers while the webhooks arrive on whichever connection the
    // simulator keeps open: some calls are answered by one worker and streamed on the other.
    const answeredElsewhere = await Promise.all(calls.map(async ({ leg }) => (await answeringWorker(leg)) !== (await streamingWorker(leg))));
    expect(answeredElsewhere).toContain(true);

    // Telnyx stops each stream while the call stays up: whichever worker ran the stream hangs the leg
    // up, also when another worker answered it (the webhooks may all reach one worker).
    for (const { media } of calls) {
      media.sendStop();
      await media.close();
    }
    for (const { leg } of calls) await until(`${leg.callControlId} hung up`, () => leg.state === 'hangup');
    await until('the calls gone from the directory', async () => (await workersOfCalls()).length === 0);
    await until('the leg records gone', async () => (await Promise.all(calls.map(({ leg }) => reader.exists(legKey(leg.callControlId))))).every((exists) => exists === 0));
    for (const { leg } of calls) expect(commandsOf(leg, 'hangup')).toHaveLength(1);
  });
});
