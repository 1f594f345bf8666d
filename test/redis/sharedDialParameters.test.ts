import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { engineRedisClient } from '../../engine/redis/engineRedisClient.js';
import { dialParametersKey } from '../../engine/redis/redisKeys.js';
import { RedisOutage, type RedisOp } from '../../engine/redis/redisOutage.js';
import { SharedDialParameters } from '../../engine/redis/sharedDialParameters.js';
import { silentLogger } from '../../engine/logger.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';

let redis: RedisServer;
let reader: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
});

afterAll(async () => {
  reader?.disconnect();
  await redis?.close();
});

describe('dial-out parameters shared in Redis', () => {
  it('stores the parameters of a dial placed before the connection to Redis is up', async () => {
    const failures: RedisOp[] = [];
    const client = engineRedisClient(redis.url, 'callwire:test');
    const parameters = new SharedDialParameters(client, new RedisOutage(silentLogger(), (op) => failures.push(op)));
    try {
      // Same tick as the client's creation: the connection is still being made.
      expect(client.status).not.toBe('ready');
      await parameters.hold('first-dial', { customer: 'c-42' });

      expect(failures).toEqual([]);
      expect(JSON.parse((await reader.get(dialParametersKey('first-dial')))!)).toEqual({ customer: 'c-42' });
      expect(await parameters.fetch('first-dial')).toEqual({ customer: 'c-42' });
    } finally {
      client.disconnect();
    }
  });

  it('goes on without the parameters, counted, when Redis cannot be reached', async () => {
    const failures: RedisOp[] = [];
    const client = engineRedisClient('redis://127.0.0.1:1', 'callwire:test');
    client.on('error', () => {});
    const parameters = new SharedDialParameters(client, new RedisOutage(silentLogger(), (op) => failures.push(op)));
    try {
      await parameters.hold('lost-dial', { customer: 'c-43' });
      expect(failures).toContain('dial_write');
      expect(await parameters.fetch('lost-dial')).toBeUndefined();
      expect(failures).toContain('dial_read');
    } finally {
      client.disconnect();
    }
  });
});
