import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeEntrySchema, parseEntry } from '../../engine/redis/directoryEntries.js';
import { nodeKey } from '../../engine/redis/redisKeys.js';
import { eventually } from '../support/eventWait.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';

const CLASH = 'another engine process registers under this node id';

let redis: RedisServer;
let reader: Redis;
const beds: TelnyxTestBed[] = [];

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  for (const bed of beds) await bed.close();
  reader?.disconnect();
  await redis?.close();
});

async function engineAs(nodeId: string): Promise<TelnyxTestBed> {
  // Heartbeats every 300 ms.
  const bed = await startTelnyxEngine([], { redis: { url: redis.url, nodeId, ttlMs: 900 } });
  beds.push(bed);
  return bed;
}

async function clashesCounted(bed: TelnyxTestBed): Promise<number> {
  const metric = await bed.engine.metrics.registry.getSingleMetric('callwire_redis_errors_total')!.get();
  return metric.values.find((value) => value.labels['op'] === 'node_clash')?.value ?? 0;
}

describe('two engines given the same node id', () => {
  it('each says so, with how to fix it, and counts every heartbeat that finds the other', async () => {
    const first = await engineAs('twin');
    const second = await engineAs('twin');
    await eventually(() => first.logs.withMessage(CLASH).length >= 1 && second.logs.withMessage(CLASH).length >= 1, 'both engines to notice the other');
    await eventually(async () => (await clashesCounted(first)) >= 3, 'further clashes counted');
    // Logged once per outage, not per heartbeat (a heartbeat timing out on a loaded machine starts a new one).
    expect(first.logs.withMessage(CLASH).length).toBeLessThan(await clashesCounted(first));
    expect(first.logs.withMessage(CLASH)[0]).toMatchObject({ op: 'node_clash', level: 40 });
    expect(String(first.logs.withMessage(CLASH)[0]!['reason'])).toContain('node twin is also written by pid');
  });

  it('an engine that takes over the entry of one that died under its node id says nothing', async () => {
    const dead = { node: 'phoenix', worker: null, pid: 4242, address: 'old-host:8080', calls: 3, eventLoopDelayP99Ms: 1, draining: false, lastSeen: new Date().toISOString(), instance: 'a-process-that-died' };
    await reader.set(nodeKey('phoenix', undefined), JSON.stringify(dead), 'PX', 60_000);
    const reborn = await engineAs('phoenix');
    // Three heartbeats of its own, the first replacing the dead process's entry.
    const seen = new Set<string>();
    await eventually(async () => {
      const entry = parseEntry(nodeEntrySchema, await reader.get(nodeKey('phoenix', undefined)));
      if (entry !== undefined && entry.instance !== dead.instance) seen.add(entry.lastSeen);
      return seen.size >= 3;
    }, 'three heartbeats');
    expect(reborn.logs.withMessage(CLASH)).toEqual([]);
    expect(await clashesCounted(reborn)).toBe(0);
  });
});
