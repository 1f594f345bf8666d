import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineTool } from '../../bots/ai/defineTool.js';
import { openaiRealtimeAdapter } from '../../bots/ai/openaiRealtime.js';
import { speechAgentBot } from '../../bots/ai/speechAgentBot.js';
import { FakeOpenAIRealtime, type FakeOpenAIRealtimeOptions } from '../../bench/fakes/fakeOpenAIRealtime.js';
import { agentSpeechMs, CallerVoice, isAgentSpeech } from '../../bench/ai/callerVoice.js';
import type { FakeRealtimeSession } from '../../bench/fakes/fakeOpenAIRealtime.js';
import { makeTestCertificate, type TestCertificate } from '../../bench/fakes/selfSignedTls.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { createLogger } from '../../engine/logger.js';
import { LogLines } from '../support/telnyxEngine.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { EventReceiver } from '../support/eventReceiver.js';

const API_KEY = 'sk-test-callwire';

/** Polls `condition` on every turn of the event loop until it holds (the test's timeout bounds it). */
async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

/** Speaks until the model hears turn `turn`, a moment longer, then stops so the model answers. */
async function speakTurn(caller: CallerVoice, session: FakeRealtimeSession, turn: number): Promise<void> {
  caller.speaking = true;
  await until(() => session.speechStartedAt.length === turn);
  await new Promise((resolve) => setTimeout(resolve, 200));
  caller.speaking = false;
}

