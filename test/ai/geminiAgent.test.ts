import { afterEach, describe, expect, it } from 'vitest';
import { geminiLiveAdapter } from '../../bots/ai/geminiLive.js';
import { speechAgentBot } from '../../bots/ai/speechAgentBot.js';
import { FakeGeminiLive, type FakeGeminiLiveOptions } from '../../bench/fakes/fakeGeminiLive.js';
import { agentSpeechMs, CallerVoice } from '../../bench/ai/callerVoice.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { createLogger } from '../../engine/logger.js';
import { LogLines } from '../support/telnyxEngine.js';
import { startTestEngine, testAgent } from '../support/engine.js';

const API_KEY = 'gemini-test-key';

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('a Gemini Live agent on a call, against the local fake through the official SDK', () => {
  const running: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  async function callAgent(fakeOptions: Omit<FakeGeminiLiveOptions, 'apiKey'>, agentOptions: Record<string, unknown>) {
    const fake = await FakeGeminiLive.start({ apiKey: API_KEY, ...fakeOptions });
    running.push(fake);
    const bot = speechAgentBot({ name: 'gemini-live', defaultModel: 'gemini-live-test', adapter: () => geminiLiveAdapter({ apiKey: API_KEY, baseUrl: fake.baseUrl }), sampleRate: 24_000 });
    const logs = new LogLines();
    const engine = await startTestEngine([testAgent('gem', bot, { options: agentOptions })], { log: createLogger('debug', logs.stream) });
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('gem.test'));
    running.push({ close: async () => void (client.open && client.sendStop()) });
    const voice = new CallerVoice(client);
    running.push({ close: async () => voice.stop() });
    const begin = performance.now();
    client.begin();
    voice.start();
    return { fake, client, logs, begin, speak: (on: boolean) => void (voice.speaking = on) };
  }

  it('greets at 24 kHz, hears the caller at 16 kHz, and clears the moment Gemini is interrupted', async () => {
    const { fake, client, speak, begin } = await callAgent({ answerMs: 3000 }, { instructions: 'You are the front desk.', voice: 'Kore', greeting: 'Hello from Acme.' });
    await until(() => fake.sessions[0]?.setup !== undefined);
    const session = fake.sessions[0]!;
    expect(session.setup).toMatchObject({
      model: 'models/gemini-live-test',
      generationConfig: { responseModalities: ['AUDIO'], speechConfig: { voiceConfig: { prebuiltVoiceConfig: { voiceName: 'Kore' } } } },
      systemInstruction: { parts: [{ text: 'You are the front desk.' }] },
    });
    await until(() => session.clientTexts.length === 1);
    expect(session.clientTexts[0]).toContain('Hello from Acme.');
    await until(() => agentSpeechMs(client) >= 400);
    speak(true);
    await until(() => session.interruptedAt.length === 1 && client.clears === 1);
    speak(false);
    // The caller's audio reached Gemini resampled to 16 kHz: no more milliseconds of it than the call
    // has lasted (24 kHz bytes labelled 16 kHz would count half as long again).
    expect(session.inputMs).toBeGreaterThan(100);
    expect(session.inputMs).toBeLessThanOrEqual(performance.now() - begin + 100);
    const heardBeforeClear = agentSpeechMs(client);
    expect(heardBeforeClear).toBeLessThan(3000);
  });

  it('resumes the session when Gemini ends the connection, and the call goes on', async () => {
    const { fake, client, speak } = await callAgent({ answerMs: 300, goAwayAfterMs: 800 }, { greeting: 'Hi.' });
    await until(() => fake.sessions.length === 2 && fake.sessions[1]!.setup !== undefined);
    expect(fake.sessions[1]!.resumedWith).toMatch(/^handle-/);
    expect(client.open).toBe(true);
    const before = agentSpeechMs(client);
    speak(true);
    await until(() => fake.sessions[1]!.speechStartedAt.length === 1);
    await new Promise((resolve) => setTimeout(resolve, 150));
    speak(false);
    await until(() => agentSpeechMs(client) >= before + 300);
    expect(client.open).toBe(true);
  });

  it('transfers when Gemini calls transfer_call with a configured number', async () => {
    const { client, speak, logs } = await callAgent({ answerMs: 300, toolCalls: [{ turn: 1, name: 'transfer_call', args: { to: '+13125550123' } }] }, { transferTo: ['+13125550123'] });
    speak(true);
    await new Promise((resolve) => setTimeout(resolve, 300));
    speak(false);
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    await until(() => logs.withMessage('call ended').length === 1);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'transferred' });
  });

  it('plays the fallback when Gemini refuses the key', async () => {
    const { client, logs } = await callAgent({ refuseWithStatus: 401 }, {});
    await client.closed;
    expect(logs.withMessage('ai provider unavailable')[0]).toMatchObject({ code: 'unauthorized' });
    await until(() => logs.withMessage('call ended').length === 1);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'ai_unavailable' });
    expect(agentSpeechMs(client)).toBeGreaterThan(4000);
  }, 20_000);
});
