import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeOpenAIRealtime } from '../../bench/fakes/fakeOpenAIRealtime.js';
import { encodeFakeAudio, toneSamples } from '../../bench/fakes/fakeAudio.js';
import { makeTestCertificate, type TestCertificate } from '../../bench/fakes/selfSignedTls.js';
import { connectErrorCode } from './connectErrorCode.js';
import { openaiRealtimeAdapter } from './openaiRealtime.js';
import type { SpeechEvent, SpeechSession, SpeechSessionConfig } from './speechToSpeech.js';

const API_KEY = 'sk-test-callwire';

const config: SpeechSessionConfig = {
  model: 'gpt-realtime',
  instructions: 'You are a test.',
  voice: 'marin',
  temperature: undefined,
  turnDetection: { type: 'server_vad', silenceDurationMs: 200 },
  interruptResponse: true,
  tools: [],
  inputFormat: { encoding: 'pcmu', sampleRate: 8000 },
  outputFormat: { encoding: 'pcmu', sampleRate: 8000 },
};

/** Collects a session's events and resolves waits on them as they arrive. */
class EventLog {
  readonly events: SpeechEvent[] = [];
  private waiters: { predicate: (event: SpeechEvent) => boolean; resolve: (event: SpeechEvent) => void }[] = [];
  readonly listener = (event: SpeechEvent): void => {
    this.events.push(event);
    this.waiters = this.waiters.filter((waiter) => !(waiter.predicate(event) && (waiter.resolve(event), true)));
  };
  next<T extends SpeechEvent['type']>(type: T): Promise<Extract<SpeechEvent, { type: T }>> {
    const seen = this.events.find((event) => event.type === type);
    if (seen !== undefined) return Promise.resolve(seen as Extract<SpeechEvent, { type: T }>);
    return new Promise((resolve) => this.waiters.push({ predicate: (event) => event.type === type, resolve: resolve as (event: SpeechEvent) => void }));
  }
}

function speak(session: SpeechSession, toneMs: number, silenceMs: number): void {
  const speech = encodeFakeAudio('audio/pcmu', toneSamples(440, toneMs, 8000));
  const silence = encodeFakeAudio('audio/pcmu', new Int16Array((silenceMs * 8000) / 1000));
  for (const audio of [speech, silence]) for (let i = 0; i < audio.length; i += 160) session.sendAudio(audio.subarray(i, i + 160));
}

describe('the OpenAI Realtime adapter, through the official SDK against the local fake', () => {
  let certificate: TestCertificate;
  let fake: FakeOpenAIRealtime;
  beforeAll(async () => {
    certificate = await makeTestCertificate();
    fake = await FakeOpenAIRealtime.start({ certificate, apiKey: API_KEY, answerMs: 600 });
  });
  afterAll(async () => {
    await fake.close();
    certificate.remove();
  });

  it('configures the session in GA terms, hears a turn and answers in μ-law', async () => {
    const log = new EventLog();
    const session = openaiRealtimeAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, webSocket: { ca: certificate.cert } }).open(config, log.listener);
    await log.next('ready');
    const seen = fake.sessions.at(-1)!;
    expect(seen.model).toBe('gpt-realtime');
    expect(seen.authorization).toBe(`Bearer ${API_KEY}`);
    expect(seen.session).toMatchObject({
      type: 'realtime',
      instructions: 'You are a test.',
      audio: {
        input: { format: { type: 'audio/pcmu' }, turn_detection: { type: 'server_vad', silence_duration_ms: 200, interrupt_response: true, create_response: true } },
        output: { format: { type: 'audio/pcmu' }, voice: 'marin' },
      },
    });
    speak(session, 400, 400);
    await log.next('speech-started');
    const done = await log.next('response-done');
    expect(done.status).toBe('completed');
    expect(done.usage).toEqual({ inputTokens: 20, outputTokens: 10 });
    const audioBytes = log.events.filter((event) => event.type === 'audio').reduce((sum, event) => sum + (event.type === 'audio' ? event.audio.length : 0), 0);
    expect(audioBytes).toBe(600 * 8);
    expect(log.events.filter((event) => event.type === 'transcript').map((event) => (event.type === 'transcript' ? event.role : ''))).toEqual(['user', 'assistant']);
    session.close();
    expect(log.events.at(-1)).toEqual({ type: 'closed', reason: 'closed by callwire' });
  });

  it('sends a truncation the fake checks against the audio it sent', async () => {
    const log = new EventLog();
    const session = openaiRealtimeAdapter({ apiKey: API_KEY, baseURL: fake.baseURL, webSocket: { ca: certificate.cert } }).open(config, log.listener);
    session.respond('Say hello.');
    const audio = await log.next('audio');
    await log.next('response-done');
    session.truncate(audio.itemId, 250);
    expect(await log.next('truncated')).toEqual({ type: 'truncated', itemId: audio.itemId, audioEndMs: 250 });
    expect(fake.sessions.at(-1)!.responseInstructions).toEqual(['Say hello.']);
    session.close();
  });

  it('reports a refused key as unauthorized and closes', async () => {
    const log = new EventLog();
    openaiRealtimeAdapter({ apiKey: 'sk-wrong', baseURL: fake.baseURL, webSocket: { ca: certificate.cert } }).open(config, log.listener);
    const error = await log.next('error');
    expect(error).toMatchObject({ code: 'unauthorized', fatal: true });
    await log.next('closed');
  });
});

describe('connectErrorCode', () => {
  it('maps upgrade statuses to codes', () => {
    expect(connectErrorCode('Unexpected server response: 401')).toBe('unauthorized');
    expect(connectErrorCode('Unexpected server response: 429')).toBe('rate_limited');
    expect(connectErrorCode('Unexpected server response: 503')).toBe('provider_unavailable');
    expect(connectErrorCode('connect ECONNREFUSED 127.0.0.1:1')).toBe('connect_failed');
  });
});
