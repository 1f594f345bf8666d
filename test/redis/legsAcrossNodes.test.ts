import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { defineBot } from '../../bots/defineBot.js';
import { callControlKey, legKey, nodeKey } from '../../engine/redis/redisKeys.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { startNodePair } from '../support/nodePair.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';

const NUMBER = '+13125550300';

const started = new Set<string>();
/** Says nothing; remembers that its call started. */
const quietBot = defineBot({ name: 'quiet', create: ({ call }) => (started.add(call.callControlId), {}) });
/** Fails on any key press: the call ends with bot_error, which the engine ends at once, without a grace. */
const faultyBot = defineBot({
  name: 'faulty',
  create: ({ call }) => (started.add(call.callControlId), { dtmf: () => {
    throw new Error('the bot broke');
  } }),
});
const FAULTY_NUMBER = '+13125550301';
const agents = () => [testAgent('quiet', quietBot, { phoneNumbers: [NUMBER] }), testAgent('faulty', faultyBot, { phoneNumbers: [FAULTY_NUMBER] })];

let redis: RedisServer;
let reader: Redis;
/** Runs the streams: the stream URLs node A builds name it, as a load balancer may route them. */
let nodeB: TelnyxTestBed;
/** Receives every webhook, and answers the calls. */
let nodeA: TelnyxTestBed;
/** Answers its calls and runs their streams itself, on its own simulator: one engine with Redis. */
let nodeC: TelnyxTestBed;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  // The test stops its Redis once; the reader's reconnection attempts meanwhile are expected.
  reader.on('error', () => undefined);
  ({ nodeA, nodeB } = await startNodePair(agents, redis.url));
  nodeC = await startTelnyxEngine(agents(), { allowedHosts: ['127.0.0.1'], redis: { url: redis.url, nodeId: 'node-c', ttlMs: 5_000 } });
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await nodeC?.close();
  reader?.disconnect();
  await redis?.close();
});

async function redisErrors(bed: TelnyxTestBed, op: string): Promise<number> {
  const metric = await bed.engine.metrics.registry.getSingleMetric('callwire_redis_errors_total')!.get();
  return metric.values.find((value) => value.labels['op'] === op)?.value ?? 0;
}

const hangupsOf = (bed: TelnyxTestBed, callControlId: string) => bed.sim.commands.filter((command) => command.callControlId === callControlId && command.action === 'hangup');
/** Hang-ups an engine sent (or tried to: Telnyx refuses one for a call already gone) for this call. */
const hangupLogs = (bed: TelnyxTestBed, callControlId: string) =>
  [...bed.logs.withMessage('hung up the telnyx call'), ...bed.logs.withMessage('could not hang up the telnyx call')].filter((line) => line['callControlId'] === callControlId);

/** Telnyx ends a call's stream while the call stays up: `stop`, then the socket closes. */
async function stopStream(media: TelnyxMediaClient): Promise<void> {
  media.sendStop();
  await media.close();
}

/** A call node A answers, whose stream runs on node B; resolves once the bot there started. */
async function callAnsweredOnARunningOnB(from: string, to = NUMBER) {
  const leg = await nodeB.sim.inboundCall({ from, to });
  const media = await leg.streamOpened(EVENT_WAIT_MS);
  await nodeB.sim.waitFor(() => started.has(leg.callControlId) && nodeB.engine.calls.byCallControlId(leg.callControlId) !== undefined, EVENT_WAIT_MS, 'the call to run on node B');
  expect(nodeA.engine.calls.size).toBe(0);
  expect(nodeA.engine.telnyx.legs.get(leg.callControlId)?.origin).toBe('answered');
  expect(nodeB.engine.telnyx.legs.get(leg.callControlId)).toBeUndefined();
  return { leg, media };
}

