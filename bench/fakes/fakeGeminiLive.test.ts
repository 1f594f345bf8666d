import { GoogleGenAI, Modality, type LiveConnectConfig, type LiveServerMessage, type Session } from '@google/genai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { decodeFakeAudio, encodeFakeAudio, toneSamples } from './fakeAudio.js';
import { FakeGeminiLive, type FakeGeminiLiveOptions } from './fakeGeminiLive.js';

const API_KEY = 'gemini-test-key';
const MODEL = 'gemini-live-2.5-flash-preview';

/** Collects a session's messages and resolves waits on them as they arrive. */
class MessageLog {
  readonly messages: LiveServerMessage[] = [];
  closeCode: number | undefined;
  private waiters: { predicate: (message: LiveServerMessage) => boolean; resolve: (message: LiveServerMessage) => void }[] = [];
  readonly onmessage = (message: LiveServerMessage): void => {
    this.messages.push(message);
    this.waiters = this.waiters.filter((waiter) => !(waiter.predicate(message) && (waiter.resolve(message), true)));
  };
  next(predicate: (message: LiveServerMessage) => boolean, timeoutMs = 3000): Promise<LiveServerMessage> {
    const seen = this.messages.find(predicate);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      this.waiters.push({ predicate, resolve: (message) => (clearTimeout(timer), resolve(message)) });
    });
  }
  indexOf(predicate: (message: LiveServerMessage) => boolean): number {
    return this.messages.findIndex(predicate);
  }
}

function connect(fake: FakeGeminiLive, config: LiveConnectConfig, log: MessageLog, apiKey = API_KEY): Promise<Session> {
  const ai = new GoogleGenAI({ vertexai: false, apiKey, httpOptions: { baseUrl: fake.baseUrl } });
  return ai.live.connect({
    model: MODEL,
    config,
    callbacks: { onmessage: log.onmessage, onclose: (event) => (log.closeCode = event.code) },
  });
}

function speak(session: Session, toneMs: number, silenceMs: number): void {
  const speech = encodeFakeAudio('audio/pcm', toneSamples(440, toneMs, 16_000));
  const silence = encodeFakeAudio('audio/pcm', new Int16Array((silenceMs * 16_000) / 1000));
  const chunk = 2 * 320; // 20 ms of 16 kHz PCM16
  for (const audio of [speech, silence]) {
    for (let i = 0; i < audio.length; i += chunk) {
      session.sendRealtimeInput({ audio: { data: Buffer.from(audio.subarray(i, i + chunk)).toString('base64'), mimeType: 'audio/pcm;rate=16000' } });
    }
  }
}

const audioConfig: LiveConnectConfig = {
  responseModalities: [Modality.AUDIO],
  systemInstruction: 'You are a test.',
  inputAudioTranscription: {},
  outputAudioTranscription: {},
};

