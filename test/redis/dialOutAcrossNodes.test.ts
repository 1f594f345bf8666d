import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import type { CallInfo } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { dialParametersKey, legKey, nodeKey } from '../../engine/redis/redisKeys.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { startNodePair } from '../support/nodePair.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import type { TelnyxTestBed } from '../support/telnyxEngine.js';

const API_KEY = 'cw-test-api-key-0123456789abcdef';

const started = new Map<string, CallInfo>();
/** Remembers its call; enough to see what reached the bot. */
const listenerBot = defineBot({ name: 'listener', create: ({ call }) => (started.set(call.callControlId, call), {}) });
const agents = () => [testAgent('outbound', listenerBot, { phoneNumbers: ['+13125550200'], customParameters: { campaign: 'spring' } })];

let redis: RedisServer;
let reader: Redis;
/** Places the calls; its stream URLs name node B, as a load balancer in front of both would route them there. */
let nodeA: TelnyxTestBed;
let nodeB: TelnyxTestBed;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1 });
  // The test stops its Redis once; the reader's reconnection attempts meanwhile are expected.
  reader.on('error', () => undefined);
  // One Telnyx account for both nodes: either may send Call Control commands; webhooks go to node A.
  ({ nodeA, nodeB } = await startNodePair(agents, redis.url, { apiKeys: [API_KEY], connectionId: 'conn-default' }));
  // Both engines registered before the first dial-out: the engine waits for a connection still
  // opening only a second (sharedDialParameters.test.ts), and a busy machine can take longer.
  await eventually(async () => (await reader.get(nodeKey('node-a', undefined))) !== null && (await reader.get(nodeKey('node-b', undefined))) !== null, 'both engines registered in Redis');
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  reader?.disconnect();
  await redis?.close();
});

async function redisErrors(bed: TelnyxTestBed, op: string): Promise<number> {
  const metric = await bed.engine.metrics.registry.getSingleMetric('callwire_redis_errors_total')!.get();
  return metric.values.find((value) => value.labels['op'] === op)?.value ?? 0;
}

describe('a dial-out whose stream lands on another node', () => {
  it('hands the bot on that node the custom parameters the placing node stored in Redis', async () => {
    const response = await fetch(`${nodeA.baseUrl}/v1/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ agent: 'outbound.test', to: '+13125550299', customParameters: { firstName: 'Ada' } }),
    });
    expect(response.status).toBe(201);
    const { callControlId } = (await response.json()) as { callControlId: string };
    const [dial] = nodeA.sim.commands.filter((command) => command.action === 'dial' && command.callControlId === callControlId);
    const streamKey = new URL(String(dial?.body['stream_url'])).searchParams.get('dial')!;
    // Stored before the dial, unless Redis took over a second (a busy machine): then soon after.
    const deadline = performance.now() + EVENT_WAIT_MS;
    let stored = await reader.get(dialParametersKey(streamKey));
    while (stored === null && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      stored = await reader.get(dialParametersKey(streamKey));
    }
    expect(stored, 'the parameters in Redis').not.toBeNull();
    expect(JSON.parse(stored!)).toEqual({ campaign: 'spring', firstName: 'Ada' });
    expect(await reader.pttl(dialParametersKey(streamKey))).toBeGreaterThan(0);

    const leg = nodeA.sim.leg(callControlId)!;
    await leg.streamOpened(EVENT_WAIT_MS);
    await nodeA.sim.waitFor(() => started.has(callControlId), EVENT_WAIT_MS, 'the bot to start');
    // The call runs on node B, which never saw the dial, with the parameters node A stored.
    expect(nodeB.engine.calls.byCallControlId(callControlId)).toBeDefined();
    expect(nodeA.engine.calls.size).toBe(0);
    expect(nodeB.engine.telnyx.holdsParameters(streamKey)).toBe(false);
    expect(started.get(callControlId)!.customParameters).toEqual({ campaign: 'spring', firstName: 'Ada' });
    await leg.hangup();
  });

  it('is hung up by the node running its stream when Telnyx stops the stream, once', async () => {
    const response = await fetch(`${nodeA.baseUrl}/v1/calls`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
      body: JSON.stringify({ agent: 'outbound.test', to: '+13125550297' }),
    });
    expect(response.status).toBe(201);
    const { callControlId } = (await response.json()) as { callControlId: string };
    const leg = nodeA.sim.leg(callControlId)!;
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await nodeA.sim.waitFor(() => started.has(callControlId) && nodeB.engine.calls.byCallControlId(callControlId) !== undefined, EVENT_WAIT_MS, 'the call to run on node B');
    expect(nodeA.engine.telnyx.legs.get(callControlId)?.origin).toBe('dialed');
    await eventually(async () => (await reader.exists(legKey(callControlId))) === 1, 'node A to record its leg in Redis');
    media.sendStop();
    await media.close();
    await nodeA.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to be hung up');
    await nodeA.sim.waitFor(() => nodeA.engine.telnyx.legs.get(callControlId) === undefined, EVENT_WAIT_MS, 'node A to forget the leg');
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(nodeA.sim.commands.filter((command) => command.callControlId === callControlId && command.action === 'hangup')).toHaveLength(1);
    expect(nodeB.logs.withMessage('hung up the telnyx call').filter((line) => line['callControlId'] === callControlId).map((line) => line['heldElsewhere'])).toEqual([true]);
    expect(nodeA.logs.withMessage('hung up the telnyx call').filter((line) => line['callControlId'] === callControlId)).toEqual([]);
  });

  it('starts the call without them when the stored value does not parse, logging it once and counting it', async () => {
    await reader.set(dialParametersKey('garbled-key'), '["not", "an object"]');
    for (let attempt = 0; attempt < 2; attempt++) {
      const caller = await TelnyxMediaClient.connect(`ws://127.0.0.1:${nodeB.engine.port}/ws/telnyx?serviceHost=outbound.test&dial=garbled-key`);
      caller.begin();
      await eventually(() => started.has(caller.call.callControlId), 'the bot to start');
      // Only what the stream's own start carries (nothing here) reaches the bot.
      expect(started.get(caller.call.callControlId)!.customParameters).toEqual({});
      caller.terminate();
    }
    expect(await redisErrors(nodeB, 'bad_reply')).toBe(2);
    expect(nodeB.logs.withMessage('redis reply did not parse')).toHaveLength(1);
  });

  it('still places the call while Redis is down: the stream lands without the parameters, and both nodes count the miss', async () => {
    await redis.stop();
    try {
      const response = await fetch(`${nodeA.baseUrl}/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${API_KEY}` },
        body: JSON.stringify({ agent: 'outbound.test', to: '+13125550298', customParameters: { firstName: 'Grace' } }),
      });
      expect(response.status).toBe(201);
      const { callControlId } = (await response.json()) as { callControlId: string };
      const leg = nodeA.sim.leg(callControlId)!;
      await leg.streamOpened(EVENT_WAIT_MS);
      await nodeA.sim.waitFor(() => started.has(callControlId), EVENT_WAIT_MS, 'the bot to start');
      expect(nodeB.engine.calls.byCallControlId(callControlId)).toBeDefined();
      expect(started.get(callControlId)!.customParameters).toEqual({});
      expect(await redisErrors(nodeA, 'dial_write')).toBeGreaterThanOrEqual(1);
      expect(await redisErrors(nodeB, 'dial_read')).toBeGreaterThanOrEqual(1);
      await leg.hangup();
    } finally {
      await redis.start();
    }
  });
});
