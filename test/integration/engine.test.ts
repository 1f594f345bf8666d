import alawmulaw from 'alawmulaw';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import type { CallInfo } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { DEFAULT_OUTBOUND_TIMING } from '../../engine/outboundStream.js';
import { activeTimers, startTestEngine, testAgent } from '../support/engine.js';
import { alignEcho, framesHeard } from '../support/echoAlignment.js';
import { mulawTone } from '../support/signals.js';
import { EVENT_WAIT_MS, eventually } from '../support/eventWait.js';
import { StallMonitor } from '../support/stallMonitor.js';

const { mulaw } = alawmulaw;

interface Seen {
  call?: CallInfo;
  dtmf: string[];
  marks: string[];
  stopped?: string;
}
const seen = new Map<string, Seen>();
const record = (call: CallInfo): Seen => {
  const entry: Seen = { call, dtmf: [], marks: [] };
  seen.set(call.callControlId, entry);
  return entry;
};

const recorderBot = defineBot({
  name: 'recorder',
  create: ({ call }) => {
    const entry = record(call);
    return {
      dtmf: (digit) => void entry.dtmf.push(digit),
      mark: (name) => void entry.marks.push(name),
      stop: (reason) => void (entry.stopped = reason),
    };
  },
});

/** Plays three 100 ms tones, each followed by a mark. */
const markerBot = defineBot({
  name: 'marker',
  create: ({ call, output }) => {
    const entry = record(call);
    const tone = new Int16Array(800).map((_, i) => Math.round(Math.sin(i / 3) * 8000));
    for (const name of ['first', 'second', 'third']) {
      output.play(tone);
      output.mark(name);
    }
    return { mark: (name) => void entry.marks.push(name) };
  },
});

const throwerBot = defineBot({
  name: 'thrower',
  create: () => ({
    dtmf: () => {
      throw new Error('this bot cannot count');
    },
  }),
});

let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine([
    testAgent('recorder', recorderBot),
    testAgent('marker', markerBot),
    testAgent('thrower', throwerBot),
  ]);
});

afterAll(async () => {
  await engine.close();
});