describe('a Call Control leg answered on one node whose stream ends on another', () => {
  it('is hung up by the node the stream ended on, once, when Telnyx stops the stream', async () => {
    const { leg, media } = await callAnsweredOnARunningOnB('+13125550101');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    expect(JSON.parse((await reader.get(legKey(leg.callControlId)))!)).toMatchObject({ node: 'node-a', origin: 'answered' });
    expect(await reader.pttl(legKey(leg.callControlId))).toBeGreaterThan(0);

    // Telnyx ends the stream (`stop`, then the socket) and the call stays up: no call.hangup comes.
    await stopStream(media);
    await nodeB.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to be hung up');
    // Its call.hangup reaches node A, which forgets the leg: nobody is left to send another.
    await nodeB.sim.waitFor(() => nodeA.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'node A to forget the leg');
    await nodeA.engine.telnyx.settle(EVENT_WAIT_MS);
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeB, leg.callControlId)).toHaveLength(1);
    expect(hangupLogs(nodeB, leg.callControlId).map((line) => [line['msg'], line['heldElsewhere'], line['reason']])).toEqual([['hung up the telnyx call', true, 'stream_stopped']]);
    expect(hangupLogs(nodeA, leg.callControlId)).toEqual([]);
    expect(await reader.exists(legKey(leg.callControlId))).toBe(0);
  });

  it('is hung up once as well when the stream socket drops without a stop', async () => {
    const { leg, media } = await callAnsweredOnARunningOnB('+13125550102');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    media.terminate();
    await nodeB.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to be hung up');
    await nodeB.sim.waitFor(() => nodeA.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'node A to forget the leg');
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeB, leg.callControlId)).toHaveLength(1);
    expect(hangupLogs(nodeB, leg.callControlId).map((line) => [line['heldElsewhere'], line['reason']])).toEqual([[true, 'socket_closed']]);
    expect(hangupLogs(nodeA, leg.callControlId)).toEqual([]);
  });

  it('is hung up by that node at once, once, when its bot fails there', async () => {
    const { leg, media } = await callAnsweredOnARunningOnB('+13125550108', FAULTY_NUMBER);
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    media.sendDtmf('1');
    await nodeB.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to be hung up');
    await nodeB.sim.waitFor(() => nodeA.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'node A to forget the leg');
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeB, leg.callControlId)).toHaveLength(1);
    expect(hangupLogs(nodeB, leg.callControlId).map((line) => [line['heldElsewhere'], line['reason']])).toEqual([[true, 'bot_error']]);
    expect(hangupLogs(nodeA, leg.callControlId)).toEqual([]);
  });

  it('is not hung up again when the caller hung up: the call.hangup reaching the holding node cancels the other one', async () => {
    const { leg } = await callAnsweredOnARunningOnB('+13125550103');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    // The caller hangs up: Telnyx stops the stream on node B, and its call.hangup goes to node A.
    await leg.hangup();
    await nodeB.sim.waitFor(() => nodeA.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'node A to forget the leg');
    await eventually(async () => (await reader.exists(legKey(leg.callControlId))) === 0, 'the leg record to go');
    // Node B's grace ends now rather than in two seconds: it finds nobody holds the leg any more.
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeB, leg.callControlId)).toEqual([]);
    expect(hangupLogs(nodeB, leg.callControlId)).toEqual([]);
    expect(hangupLogs(nodeA, leg.callControlId)).toEqual([]);
  });

  it('is left to Telnyx as without Redis while Redis is down: node B counts the failed look-up and logs it once', async () => {
    const { leg, media } = await callAnsweredOnARunningOnB('+13125550104');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    await redis.stop();
    try {
      const before = await redisErrors(nodeB, 'leg_claim');
      await stopStream(media);
      await nodeB.sim.waitFor(() => nodeB.engine.calls.size === 0, EVENT_WAIT_MS, 'the call on node B to end');
      await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
      expect(await redisErrors(nodeB, 'leg_claim')).toBe(before + 1);
      expect(nodeB.logs.withMessage('redis unavailable').filter((line) => line['op'] === 'leg_claim')).toHaveLength(1);
      expect(hangupsOf(nodeB, leg.callControlId)).toEqual([]);
      expect(leg.state).not.toBe('hangup');
    } finally {
      await redis.start();
    }
    await leg.hangup();
  });
});