describe('an OpenAI Realtime agent on a call, against the local fake through the official SDK', () => {
  let certificate: TestCertificate;
  const running: { close(): Promise<void> }[] = [];
  const app = new EventReceiver(() => 200);
  let eventsUrl: string;
  beforeAll(async () => {
    certificate = await makeTestCertificate();
    eventsUrl = await app.listen();
  });
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });
  afterAll(async () => {
    certificate.remove();
    await app.close();
  });

  async function callAgent(fakeOptions: Omit<FakeOpenAIRealtimeOptions, 'certificate' | 'apiKey'>, agentOptions: Record<string, unknown>, sessionLimitMs?: number) {
    const fake = await FakeOpenAIRealtime.start({ certificate, apiKey: API_KEY, ...fakeOptions });
    running.push(fake);
    const bot = speechAgentBot({
      name: 'openai-realtime',
      defaultModel: 'gpt-realtime',
      adapter: () => openaiRealtimeAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, webSocket: { ca: certificate.cert }, sessionLimitMs }),
    });
    const logs = new LogLines();
    const engine = await startTestEngine([testAgent('front-desk', bot, { options: agentOptions })], {
      log: createLogger('debug', logs.stream),
      server: { events: { url: eventsUrl, secret: 'app-events-secret-0123' } },
    });
    running.push(engine);
    let clearAt = Number.NaN;
    const client = await TelnyxMediaClient.connect(engine.url('front-desk.test'), {
      call: { from: '+13125550100', customParameters: { firstName: 'Ada' } },
      observer: { received: (data, _binary, at) => void (data.includes('"clear"') && Number.isNaN(clearAt) ? (clearAt = at) : undefined) },
    });
    running.push({ close: async () => void (client.open && client.sendStop()) });
    const caller = new CallerVoice(client);
    running.push({ close: async () => caller.stop() });
    client.begin();
    caller.start();
    if (fakeOptions.refuseWithStatus === undefined) await until(() => fake.sessions[0]?.session !== undefined);
    return { fake, session: fake.sessions[0]!, client, caller, logs, clearAt: () => clearAt };
  }

  it('greets, stops the moment the caller speaks, and truncates at what the caller heard', async () => {
    const transcriptDir = mkdtempSync(join(tmpdir(), 'callwire-transcripts-'));
    const { session, client, caller, clearAt, logs } = await callAgent(
      { answerMs: 4000 },
      { instructions: 'You are the front desk. The caller is {{custom.firstName}} calling from {{from}}.', voice: 'marin', greeting: 'Hello, Acme front desk.', transcripts: { dir: transcriptDir } },
    );
    expect(session.session?.['instructions']).toBe('You are the front desk. The caller is Ada calling from +13125550100.');
    expect(session.responseInstructions[0]).toContain('Hello, Acme front desk.');
    // Let the greeting play for a while, then speak over it.
    await until(() => agentSpeechMs(client) >= 500);
    caller.speaking = true;
    await until(() => session.truncations.length === 1);
    caller.speaking = false;
    await until(() => client.clears === 1);
    const truncation = session.truncations[0]!;
    // What the simulated Telnyx had played when `clear` arrived: its own real-time playout of what it received.
    let playoutEnd = 0;
    let receivedMs = 0;
    for (const media of client.media) {
      if (media.at > clearAt() || !isAgentSpeech(media.payload)) continue;
      playoutEnd = Math.max(media.at, playoutEnd) + media.payload.length / 8;
      receivedMs += media.payload.length / 8;
    }
    const playedMs = receivedMs - Math.max(0, playoutEnd - clearAt());
    expect(truncation.audioEndMs).toBeGreaterThan(0);
    expect(truncation.audioEndMs).toBeLessThanOrEqual(receivedMs);
    expect(truncation.audioEndMs).toBeLessThan(truncation.itemAudioMs);
    expect(Math.abs(truncation.audioEndMs - playedMs)).toBeLessThanOrEqual(100);
    // Nothing of the cut answer reaches the caller after the clear.
    const lateSpeech = client.media.filter((media) => media.at > clearAt() + 50 && isAgentSpeech(media.payload));
    const nextAnswerStarted = session.firstAudioSentAt.size > 1;
    if (!nextAnswerStarted) expect(lateSpeech).toEqual([]);
    // The transcript keeps only what the caller heard of the greeting.
    client.sendStop();
    await until(() => logs.withMessage('ai conversation ended').length === 1);
    expect(logs.withMessage('ai conversation ended')[0]).toMatchObject({ interruptions: 1, inputTokens: 20, outputTokens: 10 });
    // The call's last line carries the same summary.
    await until(() => logs.withMessage('call ended').length === 1);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ bot: { ai: { provider: 'openai-realtime', interruptions: 1, outputTokens: 10 } } });
    const file = join(transcriptDir, `${String(logs.withMessage('ai conversation ended')[0]!['callId'])}.transcript.jsonl`);
    await until(() => existsSync(file) && readFileSync(file, 'utf8').includes('"interrupted":true'));
    const turns = readFileSync(file, 'utf8').trim().split('\n').map((line) => JSON.parse(line) as { role: string; text: string; generatedText?: string; interrupted?: boolean });
    const greeting = turns.filter((turn) => turn.role === 'assistant').at(-1)!;
    expect(greeting.interrupted).toBe(true);
    expect(greeting.generatedText).toBe('This is answer number 0 from the fake model, spoken as a steady tone.');
    expect(greeting.text.length).toBeLessThan(greeting.generatedText!.length);
    expect(greeting.generatedText!.startsWith(greeting.text)).toBe(true);
    // The app receives the same conversation as a signed `transcript.ready` event.
    const callId = logs.withMessage('ai conversation ended')[0]!['callId'];
    const transcriptOf = () => app.accepted().find((event) => event.type === 'transcript.ready' && event.data['callId'] === callId);
    await app.until(() => transcriptOf() !== undefined);
    const ready = transcriptOf()!.data as { agent: string; provider: string; turns: { role: string; interrupted?: boolean; text: string }[]; summary: { interruptions: number } };
    expect(ready).toMatchObject({ agent: 'front-desk.test', provider: 'openai-realtime', summary: { interruptions: 1, outputTokens: 10 } });
    expect(ready.turns.filter((turn) => turn.role === 'assistant').at(-1)).toMatchObject({ interrupted: true, text: greeting.text });
  });

  it('plays a greeting that may not be interrupted to the end, and still lets the model hear the caller', async () => {
    const { session, client, caller } = await callAgent({ answerMs: 1200 }, { greeting: { text: 'This call is recorded.', interruptible: false } });
    await until(() => agentSpeechMs(client) >= 200);
    caller.speaking = true;
    await until(() => session.speechStartedAt.length === 1);
    caller.speaking = false;
    await until(() => agentSpeechMs(client) >= 1200);
    expect(client.clears).toBe(0);
    expect(session.truncations).toEqual([]);
    expect(session.session?.['audio']).toMatchObject({ input: { turn_detection: { interrupt_response: false } } });
    // Once the greeting has been heard, the caller may cut the agent off again.
    await until(() => session.received.filter((type) => type === 'session.update').length === 2);
    expect(session.session?.['audio']).toMatchObject({ input: { turn_detection: { interrupt_response: true } } });
  });

  it('transfers only to a configured number, and tells the model when it asks for another', async () => {
    const { session, client, caller, logs, clearAt } = await callAgent(
      { answerMs: 300, toolCalls: [{ turn: 1, name: 'transfer_call', arguments: { to: '+19995550000' } }, { turn: 2, name: 'transfer_call', arguments: { to: '+13125550123' } }] },
      { transferTo: ['+13125550123'] },
    );
    const tools = (session.session?.['tools'] as { name: string; parameters: { properties?: { to?: { enum?: string[] } } } }[]).map((tool) => [tool.name, tool.parameters.properties?.to?.enum]);
    expect(tools).toEqual([['end_call', undefined], ['transfer_call', ['+13125550123']]]);
    await speakTurn(caller, session, 1);
    await until(() => session.toolOutputs.length === 1);
    expect(JSON.parse(session.toolOutputs[0]!.output)).toEqual({ error: 'that destination is not allowed', allowed: ['+13125550123'] });
    expect(client.open).toBe(true);
    await until(() => session.firstAudioSentAt.size === 2);
    await speakTurn(caller, session, 2);
    const closed = await client.closed;
    const closedAt = performance.now();
    expect(closed.code).toBe(1000);
    await until(() => logs.withMessage('ai conversation ended').length === 1);
    expect(logs.withMessage('ai conversation ended')[0]).toMatchObject({ reason: 'transferred', userTurns: 2 });
    // The answer that came with the transfer was heard to its end before the stream closed.
    // Telnyx's playout restarts at a `clear`; count from the last one.
    const playoutEnd = client.media.filter((media) => media.at > clearAt()).reduce((end, media) => Math.max(media.at, end) + media.payload.length / 8, clearAt());
    expect(closedAt).toBeGreaterThanOrEqual(playoutEnd - 25);
    expect(agentSpeechMs(client)).toBeGreaterThanOrEqual(300);
  });

  it("runs the user's own tools with checked arguments, and the model gets their results", async () => {
    const orderStatus = defineTool({
      name: 'order_status',
      description: 'Where an order is.',
      parameters: z.object({ orderId: z.string().regex(/^\d+$/) }),
      handler: ({ orderId }, { call }) => ({ orderId, status: 'shipped', caller: call.from }),
    });
    const { session, caller } = await callAgent(
      { answerMs: 300, toolCalls: [{ turn: 1, name: 'order_status', arguments: { orderId: '42' } }, { turn: 2, name: 'order_status', arguments: { orderId: 'forty-two' } }] },
      { tools: ['end_call', orderStatus] },
    );
    expect((session.session?.['tools'] as { name: string }[]).map((tool) => tool.name)).toEqual(['end_call', 'order_status']);
    await speakTurn(caller, session, 1);
    await until(() => session.toolOutputs.length === 1);
    expect(JSON.parse(session.toolOutputs[0]!.output)).toEqual({ orderId: '42', status: 'shipped', caller: '+13125550100' });
    await until(() => session.firstAudioSentAt.size === 2);
    await speakTurn(caller, session, 2);
    await until(() => session.toolOutputs.length === 2);
    expect(JSON.parse(session.toolOutputs[1]!.output)).toMatchObject({ error: 'the arguments do not match the tool' });
  });

  it('says goodbye before the provider session runs out, and hangs up once it was heard', async () => {
    const { session, client, logs } = await callAgent({ answerMs: 400 }, {}, 2_000);
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(session.responseInstructions.at(-1)).toContain('time limit');
    expect(agentSpeechMs(client)).toBeGreaterThanOrEqual(400);
    await until(() => logs.withMessage('call ended').length === 1);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'ai_session_limit' });
  });

  it('ignores provider frames it cannot read, logs each kind once, and the call goes on', async () => {
    const { fake, session, client, logs } = await callAgent({ answerMs: 1500 }, { greeting: 'Hello.' });
    await until(() => agentSpeechMs(client) >= 100);
    fake.sendRaw('this is not JSON');
    fake.sendRaw(JSON.stringify({ type: 'response.output_audio.delta', item_id: 'item_x', delta: 42 }));
    fake.sendRaw(JSON.stringify({ type: 'response.output_audio.delta', item_id: 'item_x', delta: 43 }));
    await until(() => agentSpeechMs(client) >= 1500);
    expect(client.open).toBe(true);
    expect(session.closed).toBe(false);
    const errors = logs.withMessage('ai provider error');
    expect(errors.map((line) => line['code'])).toEqual(['protocol']);
    expect(errors[0]).toMatchObject({ fatal: false });
  });

  it('plays the fallback and hangs up (ai_unavailable) when the provider refuses the session', async () => {
    const { client, logs } = await callAgent({ refuseWithStatus: 503 }, {});
    const closed = await client.closed;
    const closedAt = performance.now();
    expect(closed.code).toBe(1000);
    expect(logs.withMessage('ai provider unavailable')[0]).toMatchObject({ code: 'provider_unavailable', fallback: 'hangup' });
    await until(() => logs.withMessage('call ended').length === 1);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'ai_unavailable' });
    // The caller heard the whole shipped apology (about 4.6 s) before the line closed.
    expect(agentSpeechMs(client)).toBeGreaterThan(4000);
    const playoutEnd = client.media.reduce((end, media) => Math.max(media.at, end) + media.payload.length / 8, 0);
    expect(closedAt).toBeGreaterThanOrEqual(playoutEnd - 25);
  }, 20_000);

  it('transfers to the fallback number when the provider drops mid-call', async () => {
    const { fake, client, logs } = await callAgent({ answerMs: 3000 }, { greeting: 'Hello.', fallback: { transferTo: '+13125550123' } });
    await until(() => agentSpeechMs(client) >= 200);
    fake.dropSessions();
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(logs.withMessage('ai provider unavailable')[0]).toMatchObject({ code: 'provider_unavailable', fallback: 'transfer' });
    await until(() => logs.withMessage('call ended').length === 1);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'transferred' });
    expect(client.clears).toBeGreaterThanOrEqual(1);
  }, 20_000);
});

