import { Redis } from 'ioredis';
import { echoBot } from '../../bots/echo.js';
import { buildAgent } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { nodeKey } from '../../engine/redis/redisKeys.js';
import { startServer, type RunningServer } from '../../engine/server.js';
import { spread, type Spread } from '../support/figures.js';
import { TelnyxSimulator } from '../telnyx/simulator/index.js';

/** How long one step of a call (answered, started, ended) may take before the run fails: a liveness bound. */
const STEP_WAIT_MS = 15_000;
const NUMBER = '+13125550900';
const NODE_ID = 'setup-bench';
/** Heartbeats every 20 minutes: the commands counted are the calls' own. */
const TTL_MS = 3_600_000;

/** What {@link measureCallSetup} found. */
export interface CallSetupResult {
  readonly calls: number;
  /** Call setup (Telnyx sends `call.initiated` → the call runs in the engine), ms, engine without Redis. */
  readonly withoutRedis: Spread;
  /** The same with shared call state in Redis, measured alternately with the other in the same run. */
  readonly withRedis: Spread;
  /** Median with Redis ÷ median without. */
  readonly setupRatio: number;
  /** Redis commands per call (answer, stream, hang-up), by command, from Redis's own statistics. */
  readonly commandsPerCall: Readonly<Record<string, number>>;
  /** All of them per call. */
  readonly totalCommandsPerCall: number;
}

interface Bed {
  readonly sim: TelnyxSimulator;
  readonly engine: RunningServer;
}

async function startBed(redisUrl: string | undefined): Promise<Bed> {
  const sim = await TelnyxSimulator.start({ webhookDelayMs: 0 });
  const engine = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 64 * 1024,
      limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 },
      // Calls come back to back from 127.0.0.1: the per-address and overload guards are not what is measured.
      admission: { connectionsPerSecondPerIp: 1_000_000, maxEventLoopDelayMs: 60_000 },
      apiKeys: [],
      allowedHosts: ['127.0.0.1'],
      redis: redisUrl === undefined ? undefined : { url: redisUrl, nodeId: NODE_ID, ttlMs: TTL_MS },
      telnyx: { apiKey: sim.apiKey, baseUrl: sim.baseUrl, publicKey: sim.publicKeyBase64, connectionId: undefined },
    },
    { catalog: new AgentCatalog([buildAgent('bench', 'echoer', echoBot, 'echo', { phoneNumbers: [NUMBER] })]), clock: systemClock, log: silentLogger() },
  );
  sim.setWebhookUrl(`http://127.0.0.1:${engine.port}/webhooks/telnyx`);
  return { sim, engine };
}

/** Resolves once `check` holds, looking on every turn of the event loop (the engine runs in this process). */
async function whenTrue(check: () => boolean, what: string): Promise<void> {
  const deadline = performance.now() + STEP_WAIT_MS;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** One inbound Call Control call, set up and hung up; returns its setup time in ms. */
async function oneCall(bed: Bed, index: number): Promise<number> {
  const startedAt = performance.now();
  const leg = await bed.sim.inboundCall({ from: `+1312555${String(1000 + (index % 9000)).padStart(4, '0')}`, to: NUMBER });
  await whenTrue(() => bed.engine.calls.byCallControlId(leg.callControlId) !== undefined, 'the call to run');
  const setupMs = performance.now() - startedAt;
  await leg.hangup();
  await whenTrue(() => bed.engine.calls.size === 0 && bed.engine.telnyx.legs.get(leg.callControlId) === undefined, 'the call to end');
  return setupMs;
}

/** Commands Redis has run so far, by command, from `INFO commandstats`. */
async function commandCounts(redis: Redis): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const line of (await redis.info('commandstats')).split('\n')) {
    const match = /^cmdstat_([^:]+):calls=(\d+)/.exec(line.trim());
    if (match !== null) counts.set(match[1]!, Number(match[2]));
  }
  return counts;
}

/**
 * Sets up and hangs up `calls` inbound Call Control calls on two engines in this process, one
 * without Redis and one with the call directory, node registry, leg records and webhook claims in
 * the Redis at `redisUrl`, alternating between them so that the machine's load falls on both
 * alike; `warmup` calls on each first are not counted.
 */
export async function measureCallSetup(redisUrl: string, calls: number, warmup: number): Promise<CallSetupResult> {
  const plain = await startBed(undefined);
  const shared = await startBed(redisUrl);
  const reader = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    await whenTrueAsync(async () => (await reader.exists(nodeKey(NODE_ID, undefined))) === 1, 'the engine to register in Redis');
    for (let i = 0; i < warmup; i++) {
      await oneCall(plain, i);
      await oneCall(shared, i);
    }
    const before = await commandCounts(reader);
    const without: number[] = [];
    const withShared: number[] = [];
    for (let i = 0; i < calls; i++) {
      // Which engine goes first alternates too: neither always follows the other's hang-up.
      if (i % 2 === 0) {
        without.push(await oneCall(plain, i));
        withShared.push(await oneCall(shared, i));
      } else {
        withShared.push(await oneCall(shared, i));
        without.push(await oneCall(plain, i));
      }
    }
    const after = await commandCounts(reader);
    const commandsPerCall: Record<string, number> = {};
    let total = 0;
    for (const [command, count] of after) {
      // The two `info` calls are this bench's own.
      const made = count - (before.get(command) ?? 0) - (command === 'info' ? 1 : 0);
      if (made <= 0) continue;
      commandsPerCall[command] = Math.round((made / calls) * 100) / 100;
      total += made;
    }
    const withoutRedis = spread(without);
    const withRedis = spread(withShared);
    return { calls, withoutRedis, withRedis, setupRatio: withRedis.p50 / withoutRedis.p50, commandsPerCall, totalCommandsPerCall: Math.round((total / calls) * 100) / 100 };
  } finally {
    reader.disconnect();
    for (const bed of [plain, shared]) {
      await bed.engine.close();
      await bed.sim.close();
    }
  }
}

async function whenTrueAsync(check: () => Promise<boolean>, what: string): Promise<void> {
  const deadline = performance.now() + STEP_WAIT_MS;
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
