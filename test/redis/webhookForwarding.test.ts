import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeKey, webhookChannel } from '../../engine/redis/redisKeys.js';
import type { RecordingSaved } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { startNodePair } from '../support/nodePair.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import type { TelnyxTestBed } from '../support/telnyxEngine.js';

const NUMBER = '+13125550007';

const recordings = new Map<string, RecordingSaved[]>();
const failures: unknown[] = [];
/** `1` starts a Telnyx recording, `2` stops it; remembers the recordings it is told of. */
const recorderBot = defineBot({
  name: 'recorder',
  create: ({ call, record }) => {
    recordings.set(call.callControlId, []);
    return {
      dtmf: async (digit) => {
        if (digit === '1') await record.start({ format: 'wav', channels: 'dual' }).catch((error: unknown) => void failures.push(error));
        if (digit === '2') await record.stop().catch((error: unknown) => void failures.push(error));
      },
      recording: (recording) => void recordings.get(call.callControlId)!.push(recording),
    };
  },
});
const agents = () => [testAgent('recorder', recorderBot, { phoneNumbers: [NUMBER] })];

let redis: RedisServer;
let reader: Redis;
/** Runs the calls: the stream URLs node A builds name it, as a load balancer may route them. */
let nodeB: TelnyxTestBed;
/** Receives every webhook, and answers the calls. */
let nodeA: TelnyxTestBed;

beforeAll(async () => {
  redis = await startRedisServer();
  reader = new Redis(redis.url, { maxRetriesPerRequest: 1, retryStrategy: () => 100 });
  // The test restarts its Redis once; the reader's reconnection attempts meanwhile are expected.
  reader.on('error', () => undefined);
  ({ nodeA, nodeB } = await startNodePair(agents, redis.url));
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  reader?.disconnect();
  await redis?.close();
});

/** A call answered by node A, streaming to node B; resolves once the bot on B has been told of a recording made through Telnyx. */
async function callWithRecording(from: string): Promise<string> {
  const leg = await nodeB.sim.inboundCall({ from, to: NUMBER });
  const media = await leg.streamOpened(EVENT_WAIT_MS);
  await nodeB.sim.waitFor(() => nodeB.engine.calls.byCallControlId(leg.callControlId) !== undefined, EVENT_WAIT_MS, 'the call to run on node B');
  media.sendDtmf('1');
  await nodeB.sim.waitFor(() => nodeB.sim.commands.some((command) => command.callControlId === leg.callControlId && command.action === 'record_start'), EVENT_WAIT_MS, 'record_start');
  media.sendDtmf('2');
  await nodeB.sim.waitFor(() => (recordings.get(leg.callControlId)?.length ?? 0) === 1, EVENT_WAIT_MS, 'the recording to reach the bot on node B');
  await leg.hangup();
  return leg.callControlId;
}

describe('a webhook that reaches another node than the one running its call', () => {
  it('is forwarded through Redis to the node running it: the bot there hears of its recording', async () => {
    const leg = await nodeB.sim.inboundCall({ from: '+13125550100', to: NUMBER });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await nodeB.sim.waitFor(() => nodeB.engine.calls.byCallControlId(leg.callControlId) !== undefined, EVENT_WAIT_MS, 'the call to run on node B');
    expect(nodeA.engine.calls.size).toBe(0);
    // The call is in the directory before the webhook comes: it is written when the call starts.
    media.sendDtmf('1');
    await nodeB.sim.waitFor(() => nodeB.sim.commands.some((command) => command.callControlId === leg.callControlId && command.action === 'record_start'), EVENT_WAIT_MS, 'record_start');
    media.sendDtmf('2');
    await nodeB.sim.waitFor(() => (recordings.get(leg.callControlId)?.length ?? 0) === 1, EVENT_WAIT_MS, 'the recording to reach the bot on node B');
    expect(Object.keys(recordings.get(leg.callControlId)![0]!.urls)).toContain('wav');
    expect(failures).toEqual([]);
    // Node A got the webhook (and has no call of that id); node B applied it once.
    expect(nodeA.logs.withMessage('telnyx saved a recording').map((line) => line['live'])).toEqual([false]);
    expect(nodeB.logs.withMessage('telnyx saved a recording').map((line) => line['live'])).toEqual([true]);
    await leg.hangup();
  });

  it('still reaches the node running it after Redis restarted empty: the listener subscribes again', async () => {
    await redis.stop();
    await redis.start();
    // Both nodes are back once registered again (their main connections), and node B listens again
    // once its channel has a subscriber.
    await eventually(async () => {
      const [, subscribers] = (await reader.pubsub('NUMSUB', webhookChannel('node-b', undefined))) as [string, number];
      return subscribers === 1 && (await reader.exists(nodeKey('node-a', undefined), nodeKey('node-b', undefined))) === 2;
    }, 'both nodes to register and node B to subscribe again');
    await callWithRecording('+13125550101');
    expect(failures).toEqual([]);
  });
});
