import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapOnExit, stopChild } from '../../bench/abuse/childReaper.js';
import { freePort } from '../../bench/load/processes.js';
import { TelnyxSimulator } from '../../bench/telnyx/simulator/index.js';
import { callEntrySchema, parseEntry } from '../../engine/redis/directoryEntries.js';
import { callControlKey, callKey, nodeKey } from '../../engine/redis/redisKeys.js';
import { valueWithin } from '../support/eventWait.js';
import { ensureFreshBuild } from '../support/freshBuild.js';
import { startPathBalancer, type PathBalancer } from '../support/pathBalancer.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Bounds every wait: a liveness limit for three engines on a busy machine, not a speed claim. */
const PATIENCE_MS = 40_000;
const API_KEY = 'cw-test-api-key-0123456789abcdef';
const NUMBER = '+13125550051';
const AFTER_RECORDING = '+13125559001';
const NODES = ['node-a', 'node-b', 'node-c'] as const;
const [A, B, C] = [0, 1, 2];

/**
 * The user's bot, a module of their own: a dial-out with a `target` parameter is transferred there
 * at once; on a call, key 1 starts a Telnyx recording, key 2 stops it, and hearing of the saved
 * recording transfers the call. Every effect is a Call Control command the simulator records.
 */
const RELAY_BOT = `
import { defineBot } from ${JSON.stringify(pathToFileURL(join(ROOT, 'dist', 'bots', 'index.js')).href)};
export default defineBot({
  name: 'relay',
  create: ({ call, transfer, record }) => {
    const target = call.customParameters['target'];
    if (target !== undefined) queueMicrotask(() => transfer(target));
    return {
      dtmf: async (digit) => {
        if (digit === '1') await record.start({ format: 'wav', channels: 'dual' });
        if (digit === '2') await record.stop();
      },
      recording: () => transfer(${JSON.stringify(AFTER_RECORDING)}),
    };
  },
});
`;

const until = <T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>): Promise<T> => valueWithin(PATIENCE_MS, what, check);

let redis: RedisServer;
let reader: Redis;
let sim: TelnyxSimulator;
let balancer: PathBalancer;
let dir: string;
const engines: ChildProcess[] = [];
/** Where the balancer sends the next media streams, in order; webhooks and the API go to node A. */
const streamTargets: number[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  sim = await TelnyxSimulator.start({ webhookDelayMs: 5 });
  dir = mkdtempSync(join(tmpdir(), 'callwire-three-'));
  writeFileSync(join(dir, 'relay.mjs'), RELAY_BOT);
  const ports = [await freePort(), await freePort(), await freePort()];
  balancer = await startPathBalancer(ports, (requestLine) => (requestLine.includes('/ws/telnyx') ? (streamTargets.shift() ?? B) : A));
  await ensureFreshBuild();
  for (const [index, node] of NODES.entries()) {
    const config = join(dir, `${node}.config.json`);
    writeFileSync(
      config,
      JSON.stringify({
        // Every stream URL names the one address in front of the three engines.
        publicUrl: balancer.url,
        apiKeys: [API_KEY],
        // A busy test machine must not make an engine refuse the test's calls; admission has its own tests.
        limits: { maxEventLoopDelayMs: 60_000, connectionsPerSecondPerIp: 1_000_000 },
        telnyx: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, publicKey: sim.publicKeyBase64, connectionId: 'conn-default' },
        redis: { nodeId: node, ttlMs: 5_000 },
        organizations: { acme: { agents: { relay: { bot: './relay.mjs', phoneNumbers: [NUMBER] } } } },
      }),
    );
    const engine = spawn(process.execPath, [join(ROOT, 'dist', 'engine', 'cli.js'), 'serve', '--workers', '1', '--host', '127.0.0.1', '--port', String(ports[index]), '--config', config, '--log-level', 'warn'], {
      cwd: dir,
      env: { ...process.env, CALLWIRE_REDIS_URL: redis.url },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    reapOnExit(engine);
    engines.push(engine);
  }
  await until('three engines registered in Redis', async () => (await Promise.all(NODES.map((node) => reader.exists(nodeKey(node, undefined))))).every((found) => found === 1));
  sim.setWebhookUrl(`${balancer.url}/webhooks/telnyx`);
}, 300_000);

afterAll(async () => {
  for (const engine of engines) await stopChild(engine);
  await balancer?.close();
  await sim?.close();
  reader?.disconnect();
  await redis?.close();
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
});

/** The node the call directory says runs the call. */
async function nodeRunning(callControlId: string): Promise<string | undefined> {
  const callId = await reader.get(callControlKey(callControlId));
  return callId === null ? undefined : parseEntry(callEntrySchema, await reader.get(callKey(callId)))?.node;
}

/**
 * POSTs JSON to the balancer on a connection of its own (fetch would reuse one the simulator's
 * webhooks opened in this process, already routed).
 */
function postOnNewConnection(path: string, body: unknown): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const request = httpRequest(
      { host: '127.0.0.1', port: balancer.port, path, method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), authorization: `Bearer ${API_KEY}` } },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

const transfersOf = (callControlId: string) => sim.commands.filter((command) => command.callControlId === callControlId && command.action === 'transfer').map((command) => command.body['to']);

describe('three engines behind one address, sharing a Redis', () => {
  it('a webhook delivered to node A for a call streaming on node B reaches the bot on B', async () => {
    streamTargets.push(B);
    const leg = await sim.inboundCall({ from: '+13125550100', to: NUMBER });
    const media = await leg.streamOpened(PATIENCE_MS);
    expect(await until('the call in the directory', () => nodeRunning(leg.callControlId))).toBe('node-b');

    media.sendDtmf('1');
    await until('record_start from node B', () => sim.commands.some((command) => command.callControlId === leg.callControlId && command.action === 'record_start'));
    media.sendDtmf('2');
    // call.recording.saved goes to node A (every webhook does); only its forwarding tells the bot on B.
    await until('the bot on node B to hear of its recording', () => transfersOf(leg.callControlId).length > 0);
    expect(transfersOf(leg.callControlId)).toEqual([AFTER_RECORDING]);
    const webhooksAtA = balancer.routed.filter((route) => route.requestLine.startsWith('POST /webhooks/telnyx'));
    expect(webhooksAtA.length).toBeGreaterThan(0);
    expect(webhooksAtA.every((route) => route.backend === A)).toBe(true);
  });

  it('a dial-out placed on node A whose stream lands on node C starts its bot there with the custom parameters', async () => {
    streamTargets.push(C);
    const response = await postOnNewConnection('/v1/calls', { agent: 'relay.acme', to: '+13125550299', customParameters: { target: '+13125559002' } });
    expect(response.status).toBe(201);
    const { callControlId } = JSON.parse(response.body) as { callControlId: string };
    expect(balancer.routed.find((route) => route.requestLine.startsWith('POST /v1/calls'))?.backend).toBe(A);
    // The bot on C read the parameter node A stored in Redis, and acted on it.
    await until('the bot on node C to transfer to its target', () => transfersOf(callControlId).length > 0);
    expect(transfersOf(callControlId)).toEqual(['+13125559002']);
    const streams = balancer.routed.filter((route) => route.requestLine.includes('/ws/telnyx'));
    expect(streams.at(-1)?.backend).toBe(C);
  });
});
