import Telnyx from 'telnyx';
import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { until } from '../../test/support/faultKit.js';
import { connectedFrame, markFrame, mediaFrame, simulatedCall, startFrame } from '../telnyx/mediaFrames.js';
import { TelnyxSimulator } from '../telnyx/simulator/index.js';
import { MediaStreamBotServer, type BotSession, type MediaStreamBotServerOptions, type MediaStreamProtocol } from './mediaStreamBots.js';

const STREAM_SID = 'MZ00000000000000000000000000000001';
const ACCOUNT_SID = 'AC00000000000000000000000000000001';
const CALL_SID = 'CA00000000000000000000000000000001';

/** Twilio's side of a stream, shaped as twilio.com/docs/voice/media-streams/websocket-messages shows it. */
const twilioFrames = {
  connected: () => JSON.stringify({ event: 'connected', protocol: 'Call', version: '1.0.0' }),
  start: (sequenceNumber: number) =>
    JSON.stringify({
      event: 'start',
      sequenceNumber: String(sequenceNumber),
      start: {
        accountSid: ACCOUNT_SID,
        streamSid: STREAM_SID,
        callSid: CALL_SID,
        tracks: ['inbound'],
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
        customParameters: {},
      },
      streamSid: STREAM_SID,
    }),
  media: (sequenceNumber: number, chunk: number, timestamp: number, payload: Uint8Array) =>
    JSON.stringify({
      event: 'media',
      sequenceNumber: String(sequenceNumber),
      media: { track: 'inbound', chunk: String(chunk), timestamp: String(timestamp), payload: Buffer.from(payload).toString('base64') },
      streamSid: STREAM_SID,
    }),
  mark: (sequenceNumber: number, name: string) => JSON.stringify({ event: 'mark', sequenceNumber: String(sequenceNumber), streamSid: STREAM_SID, mark: { name } }),
};

/** Plays callwire's part, the carrier, over a plain `ws` client. */
class Carrier {
  readonly messages: Record<string, unknown>[] = [];
  readonly closed: Promise<number>;
  readonly #call = simulatedCall();
  #sequence = 0;
  #chunk = 0;
  #startText = '';

  private constructor(
    private readonly ws: WebSocket,
    private readonly protocol: MediaStreamProtocol,
  ) {
    this.closed = new Promise((resolve) => ws.once('close', (code: number) => resolve(code)));
    ws.on('message', (data: Buffer) => this.messages.push(JSON.parse(data.toString()) as Record<string, unknown>));
  }

  static async connect(url: string, protocol: MediaStreamProtocol, headers: Record<string, string> = {}): Promise<Carrier> {
    const ws = new WebSocket(url, { headers });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', resolve);
      ws.once('error', reject);
    });
    return new Carrier(ws, protocol);
  }

  /** The `start` this carrier sent, parsed. */
  get start(): unknown {
    return JSON.parse(this.#startText);
  }

  begin(): void {
    const twilio = this.protocol === 'twilio';
    this.#startText = twilio ? twilioFrames.start(++this.#sequence) : startFrame(this.#call, ++this.#sequence);
    this.ws.send(twilio ? twilioFrames.connected() : connectedFrame());
    this.ws.send(this.#startText);
  }

  sendMedia(payload: Uint8Array): void {
    const chunk = ++this.#chunk;
    const timestamp = (chunk - 1) * 20;
    const sequence = ++this.#sequence;
    this.ws.send(this.protocol === 'twilio' ? twilioFrames.media(sequence, chunk, timestamp, payload) : mediaFrame(this.#call, sequence, chunk, timestamp, payload));
  }

  echoMark(name: string): void {
    const sequence = ++this.#sequence;
    this.ws.send(this.protocol === 'twilio' ? twilioFrames.mark(sequence, name) : markFrame(this.#call, sequence, name));
  }

  sendRaw(text: string): void {
    this.ws.send(text);
  }

  events(): unknown[] {
    return this.messages.map((message) => message['event']);
  }

  /** Decoded payloads of the bot's `media` messages, in order. */
  audio(): Buffer[] {
    return this.messages.filter((message) => message['event'] === 'media').map((message) => Buffer.from((message['media'] as { payload: string }).payload, 'base64'));
  }

  terminate(): void {
    this.ws.terminate();
  }
}

/** The HTTP status the server answers an upgrade with: 101 when it accepts, -1 when nothing answers. */
function upgradeStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url, { headers });
    // After a refusal, terminate() reports an error too; the first outcome is the one that counts.
    ws.on('error', () => resolve(-1));
    ws.once('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      ws.terminate();
    });
    ws.once('open', () => {
      resolve(101);
      ws.terminate();
    });
  });
}

const servers: MediaStreamBotServer[] = [];
const carriers: Carrier[] = [];