describe('a Call Control leg whose stream comes back on another node within the grace', () => {
  it('is not hung up: the node where it ended sees the call live again in the directory', async () => {
    const { leg, media } = await callAnsweredOnARunningOnB('+13125550107');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    await stopStream(media);
    await nodeB.sim.waitFor(() => nodeB.engine.calls.size === 0, EVENT_WAIT_MS, 'the stream on node B to end');
    // Telnyx streams the call again, to node A this time, before node B's grace is over.
    const again = await TelnyxMediaClient.connect(nodeA.streamUrl('quiet.test'), { call: { callControlId: leg.callControlId } });
    again.begin();
    await eventually(async () => (await reader.exists(callControlKey(leg.callControlId))) === 1, 'the stream on node A to be listed');
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeB, leg.callControlId)).toEqual([]);
    expect(hangupLogs(nodeB, leg.callControlId)).toEqual([]);
    expect(leg.state).not.toBe('hangup');
    expect(await reader.exists(legKey(leg.callControlId))).toBe(1);
    again.terminate();
    await leg.hangup();
  });
});

describe('a Call Control leg held across a Redis restart', () => {
  it('is recorded again by its node once Redis is back empty, and hung up by the node its stream ends on', async () => {
    const { leg, media } = await callAnsweredOnARunningOnB('+13125550106');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg in Redis');
    await redis.stop();
    await redis.start();
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node A to record its leg again');
    expect(JSON.parse((await reader.get(legKey(leg.callControlId)))!)).toMatchObject({ node: 'node-a', origin: 'answered' });
    // Node B reads Redis again once its own connection is back (it registers itself then).
    await eventually(async () => (await reader.exists(nodeKey('node-b', undefined))) === 1, 'node B to register again');
    await stopStream(media);
    await nodeB.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to be hung up');
    await nodeB.sim.waitFor(() => nodeA.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'node A to forget the leg');
    await nodeB.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeB, leg.callControlId)).toHaveLength(1);
    expect(hangupLogs(nodeB, leg.callControlId).map((line) => [line['heldElsewhere'], line['reason']])).toEqual([[true, 'stream_stopped']]);
    expect(hangupLogs(nodeA, leg.callControlId)).toEqual([]);
  });
});

describe('a Call Control leg whose stream runs on the node that answered it, with Redis', () => {
  it('is hung up by that node once when Telnyx stops the stream, and its record goes', async () => {
    // Redis was restarted empty by the test before: node C is connected again once it registered itself again.
    await eventually(async () => (await reader.exists(nodeKey('node-c', undefined))) === 1, 'node C to register again');
    const leg = await nodeC.sim.inboundCall({ from: '+13125550105', to: NUMBER });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await nodeC.sim.waitFor(() => started.has(leg.callControlId), EVENT_WAIT_MS, 'the bot to start');
    await eventually(async () => (await reader.get(legKey(leg.callControlId))) !== null, 'node C to record its leg in Redis');
    await stopStream(media);
    await nodeC.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to be hung up');
    await nodeC.sim.waitFor(() => nodeC.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'node C to forget the leg');
    await nodeC.engine.telnyx.settle(EVENT_WAIT_MS);
    expect(hangupsOf(nodeC, leg.callControlId)).toHaveLength(1);
    expect(hangupLogs(nodeC, leg.callControlId).map((line) => [line['msg'], line['heldElsewhere']])).toEqual([['hung up the telnyx call', false]]);
    await eventually(async () => (await reader.exists(legKey(leg.callControlId))) === 0, 'the leg record to go');
  });
});
