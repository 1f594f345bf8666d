import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { echoBot } from '../../bots/echo.js';
import { callKey, nodeKey } from '../../engine/redis/redisKeys.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { ProcessFaultWatch } from '../support/processFaults.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';

const NUMBER = '+13125550001';
const NODE = 'node-outage';

let redis: RedisServer;
let bed: TelnyxTestBed;
let reader: Redis;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  // ioredis reports its own reconnections while the test's Redis is stopped; they are expected here.
  reader.on('error', () => undefined);
  bed = await startTelnyxEngine([testAgent('echoer', echoBot, { phoneNumbers: [NUMBER] })], {
    allowedHosts: ['127.0.0.1'],
    redis: { url: redis.url, nodeId: NODE, ttlMs: 1_500 },
  });
});

afterAll(async () => {
  await bed?.close();
  reader?.disconnect();
  await redis?.close();
});

/** A caller that keeps talking, a frame every 20 ms, until it hangs up. */
function keepTalking(media: TelnyxMediaClient): () => void {
  const tone = mulawTone(50);
  let frame = 0;
  const timer = setInterval(() => {
    if (media.open) media.sendMedia(tone[frame++ % tone.length]!);
  }, 20);
  return () => clearInterval(timer);
}

async function redisErrors(op: string): Promise<number> {
  const metric = await bed.engine.metrics.registry.getSingleMetric('callwire_redis_errors_total')!.get();
  return metric.values.find((value) => value.labels['op'] === op)?.value ?? 0;
}

async function placeCall(from: string): Promise<{ media: TelnyxMediaClient; hangUp: () => Promise<void>; callId: string }> {
  const leg = await bed.sim.inboundCall({ from, to: NUMBER });
  const media = await leg.streamOpened(EVENT_WAIT_MS);
  const stop = keepTalking(media);
  await bed.sim.waitFor(() => bed.engine.calls.byCallControlId(leg.callControlId) !== undefined, EVENT_WAIT_MS, 'the call to start');
  const callId = bed.engine.calls.byCallControlId(leg.callControlId)!.id;
  return {
    media,
    callId,
    hangUp: async () => {
      stop();
      await leg.hangup();
    },
  };
}

describe('Redis stopped and restarted under live calls', () => {
  it('calls keep their audio and new calls start; failures are counted, logged once per outage; the node and its calls come back with Redis', async () => {
    const faults = new ProcessFaultWatch();
    try {
      const before = await placeCall('+13125550100');
      await eventually(async () => (await reader.exists(callKey(before.callId))) === 1, 'the call in the directory');

      // From here on: on a loaded machine a heartbeat may have timed out before, an outage of its own.
      const linesAtStop = bed.logs.lines.length;
      const since = (text: string) => bed.logs.lines.slice(linesAtStop).filter((line) => String(line['msg']).includes(text));
      await redis.stop();
      await eventually(async () => (await redisErrors('heartbeat')) >= 3, 'three failed heartbeats');
      // The call's audio went on throughout: a second of echo more, heard after Redis had gone.
      const heardAtOutage = before.media.receivedMs;
      await before.media.waitFor(() => before.media.receivedMs >= heardAtOutage + 1_000, EVENT_WAIT_MS, 'echo while Redis is down');

      // A new call needs no shared state, so it starts and echoes as usual.
      const during = await placeCall('+13125550101');
      await during.media.waitFor(() => during.media.receivedMs >= 1_000, EVENT_WAIT_MS, 'echo of a call started while Redis is down');
      expect(await redisErrors('call_write')).toBeGreaterThanOrEqual(1);

      // Many failures, one warning per kind of failure.
      const warnings = since('redis unavailable');
      const ops = warnings.map((line) => line['op']);
      expect(new Set(ops).size).toBe(ops.length);
      expect(ops).toEqual(expect.arrayContaining(['heartbeat', 'call_write']));

      await redis.start();
      await eventually(async () => (await reader.exists(callKey(before.callId), callKey(during.callId), nodeKey(NODE, undefined))) === 3, 'the node and both calls registered again');
      expect(since('redis is back')).toHaveLength(1);

      await before.hangUp();
      await during.hangUp();
      await eventually(async () => (await reader.exists(callKey(before.callId), callKey(during.callId))) === 0, 'the ended calls removed');
      expect(faults.describe()).toEqual([]);
    } finally {
      faults.stop();
    }
  });

  it('a Redis that hangs (connection open, no answers) holds up no call: commands time out, and its answering again is noticed', async () => {
    const call = await placeCall('+13125550102');
    await eventually(async () => (await reader.exists(callKey(call.callId))) === 1, 'the call in the directory');
    const timedOutBefore = await redisErrors('heartbeat');
    const linesAtPause = bed.logs.lines.length;
    redis.pause();
    try {
      const heardAtHang = call.media.receivedMs;
      // Each heartbeat now waits out the command timeout (2 s) before it counts as failed.
      await eventually(async () => (await redisErrors('heartbeat')) >= timedOutBefore + 2, 'two timed-out heartbeats');
      await call.media.waitFor(() => call.media.receivedMs >= heardAtHang + 1_000, EVENT_WAIT_MS, 'echo while Redis hangs');
    } finally {
      redis.resume();
    }
    await eventually(() => bed.logs.lines.slice(linesAtPause).some((line) => line['msg'] === 'redis answers again: node and live calls registered again'), 'a heartbeat to go through again');
    expect(await reader.exists(callKey(call.callId), nodeKey(NODE, undefined))).toBe(2);
    await call.hangUp();
    await eventually(async () => (await reader.exists(callKey(call.callId))) === 0, 'the call removed');
  });
});
