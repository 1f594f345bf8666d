import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measureCallSetup } from './callSetupRun.js';
import { startRedisServer, type RedisServer } from './redisServer.js';

let redis: RedisServer;

beforeAll(async () => {
  redis = await startRedisServer();
});

afterAll(async () => {
  await redis?.close();
});

describe('measureCallSetup', () => {
  it('times every call on both engines and counts the Redis commands the calls made', async () => {
    const result = await measureCallSetup(redis.url, 4, 1);
    expect(result.withoutRedis.samples).toBe(4);
    expect(result.withRedis.samples).toBe(4);
    expect(result.withRedis.p50).toBeGreaterThan(0);
    expect(result.setupRatio).toBe(result.withRedis.p50 / result.withoutRedis.p50);
    // Each webhook is claimed (a script), each call listed in the directory and its leg recorded.
    expect(result.commandsPerCall['eval']).toBeGreaterThanOrEqual(1);
    expect(result.commandsPerCall['set']).toBeGreaterThanOrEqual(2);
    expect(result.commandsPerCall['info']).toBeUndefined();
    expect(result.totalCommandsPerCall).toBeCloseTo(Object.values(result.commandsPerCall).reduce((sum, count) => sum + count, 0), 1);
  });
});
