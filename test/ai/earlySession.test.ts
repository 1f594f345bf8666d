import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openaiRealtimeAdapter } from '../../bots/ai/openaiRealtime.js';
import { speechAgentBot } from '../../bots/ai/speechAgentBot.js';
import { FakeOpenAIRealtime } from '../../bench/fakes/fakeOpenAIRealtime.js';
import { makeTestCertificate, type TestCertificate } from '../../bench/fakes/selfSignedTls.js';
import { agentSpeechMs } from '../../bench/ai/callerVoice.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { connectedFrame, startFrame } from '../../bench/telnyx/mediaFrames.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { startTelnyxEngine } from '../support/telnyxEngine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const API_KEY = 'sk-test-early';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe("an AI agent's provider session opens before the media starts", () => {
  let certificate: TestCertificate;
  let fake: FakeOpenAIRealtime;
  beforeAll(async () => {
    certificate = await makeTestCertificate();
    fake = await FakeOpenAIRealtime.start({ certificate, apiKey: API_KEY, answerMs: 800 });
  });
  afterAll(async () => {
    await fake.close();
    certificate.remove();
  });

  const agentBot = () =>
    speechAgentBot({ name: 'openai-realtime', defaultModel: 'gpt-realtime', adapter: () => openaiRealtimeAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, webSocket: { ca: certificate.cert } }) });
  const options = { instructions: 'Front desk. Caller {{from}}.', greeting: 'Welcome to Acme.' };

  it('on a TeXML stream: at `connected`, with the greeting ready when `start` arrives', async () => {
    const engine = await startTestEngine([testAgent('early', agentBot(), { options })]);
    const sessionsBefore = fake.sessions.length;
    const client = await TelnyxMediaClient.connect(engine.url('early.test'));
    try {
      client.sendRaw(connectedFrame());
      // The model has been asked for the greeting, and has spoken it, before the stream started.
      await until(() => fake.sessions.length === sessionsBefore + 1 && fake.sessions.at(-1)!.firstAudioSentAt.size === 1);
      const session = fake.sessions.at(-1)!;
      expect(session.session?.['instructions']).toBe('Front desk. Caller .');
      expect(client.media).toEqual([]);
      client.sendRaw(startFrame(client.call, 1));
      await until(() => agentSpeechMs(client) >= 800);
      // `start` told the caller's number: the instructions were brought up to date, on the same session.
      await until(() => session.session?.['instructions'] === `Front desk. Caller ${client.call.from}.`);
      expect(fake.sessions.length).toBe(sessionsBefore + 1);
    } finally {
      client.sendStop();
      await client.closed;
      await engine.close();
    }
  });

  it('on a Call Control call: at `call.initiated`, knowing the caller, and the stream takes that session over', async () => {
    const bed = await startTelnyxEngine([testAgent('desk', agentBot(), { options, phoneNumbers: ['+13125550042'] })], { allowedHosts: ['127.0.0.1'] });
    const sessionsBefore = fake.sessions.length;
    try {
      const leg = await bed.sim.inboundCall({ from: '+13125550100', to: '+13125550042' });
      const answerOf = () => bed.sim.commands.find((command) => command.callControlId === leg.callControlId && command.action === 'answer');
      await until(() => answerOf() !== undefined);
      const answer = answerOf();
      expect(String((answer?.body as { stream_url?: string } | undefined)?.stream_url)).toMatch(/serviceHost=desk\.test&prepared=[0-9a-f-]{36}$/);
      await until(() => fake.sessions.length === sessionsBefore + 1);
      const session = fake.sessions.at(-1)!;
      await until(() => session.session !== undefined);
      // Opened from the webhook: the caller's number is in the very first configuration.
      expect(session.received[0]).toBe('session.update');
      expect(session.session?.['instructions']).toBe('Front desk. Caller +13125550100.');
      const media = await leg.streamOpened(EVENT_WAIT_MS);
      await until(() => agentSpeechMs(media) >= 800);
      expect(fake.sessions.length).toBe(sessionsBefore + 1);
      expect(session.received.filter((type) => type === 'session.update')).toHaveLength(1);
      await leg.hangup();
      await until(() => session.closed);
    } finally {
      await bed.close();
    }
  });

  it('on a dial-out: while Telnyx places the call, personalised with the dial-out parameters', async () => {
    const apiKey = 'cw-test-api-key-0123456789abcdef';
    const bed = await startTelnyxEngine([testAgent('caller', agentBot(), { options: { instructions: 'Call {{custom.firstName}} about order {{custom.order}}.', greeting: 'Hi!' }, phoneNumbers: ['+13125550200'] })], {
      apiKeys: [apiKey],
      connectionId: 'conn-default',
      allowedHosts: ['127.0.0.1'],
    });
    const sessionsBefore = fake.sessions.length;
    try {
      const response = await fetch(`${bed.baseUrl}/v1/calls`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${apiKey}` },
        body: JSON.stringify({ agent: 'caller.test', to: '+13125550299', customParameters: { firstName: 'Ada', order: '42' } }),
      });
      expect(response.status).toBe(201);
      const { callControlId } = (await response.json()) as { callControlId: string };
      const media = await bed.sim.leg(callControlId)!.streamOpened(EVENT_WAIT_MS);
      await until(() => agentSpeechMs(media) >= 800);
      expect(fake.sessions.length).toBe(sessionsBefore + 1);
      const session = fake.sessions.at(-1)!;
      expect(session.received[0]).toBe('session.update');
      expect(session.received.filter((type) => type === 'session.update')).toHaveLength(1);
      expect(session.session?.['instructions']).toBe('Call Ada about order 42.');
    } finally {
      await bed.close();
    }
  });

  it('closes a prepared session whose stream never starts', async () => {
    const engine = await startTestEngine([testAgent('early', agentBot(), { options })]);
    const sessionsBefore = fake.sessions.length;
    const client = await TelnyxMediaClient.connect(engine.url('early.test'));
    client.sendRaw(connectedFrame());
    await until(() => fake.sessions.length === sessionsBefore + 1 && fake.sessions.at(-1)!.session !== undefined);
    client.sendStop();
    await client.closed;
    await until(() => fake.sessions.at(-1)!.closed);
    await engine.close();
  });
});
