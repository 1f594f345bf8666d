import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoBot } from '../../bots/echo.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';

const NUMBER = '+13125550031';
const agents = () => [testAgent('echoer', echoBot, { phoneNumbers: [NUMBER] })];

let redis: RedisServer;
let nodeA: TelnyxTestBed;
let nodeB: TelnyxTestBed;

beforeAll(async () => {
  redis = await startRedisServer();
  // Either node would answer the call on its own: both accept stream URLs on 127.0.0.1.
  nodeA = await startTelnyxEngine(agents(), { allowedHosts: ['127.0.0.1'], redis: { url: redis.url, nodeId: 'node-a', ttlMs: 5_000 } });
  nodeB = await startTelnyxEngine(agents(), { allowedHosts: ['127.0.0.1'], simulator: nodeA.sim, redis: { url: redis.url, nodeId: 'node-b', ttlMs: 5_000 } });
});

afterAll(async () => {
  await nodeB?.close();
  await nodeA?.close();
  await redis?.close();
});

function answers(callControlId: string): number {
  return nodeA.sim.commands.filter((command) => command.callControlId === callControlId && command.action === 'answer').length;
}

describe('a webhook Telnyx redelivers to another node', () => {
  it('answers a call.initiated once, though its redelivery lands on a node that has not seen it', async () => {
    nodeA.sim.setWebhookUrl(`${nodeA.baseUrl}/webhooks/telnyx`);
    const leg = await nodeA.sim.inboundCall({ from: '+13125550100', to: NUMBER });
    await leg.streamOpened(EVENT_WAIT_MS);
    expect(answers(leg.callControlId)).toBe(1);

    // As behind a load balancer: the redelivery reaches node B.
    nodeA.sim.setWebhookUrl(`${nodeB.baseUrl}/webhooks/telnyx`);
    await leg.redeliver('call.initiated');
    await nodeA.sim.waitFor(() => nodeB.logs.withMessage('skipped webhook another engine process took').length === 1, EVENT_WAIT_MS, 'node B to skip the redelivery');

    expect(answers(leg.callControlId)).toBe(1);
    const deliveries = nodeA.sim.webhooks.filter((webhook) => webhook.callControlId === leg.callControlId && webhook.eventType === 'call.initiated');
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    expect(nodeB.logs.withMessage('skipped webhook another engine process took')[0]).toMatchObject({ eventType: 'call.initiated' });
    await leg.hangup();
  });

  it('still answers a call whose first delivery went to a node that could not answer it', async () => {
    // Node B refuses to build a stream URL from an address it does not accept, and gives the event back.
    nodeA.sim.setWebhookUrl(`${nodeB.baseUrl.replace('127.0.0.1', 'localhost')}/webhooks/telnyx`);
    const leg = await nodeA.sim.inboundCall({ from: '+13125550101', to: NUMBER });
    await nodeA.sim.waitFor(() => nodeB.logs.withMessage('not answering a call').length === 1, EVENT_WAIT_MS, 'node B to turn the first delivery down');

    nodeA.sim.setWebhookUrl(`${nodeA.baseUrl}/webhooks/telnyx`);
    await leg.redeliver('call.initiated');
    await leg.streamOpened(EVENT_WAIT_MS);
    expect(answers(leg.callControlId)).toBe(1);
    await leg.hangup();
  });
});