describe('engine over real WebSockets on 127.0.0.1', () => {
  it('echoes the caller back about 200 ms later, sample for sample after the µ-law round trip', async () => {
    // Frames and delay a stall of the shared machine could have cost are excused (none on a quiet one).
    const stalls = new StallMonitor();
    onTestFinished(() => stalls.stop());
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    const frames = mulawTone(100);
    const sentAt = performance.now();
    await client.streamMedia(frames);
    await client.waitFor(() => client.receivedMs >= 90 * 20, EVENT_WAIT_MS, '90 echoed frames');
    client.sendStop();
    const closed = await client.closed;

    expect(closed).toEqual({ code: 1000, reason: 'stream_stopped' });
    expect(client.violations).toEqual([]);
    const echoed = client.receivedAudio();
    const sent = Buffer.concat(frames);
    expect(echoed.length % 160).toBe(0);
    expect(echoed.length).toBeGreaterThanOrEqual(90 * 160);
    // What the jitter buffer did not time-stretch (on a busy machine it may, by a pitch period) comes back exactly.
    const alignment = alignEcho(mulaw.decode(sent), mulaw.decode(echoed));
    expect(framesHeard(alignment), `stalls: ${stalls.describe()}`).toBeGreaterThanOrEqual(88 - stalls.framesAtRisk());
    expect(alignment.coveredSamples, `stalls: ${stalls.describe()}`).toBeGreaterThanOrEqual(echoed.length - (3 + stalls.framesAtRisk()) * 160);
    expect(alignment.backwardJumps).toBe(0);
    const firstEchoDelay = client.media[0]!.at - sentAt;
    expect(firstEchoDelay).toBeGreaterThanOrEqual(190);
    expect(firstEchoDelay, `stalls: ${stalls.describe()}`).toBeLessThan(400 + stalls.stalledMs(true));
  });

  it('sends outbound media as Telnyx documents it: JSON text, whole 20 ms PCMU frames, up to 100 ms a message', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    await client.streamMedia(mulawTone(15));
    await client.waitFor(() => client.receivedMs >= 5 * 20, EVENT_WAIT_MS, 'echoed frames');
    const frame = client.frames.find((candidate) => candidate['event'] === 'media')!;
    expect(Object.keys(frame)).toEqual(['event', 'media']);
    expect(Object.keys(frame['media'] as object)).toEqual(['payload']);
    expect(client.media.every((item) => item.payload.length % 160 === 0 && item.payload.length <= 160 * DEFAULT_OUTBOUND_TIMING.framesPerMessage)).toBe(true);
    expect(DEFAULT_OUTBOUND_TIMING.framesPerMessage).toBe(5);
    // Batching cuts the message count: fewer messages than 20 ms frames.
    expect(client.media.length).toBeLessThan(client.receivedMs / 20);
    await client.close();
  });

  it('hands the bot call info and custom parameters, then DTMF in order', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('recorder.test'), {
      call: { customParameters: { customer: 'ada', plan: 'gold' }, clientState: 'c3RhdGU=', tags: ['vip'] },
    });
    client.begin();
    for (const digit of ['1', '2', '#']) client.sendDtmf(digit);
    await client.waitFor(() => (seen.get(client.call.callControlId)?.dtmf.length ?? 0) === 3, EVENT_WAIT_MS, 'three digits');
    const entry = seen.get(client.call.callControlId)!;
    expect(entry.dtmf).toEqual(['1', '2', '#']);
    expect(entry.call).toMatchObject({
      org: 'test',
      agent: 'recorder',
      streamId: client.call.streamId,
      callSessionId: client.call.callSessionId,
      from: client.call.from,
      to: client.call.to,
      tags: ['vip'],
      clientState: 'c3RhdGU=',
      customParameters: { customer: 'ada', plan: 'gold' },
      mediaFormat: { encoding: 'PCMU', sampleRate: 8000, channels: 1 },
    });
    client.sendStop();
    await client.closed;
    expect(entry.stopped).toBe('stream_stopped');
  });

  it('sends each mark right after the audio before it, and the bot hears the echoes in order', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('marker.test'));
    client.begin();
    await client.waitFor(() => (seen.get(client.call.callControlId)?.marks.length ?? 0) === 3, EVENT_WAIT_MS, 'three marks');
    expect(seen.get(client.call.callControlId)!.marks).toEqual(['first', 'second', 'third']);
    expect(client.echoedMarks).toEqual(['first', 'second', 'third']);
    // Each mark frame follows exactly its own 100 ms of audio (800 µ-law bytes), whatever the batching.
    const audioBeforeEachMark: number[] = [];
    let bytes = 0;
    for (const frame of client.frames) {
      if (frame['event'] === 'media') bytes += Buffer.from(String((frame['media'] as { payload: string }).payload), 'base64').length;
      if (frame['event'] === 'mark') {
        audioBeforeEachMark.push(bytes);
        bytes = 0;
      }
    }
    expect(audioBeforeEachMark).toEqual([800, 800, 800]);
    await client.close();
  });

  it('a bot that throws ends its own call with bot_error and no other call notices', async () => {
    const healthy = await TelnyxMediaClient.connect(engine.url('echo.default'));
    const doomed = await TelnyxMediaClient.connect(engine.url('thrower.test'));
    healthy.begin();
    doomed.begin();
    const streaming = healthy.streamMedia(mulawTone(60));
    await healthy.waitFor(() => healthy.receivedMs > 0 && engine.calls.size === 2, EVENT_WAIT_MS, 'both calls to start and the healthy one to echo');
    doomed.sendDtmf('5');
    expect(await doomed.closed).toEqual({ code: 1000, reason: 'bot_error' });
    await streaming;
    await healthy.waitFor(() => healthy.receivedMs >= 50 * 20, EVENT_WAIT_MS, 'healthy echo');
    expect(healthy.open).toBe(true);
    expect(engine.calls.size).toBe(1);
    await healthy.close();
  });

  it('drops malformed frames, counts them, and keeps the call going', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    client.sendRaw('not json at all');
    client.sendRaw('{"event":"media","media":{"payload":"%%%not-base64%%%"},"stream_id":"x"}');
    client.sendRaw(Buffer.from([1, 2, 3]), true);
    client.sendRaw('{"event":"something_new","stream_id":"x"}');
    client.sendRaw('{"event":"media","sequence_number":"2","media":{"track":"in');
    await client.streamMedia(mulawTone(30));
    await client.waitFor(() => client.receivedMs >= 15 * 20, EVENT_WAIT_MS, 'echo after garbage');
    const [session] = engine.calls.values();
    expect(session?.stats.rejectedFrames).toBe(4);
    expect([...session!.stats.rejectedByCode.keys()].sort()).toEqual(['CW_BINARY_MESSAGE', 'CW_INVALID_BASE64', 'CW_MALFORMED_JSON']);
    await client.close();
  });

  it('refuses unknown agents, a missing serviceHost and other paths with clear close codes', async () => {
    const unknownAgent = await TelnyxMediaClient.connect(engine.url('nobody.default'));
    expect(await unknownAgent.closed).toEqual({ code: 4404, reason: 'unknown agent in org default: nobody.default' });
    const unknownOrg = await TelnyxMediaClient.connect(engine.url('echo.nowhere'));
    expect(await unknownOrg.closed).toEqual({ code: 4404, reason: 'unknown organization: echo.nowhere' });
    const missing = await TelnyxMediaClient.connect(`ws://127.0.0.1:${engine.port}/ws/telnyx`);
    expect(await missing.closed).toEqual({ code: 4400, reason: 'missing serviceHost query parameter' });
    await expect(TelnyxMediaClient.connect(`ws://127.0.0.1:${engine.port}/ws/other`)).rejects.toThrow(/404/);
  });

  it('accepts the upgrade whatever the Host header, as regional host names need', async () => {
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'), { headers: { host: 'us-east.callwire.example' } });
    client.begin();
    await client.streamMedia(mulawTone(20));
    await client.waitFor(() => client.receivedMs >= 5 * 20, EVENT_WAIT_MS, 'echo');
    await client.close();
  });

  it('leaves no call, timer, paced stream or socket behind once calls end', async () => {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const timersBefore = activeTimers();
    const clients = await Promise.all([1, 2, 3].map(() => TelnyxMediaClient.connect(engine.url('echo.default'))));
    for (const client of clients) client.begin();
    await Promise.all(clients.map((client) => client.streamMedia(mulawTone(20))));
    expect(engine.calls.size).toBe(3);
    expect(engine.pacer.size).toBe(3);
    clients[0]!.sendStop();
    await clients[1]!.close();
    clients[2]!.terminate();
    await Promise.all(clients.map((client) => client.closed));
    // The engine releases a call a moment after its socket closes: wait for it, then nothing may be left.
    await eventually(() => engine.calls.size === 0 && engine.pacer.size === 0 && !engine.pacer.running && activeTimers() <= timersBefore, 'the calls, paced streams and timers to be released');
  });
});
