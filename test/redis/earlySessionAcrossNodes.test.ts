import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentSpeechMs } from '../../bench/ai/callerVoice.js';
import { FakeOpenAIRealtime } from '../../bench/fakes/fakeOpenAIRealtime.js';
import { makeTestCertificate, type TestCertificate } from '../../bench/fakes/selfSignedTls.js';
import { openaiRealtimeAdapter } from '../../bots/ai/openaiRealtime.js';
import { speechAgentBot } from '../../bots/ai/speechAgentBot.js';
import { testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { startRedisServer, type RedisServer } from '../support/redisServer.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';

const API_KEY = 'sk-test-early-across';
const NUMBER = '+13125550042';

let certificate: TestCertificate;
let fake: FakeOpenAIRealtime;
let redis: RedisServer;
/** Runs the streams: the stream URLs node A builds name it, as a load balancer may route them. */
let nodeB: TelnyxTestBed;
/** Receives every webhook, answers the calls, and opens their AI sessions early. */
let nodeA: TelnyxTestBed;

const agents = () => [
  testAgent('desk', speechAgentBot({ name: 'openai-realtime', defaultModel: 'gpt-realtime', adapter: () => openaiRealtimeAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, webSocket: { ca: certificate.cert } }) }), {
    options: { instructions: 'Front desk. Caller {{from}}.', greeting: 'Welcome to Acme.' },
    phoneNumbers: [NUMBER],
  }),
];

beforeAll(async () => {
  certificate = await makeTestCertificate();
  fake = await FakeOpenAIRealtime.start({ certificate, apiKey: API_KEY, answerMs: 800 });
  redis = await startRedisServer();
  nodeB = await startTelnyxEngine(agents(), { redis: { url: redis.url, nodeId: 'node-b', ttlMs: 5_000 } });
  nodeA = await startTelnyxEngine(agents(), { simulator: nodeB.sim, publicUrl: `http://127.0.0.1:${nodeB.engine.port}`, redis: { url: redis.url, nodeId: 'node-a', ttlMs: 5_000 } });
  nodeB.sim.setWebhookUrl(`${nodeA.baseUrl}/webhooks/telnyx`);
});

afterAll(async () => {
  await nodeA?.close();
  await nodeB?.close();
  await redis?.close();
  await fake?.close();
  certificate?.remove();
});

describe('a Call Control call whose AI session was opened early on one node, streamed to another', () => {
  it('gets a session of its own on the streaming node, opened at `connected`; the node that opened one early closes it when the call ends', async () => {
    const sessionsBefore = fake.sessions.length;
    const leg = await nodeB.sim.inboundCall({ from: '+13125550100', to: NUMBER });
    const answer = await eventually(() => nodeB.sim.commands.some((command) => command.callControlId === leg.callControlId && command.action === 'answer'), 'node A to answer')
      .then(() => nodeB.sim.commands.find((command) => command.callControlId === leg.callControlId && command.action === 'answer')!);
    expect(String(answer.body['stream_url'])).toMatch(new RegExp(`^ws://127\\.0\\.0\\.1:${nodeB.engine.port}/.*prepared=[0-9a-f-]{36}$`));
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await nodeB.sim.waitFor(() => nodeB.engine.calls.byCallControlId(leg.callControlId) !== undefined, EVENT_WAIT_MS, 'the call to run on node B');
    expect(nodeA.engine.calls.size).toBe(0);
    await nodeB.sim.waitFor(() => agentSpeechMs(media) >= 800, EVENT_WAIT_MS, 'the greeting on node B');
    const opened = fake.sessions.slice(sessionsBefore);
    // Node A's, from call.initiated (it knew the caller), and node B's, from `connected` (before
    // `start` told it the caller): brought up to date once `start` came.
    expect(opened).toHaveLength(2);
    const [early, streaming] = opened as [(typeof opened)[0], (typeof opened)[0]];
    expect(early.received.filter((type) => type === 'session.update')).toHaveLength(1);
    expect(streaming.received.filter((type) => type === 'session.update')).toHaveLength(2);
    expect(streaming.session?.['instructions']).toBe('Front desk. Caller +13125550100.');
    expect(streaming.closed).toBe(false);
    // Node A's session is of no use: closed once Telnyx reports the call's end (at the latest when it expires).
    expect(early.closed).toBe(false);
    await leg.hangup();
    await eventually(() => streaming.closed, 'node B to close its session when the call ends');
    await eventually(() => early.closed, 'node A to close the session no stream took');
  });
});