async function startBots(options: MediaStreamBotServerOptions): Promise<MediaStreamBotServer> {
  const bots = await MediaStreamBotServer.start(options);
  servers.push(bots);
  return bots;
}

async function connectCarrier(bots: MediaStreamBotServer, protocol: MediaStreamProtocol, headers: Record<string, string> = {}): Promise<Carrier> {
  const carrier = await Carrier.connect(bots.url, protocol, headers);
  carriers.push(carrier);
  return carrier;
}

/** The session of the one carrier that has connected. */
async function onlySession(bots: MediaStreamBotServer): Promise<BotSession> {
  await until(() => bots.sessions.length === 1, 'the bot to accept the connection');
  return bots.sessions[0]!;
}

afterEach(async () => {
  for (const carrier of carriers.splice(0)) carrier.terminate();
  await Promise.all(servers.splice(0).map((bots) => bots.close()));
});

describe.each(['telnyx', 'twilio'] as const)('a %s bot', (protocol) => {
  const outboundKeys = protocol === 'twilio' ? ['event', 'streamSid'] : ['event'];

  it('echoes each caller payload straight back and records what it heard', async () => {
    const bots = await startBots({ protocol, behaviour: { kind: 'echo' } });
    const carrier = await connectCarrier(bots, protocol);
    carrier.begin();
    const payloads = [1, 2, 3].map((fill) => new Uint8Array(160).fill(fill));
    for (const payload of payloads) carrier.sendMedia(payload);
    carrier.sendRaw('not json');

    await until(() => carrier.audio().length === 3, 'three echoes');
    expect(carrier.audio()).toEqual(payloads.map((payload) => Buffer.from(payload)));
    for (const message of carrier.messages) expect(Object.keys(message)).toEqual([...outboundKeys, 'media']);
    if (protocol === 'twilio') expect(carrier.messages.map((message) => message['streamSid'])).toEqual([STREAM_SID, STREAM_SID, STREAM_SID]);

    const session = await onlySession(bots);
    await until(() => session.received.length === 6, 'the invalid message to be recorded');
    expect(session.protocol).toBe(protocol);
    expect(session.received.map((received) => received.event)).toEqual(['connected', 'start', 'media', 'media', 'media', '<invalid>']);
    expect(session.received[5]!.message).toBe('not json');
    expect(session.start).toEqual(carrier.start);
    expect(session.mediaPayloadBytes).toBe(480);
    expect(session.sent.map(({ event, bytes }) => ({ event, bytes }))).toEqual(payloads.map(() => ({ event: 'media', bytes: 160 })));
  });

  it('sends marked chunks of tone and records each mark echo', async () => {
    const bots = await startBots({ protocol, behaviour: { kind: 'marks', chunks: 3, chunkMs: 40 } });
    const carrier = await connectCarrier(bots, protocol);
    carrier.begin();

    await until(() => carrier.messages.length === 6, 'three chunks and three marks');
    expect(carrier.events()).toEqual(['media', 'mark', 'media', 'mark', 'media', 'mark']);
    expect(carrier.audio().map((audio) => audio.length)).toEqual([320, 320, 320]);
    expect(new Set(carrier.audio()[0]).size).toBeGreaterThan(20);
    const marks = carrier.messages.filter((message) => message['event'] === 'mark');
    for (const mark of marks) expect(Object.keys(mark)).toEqual([...outboundKeys, 'mark']);
    const names = marks.map((mark) => (mark['mark'] as { name: string }).name);
    expect(names).toEqual(['m0', 'm1', 'm2']);

    const session = await onlySession(bots);
    for (const name of names) carrier.echoMark(name);
    await until(() => session.markEchoes.length === 3, 'three mark echoes');
    expect(session.markEchoes.map((echo) => echo.name)).toEqual(names);
    const sentMarks = session.sent.filter((sent) => sent.event === 'mark');
    expect(sentMarks.map((sent) => sent.name)).toEqual(names);
    session.markEchoes.forEach((echo, index) => expect(echo.at).toBeGreaterThanOrEqual(sentMarks[index]!.at));
  });

  it('refuses every upgrade with the configured status', async () => {
    const bots = await startBots({ protocol, behaviour: { kind: 'refuse', status: 503 } });
    expect(await upgradeStatus(bots.url)).toBe(503);
    expect(bots.sessions).toHaveLength(0);
  });

  it('dies mid-call without a close frame', async () => {
    const bots = await startBots({ protocol, behaviour: { kind: 'die-mid-call', afterMs: 30 } });
    const carrier = await connectCarrier(bots, protocol);
    carrier.begin();
    expect(await carrier.closed).toBe(1006);
    const session = await onlySession(bots);
    expect((await session.closed).code).toBe(1006);
    expect(session.received.map((received) => received.event)).toEqual(['connected', 'start']);
  });
});