describe('the Gemini Live fake, through the official @google/genai SDK', () => {
  let fake: FakeGeminiLive;
  const extraFakes: FakeGeminiLive[] = [];
  const start = async (options: Omit<FakeGeminiLiveOptions, 'apiKey'>): Promise<FakeGeminiLive> => {
    const started = await FakeGeminiLive.start({ apiKey: API_KEY, ...options });
    extraFakes.push(started);
    return started;
  };
  beforeAll(async () => {
    fake = await FakeGeminiLive.start({ apiKey: API_KEY });
  });
  afterAll(async () => {
    await Promise.all([fake, ...extraFakes].map((each) => each.close()));
  });

  it('records the setup, hears a spoken turn and answers with 24 kHz audio, transcripts and usage', async () => {
    const log = new MessageLog();
    const session = await connect(fake, audioConfig, log);
    const seen = fake.sessions.at(-1)!;
    expect(seen.apiKey).toBe(API_KEY);
    expect(seen.setup).toMatchObject({
      model: `models/${MODEL}`,
      generationConfig: { responseModalities: ['AUDIO'] },
      systemInstruction: { parts: [{ text: 'You are a test.' }] },
      inputAudioTranscription: {},
      outputAudioTranscription: {},
    });
    expect(seen.resumedWith).toBeUndefined();
    expect(log.messages[0]?.setupComplete).toEqual({});

    speak(session, 400, 400);
    await log.next((message) => message.usageMetadata !== undefined);
    expect(seen.inputMs).toBe(800);
    expect(seen.speechStartedAt).toHaveLength(1);
    expect(seen.firstAudioSentAt).toHaveLength(1);
    expect(seen.received[0]).toBe('setup');
    expect(new Set(seen.received.slice(1))).toEqual(new Set(['realtimeInput']));

    const input = log.indexOf((message) => message.serverContent?.inputTranscription !== undefined);
    const firstAudio = log.indexOf((message) => message.serverContent?.modelTurn !== undefined);
    const output = log.indexOf((message) => message.serverContent?.outputTranscription !== undefined);
    const complete = log.indexOf((message) => message.serverContent?.turnComplete === true);
    const usage = log.indexOf((message) => message.usageMetadata !== undefined);
    expect(log.messages[input]!.serverContent!.inputTranscription!.text).toBe('Caller turn 1.');
    expect(log.messages[output]!.serverContent!.outputTranscription!.text).toBe('This is answer number 1 from the fake model.');
    expect([input < firstAudio, firstAudio < output, output < complete, complete < usage]).toEqual([true, true, true, true]);
    expect(log.messages[usage]!.usageMetadata).toEqual({ promptTokenCount: 20, responseTokenCount: 10, totalTokenCount: 30 });
    expect(log.messages.some((message) => message.sessionResumptionUpdate !== undefined)).toBe(false);

    const parts = log.messages.flatMap((message) => message.serverContent?.modelTurn?.parts ?? []);
    expect(parts).toHaveLength(15);
    expect(new Set(parts.map((part) => part.inlineData?.mimeType))).toEqual(new Set(['audio/pcm;rate=24000']));
    const samples = parts.reduce((sum, part) => sum + decodeFakeAudio('audio/pcm', Buffer.from(part.inlineData!.data!, 'base64')).length, 0);
    expect(samples).toBe(1500 * 24);
    // The SDK's convenience getter concatenates a message's inline audio.
    expect(log.messages[firstAudio]!.data).toBe(parts[0]!.inlineData!.data);
    session.close();
    await expect.poll(() => seen.closed).toBe(true);
  });

  it('greets on clientContent, makes a scripted tool call and answers the tool response', async () => {
    const tooly = await start({ answerMs: 300, toolCalls: [{ turn: 0, name: 'lookup_order', args: { orderId: '42' } }] });
    const log = new MessageLog();
    const session = await connect(tooly, { ...audioConfig, tools: [{ functionDeclarations: [{ name: 'lookup_order', description: 'Finds an order.' }] }] }, log);
    session.sendClientContent({ turns: [{ role: 'user', parts: [{ text: 'Greet the caller.' }] }], turnComplete: true });
    const call = await log.next((message) => message.toolCall !== undefined);
    expect(call.toolCall!.functionCalls).toEqual([{ id: 'call-1-1', name: 'lookup_order', args: { orderId: '42' } }]);
    const callIndex = log.messages.indexOf(call);
    expect(log.indexOf((message) => message.serverContent?.outputTranscription !== undefined)).toBeLessThan(callIndex);
    expect(log.indexOf((message) => message.serverContent?.turnComplete === true)).toBeGreaterThan(callIndex);

    session.sendToolResponse({ functionResponses: [{ id: 'call-1-1', name: 'lookup_order', response: { status: 'shipped' } }] });
    await expect.poll(() => log.messages.filter((message) => message.usageMetadata !== undefined).length).toBe(2);
    const seen = tooly.sessions.at(-1)!;
    expect(seen.clientTexts).toEqual(['Greet the caller.']);
    expect(seen.toolResponses).toEqual([{ id: 'call-1-1', name: 'lookup_order', response: { status: 'shipped' } }]);
    expect(seen.firstAudioSentAt).toHaveLength(2);
    expect(log.messages.filter((message) => message.toolCall !== undefined)).toHaveLength(1);
    session.close();
  });

  it('interrupts its answer when the caller talks over it', async () => {
    const log = new MessageLog();
    const session = await connect(fake, audioConfig, log);
    session.sendClientContent({ turns: 'Say hello.' });
    await log.next((message) => message.serverContent?.modelTurn !== undefined);
    speak(session, 200, 0);
    await log.next((message) => message.serverContent?.interrupted === true);
    const seen = fake.sessions.at(-1)!;
    expect(seen.interruptedAt).toHaveLength(1);
    expect(seen.interruptedAt[0]!).toBeGreaterThanOrEqual(seen.firstAudioSentAt[0]!);
    session.close();
  });

  it('refuses a wrong key on the upgrade, and the SDK reports it through onerror', async () => {
    const before = fake.sessions.length;
    const ai = new GoogleGenAI({ vertexai: false, apiKey: 'wrong-key', httpOptions: { baseUrl: fake.baseUrl } });
    let settled = false;
    const failed = new Promise<string>((resolve) => {
      void ai.live
        .connect({ model: MODEL, config: audioConfig, callbacks: { onmessage: () => undefined, onerror: (event) => resolve(String(event.message)) } })
        .finally(() => (settled = true));
    });
    expect(await failed).toContain('401');
    // connect() waits for an open that never comes: it neither resolves nor rejects.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    expect(fake.sessions).toHaveLength(before);
  });

  it('answers 404 for any other path', async () => {
    const socket = new WebSocket(`${fake.baseUrl.replace('http:', 'ws:')}/ws/google.ai.generativelanguage.v1beta.GenerativeService.StreamGenerateContent?key=${API_KEY}`);
    const failed = await new Promise<string>((resolve) => socket.on('error', (error) => resolve(error.message)));
    expect(failed).toContain('404');
  });

  it('refuses every upgrade with refuseWithStatus', async () => {
    const refusing = await start({ refuseWithStatus: 503 });
    const ai = new GoogleGenAI({ vertexai: false, apiKey: API_KEY, httpOptions: { baseUrl: refusing.baseUrl } });
    const failed = new Promise<string>((resolve) => {
      void ai.live.connect({ model: MODEL, config: audioConfig, callbacks: { onmessage: () => undefined, onerror: (event) => resolve(String(event.message)) } });
    });
    expect(await failed).toContain('503');
  });

  it('offers a resumption handle, sends goAway, and records a reconnect that resumes with it', async () => {
    const ending = await start({ answerMs: 200, goAwayAfterMs: 300 });
    const log = new MessageLog();
    const session = await connect(ending, { ...audioConfig, sessionResumption: {} }, log);
    session.sendClientContent({ turns: 'Hello.' });
    const update = await log.next((message) => message.sessionResumptionUpdate !== undefined);
    expect(update.sessionResumptionUpdate).toEqual({ newHandle: 'handle-1-0', resumable: true });
    expect(ending.sessions[0]!.setup?.sessionResumption).toEqual({});
    const goAway = await log.next((message) => message.goAway !== undefined);
    expect(goAway.goAway).toEqual({ timeLeft: '1s' });
    await expect.poll(() => log.closeCode).toBe(1000);
    expect(ending.sessions[0]!.closed).toBe(true);

    const resumedLog = new MessageLog();
    const resumed = await connect(ending, { ...audioConfig, sessionResumption: { handle: 'handle-1-0' } }, resumedLog);
    expect(ending.sessions).toHaveLength(2);
    expect(ending.sessions[1]!.resumedWith).toBe('handle-1-0');
    expect(ending.sessions[1]!.setup?.sessionResumption).toEqual({ handle: 'handle-1-0' });
    resumed.close();
  });

  it('drops sessions abruptly', async () => {
    const log = new MessageLog();
    await connect(fake, audioConfig, log);
    fake.dropSessions();
    await expect.poll(() => log.closeCode).toBe(1006);
    expect(fake.sessions.at(-1)!.closed).toBe(true);
  });
});