describe('burst-then-clear', () => {
  it('sends the whole burst paced at the speedup, then clear with the streamSid', async () => {
    const bots = await startBots({ protocol: 'twilio', behaviour: { kind: 'burst-then-clear', seconds: 0.2, speedup: 20, clearAfterMs: 100 } });
    const carrier = await connectCarrier(bots, 'twilio');
    carrier.begin();

    await until(() => carrier.events().includes('clear'), 'clear');
    expect(carrier.events()).toEqual([...Array<string>(10).fill('media'), 'clear']);
    expect(carrier.messages.at(-1)).toEqual({ event: 'clear', streamSid: STREAM_SID });
    expect(carrier.audio().every((audio) => audio.length === 160)).toBe(true);

    const session = await onlySession(bots);
    const startedAt = session.received.find((received) => received.event === 'start')!.at;
    // Ten 20 ms chunks at 20× real time: the last is due nine 1 ms steps after the first.
    expect(session.sent.filter((sent) => sent.event === 'media').at(-1)!.at - startedAt).toBeGreaterThanOrEqual(9);
    // Timers count from libuv's cached loop time, which a busy tick leaves a little behind.
    expect(session.sent.at(-1)!.at - startedAt).toBeGreaterThanOrEqual(80);
  });

  it('stops talking at clear when the burst is longer than clearAfterMs', async () => {
    const bots = await startBots({ protocol: 'telnyx', behaviour: { kind: 'burst-then-clear', seconds: 5, speedup: 1, clearAfterMs: 60 } });
    const carrier = await connectCarrier(bots, 'telnyx');
    carrier.begin();
    await until(() => carrier.events().includes('clear'), 'clear');
    expect(carrier.messages.at(-1)).toEqual({ event: 'clear' });

    const session = await onlySession(bots);
    await bots.close();
    expect(session.sent.at(-1)!.event).toBe('clear');
    expect(session.sent.length - 1).toBeLessThan(250);
  });
});

describe('the upgrade', () => {
  it('is refused with 401 without the required headers and records them when present', async () => {
    const bots = await startBots({ protocol: 'telnyx', behaviour: { kind: 'echo' }, requireHeaders: { Authorization: 'Bearer secret' } });
    expect(await upgradeStatus(bots.url)).toBe(401);
    expect(await upgradeStatus(bots.url, { authorization: 'Bearer wrong' })).toBe(401);
    expect(await upgradeStatus(bots.url.replace(/\/ws$/, '/other'), { authorization: 'Bearer secret' })).toBe(404);
    await connectCarrier(bots, 'telnyx', { authorization: 'Bearer secret' });
    const session = await onlySession(bots);
    expect(session.upgradeHeaders['authorization']).toBe('Bearer secret');
  });
});

describe('hangup-via-call-control', () => {
  it('hangs up the call named in start through the telnyx SDK', async () => {
    const sim = await TelnyxSimulator.start({ webhookDelayMs: 1 });
    try {
      const bots = await startBots({ protocol: 'telnyx', behaviour: { kind: 'hangup-via-call-control', afterMs: 20, apiKey: sim.apiKey, baseUrl: sim.baseUrl } });
      const client = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
      const leg = await sim.inboundCall({ from: '+13125550100', to: '+13125550199' });
      // The simulator plays Telnyx here: it opens the stream to the bot and sends connected and start.
      await client.calls.actions.answer(leg.callControlId, { stream_url: bots.url, stream_bidirectional_mode: 'rtp' });

      await until(() => sim.leg(leg.callControlId)?.state === 'hangup', 'the bot to hang up');
      expect(sim.commands.filter((command) => command.action === 'hangup').map((command) => command.callControlId)).toEqual([leg.callControlId]);
      const session = await onlySession(bots);
      expect(session.sent.map((sent) => sent.event)).toEqual(['hangup']);
      expect(session.problems).toEqual([]);
    } finally {
      await sim.close();
    }
  });

  it('is refused for the twilio protocol, whose start carries no call_control_id', async () => {
    const behaviour = { kind: 'hangup-via-call-control', afterMs: 0, apiKey: 'key', baseUrl: 'http://127.0.0.1:9' } as const;
    await expect(MediaStreamBotServer.start({ protocol: 'twilio', behaviour })).rejects.toThrow(/telnyx protocol/);
  });
});

describe('close', () => {
  it('drops open calls and can be called twice', async () => {
    const bots = await startBots({ protocol: 'twilio', behaviour: { kind: 'echo' } });
    const carrier = await connectCarrier(bots, 'twilio');
    await Promise.all([bots.close(), bots.close()]);
    expect(await carrier.closed).toBe(1006);
    expect(await upgradeStatus(bots.url)).toBe(-1);
  });
});
