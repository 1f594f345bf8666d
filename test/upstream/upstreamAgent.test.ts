import { afterEach, describe, expect, it } from 'vitest';
import { upstreamBot } from '../../bots/upstream/upstreamBot.js';
import { MediaStreamBotServer, type BotBehaviour, type MediaStreamProtocol } from '../../bench/fakes/mediaStreamBots.js';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { createLogger } from '../../engine/logger.js';
import { LogLines } from '../support/telnyxEngine.js';
import { startTestEngine, testAgent } from '../support/engine.js';

/** 20 ms of PCMU noise, different in every frame, so reordering or loss would show. */
function pcmuFrame(index: number): Buffer {
  const frame = Buffer.alloc(160);
  let state = index * 7919 + 1;
  for (let i = 0; i < 160; i++) {
    state = (state * 1103515245 + 12345) >>> 0;
    frame[i] = state >>> 24;
  }
  return frame;
}

async function until(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setTimeout(resolve, 5));
}

describe('forwarding calls to the user\'s own bot server', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  async function callThrough(protocol: MediaStreamProtocol, behaviour: BotBehaviour, agentOptions: Record<string, unknown> = {}) {
    const bot = await MediaStreamBotServer.start({ protocol, behaviour, requireHeaders: { authorization: 'Bearer s3cret' } });
    running.push(bot);
    const logs = new LogLines();
    const engine = await startTestEngine(
      // The bot server's audio is compared byte for byte with the caller's: no time-stretching on a busy machine.
      [testAgent('my-bot', upstreamBot, { options: { url: bot.url, protocol, headers: { Authorization: 'Bearer s3cret' }, ...agentOptions }, media: { jitter: { timeStretch: false } } })],
      { log: createLogger('debug', logs.stream) },
    );
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('my-bot.test'), { call: { from: '+13125550100', customParameters: { firstName: 'Ada' } } });
    running.push({ close: async () => void (client.open && client.sendStop()) });
    client.begin();
    return { bot, client, logs };
  }

  it('speaks Telnyx to a Telnyx bot: the call as Telnyx describes it, caller audio whole and in order, its echo back to the caller', async () => {
    const { bot, client } = await callThrough('telnyx', { kind: 'echo' });
    await until(() => bot.sessions[0]?.start !== undefined);
    const session = bot.sessions[0]!;
    expect(session.upgradeHeaders['authorization']).toBe('Bearer s3cret');
    expect(session.received[0]?.message).toEqual({ event: 'connected', version: '1.0.0' });
    expect(session.start).toMatchObject({
      event: 'start',
      stream_id: client.call.streamId,
      start: { call_control_id: client.call.callControlId, from: '+13125550100', custom_parameters: { firstName: 'Ada' }, media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 } },
    });
    // The caller's frames 3 and 4 are swapped in what it says (their sequence numbers follow the
    // sending order), so the bot hears them swapped: only the others are checked for order.
    const frames = Array.from({ length: 50 }, (_, i) => pcmuFrame(i));
    const order = [0, 1, 2, 4, 3, ...Array.from({ length: 45 }, (_, i) => i + 5)];
    await client.streamMedia(order.map((index) => frames[index]!));
    await until(() => session.mediaPayloadBytes >= 40 * 160 && client.receivedMs >= 400);
    const media = session.received.filter((item) => item.event === 'media').map((item) => item.message as { sequence_number: string; media: { chunk: string; timestamp: string; payload: string } });
    media.forEach((message, i) => {
      expect(Number(message.media.chunk)).toBe(i + 1);
      expect(Number(message.media.timestamp)).toBe(i * 20);
      if (i > 0) expect(Number(message.sequence_number)).toBe(Number(media[i - 1]!.sequence_number) + 1);
    });
    // μ-law has two codes for zero; callwire re-encodes 0x7f as 0xff.
    const sent = frames.map((frame) => frame.map((byte) => (byte === 0x7f ? 0xff : byte)));
    const heard = Buffer.concat(media.map((message) => Buffer.from(message.media.payload, 'base64')));
    // Each frame is looked for by the middle of its bytes: where the jitter buffer had to conceal (a
    // frame late on a busy machine), the cross-fade changes the edges of the frames around it.
    const positions = [...sent.slice(0, 3), ...sent.slice(5)].map((frame) => heard.indexOf(frame.subarray(60, 100)));
    expect(positions.slice(0, 3).every((position) => position >= 0)).toBe(true);
    const found = positions.filter((position) => position >= 0);
    expect(found.length).toBeGreaterThanOrEqual(43);
    expect(found).toEqual([...found].sort((a, b) => a - b));
  });

  it('speaks Twilio to a Twilio bot on the same Telnyx call', async () => {
    const { bot, client } = await callThrough('twilio', { kind: 'echo' });
    await until(() => bot.sessions[0]?.start !== undefined);
    const session = bot.sessions[0]!;
    expect(session.received[0]?.message).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(session.start).toMatchObject({
      event: 'start',
      streamSid: client.call.streamId,
      start: { streamSid: client.call.streamId, callSid: client.call.callControlId, tracks: ['inbound'], customParameters: { firstName: 'Ada', from: '+13125550100' }, mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 } },
    });
    for (let i = 0; i < 30; i++) client.sendMedia(pcmuFrame(i));
    client.sendDtmf('7');
    await until(() => session.received.some((item) => item.event === 'dtmf') && client.receivedMs >= 300);
    expect(session.received.find((item) => item.event === 'dtmf')?.message).toMatchObject({ streamSid: client.call.streamId, dtmf: { track: 'inbound_track', digit: '7' } });
  });

  it("paces a bot that bursts 30 s of audio at 10× and stops the caller's audio within a tick of its clear", async () => {
    const { bot, client } = await callThrough('telnyx', { kind: 'burst-then-clear', seconds: 30, speedup: 10, clearAfterMs: 1000 });
    await until(() => bot.sessions[0]?.sent.some((item) => item.event === 'clear') === true && client.clears > 0);
    const clearSent = bot.sessions[0]!.sent.find((item) => item.event === 'clear')!.at;
    // About 1 s of the burst was paced out (not 10 s): the rest was still queued in callwire.
    const heardBeforeClear = client.media.filter((item) => item.at < clearSent).length * 20;
    expect(heardBeforeClear).toBeLessThan(2000);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const clearAt = client.frames.findIndex((frame) => frame['event'] === 'clear');
    const afterClear = client.frames.slice(clearAt + 1).filter((frame) => frame['event'] === 'media');
    expect(afterClear.length).toBeLessThanOrEqual(1);
  });

  it('echoes a bot\'s marks only once the caller heard the audio before them', async () => {
    const { bot, client } = await callThrough('twilio', { kind: 'marks', chunks: 3, chunkMs: 400 });
    await until(() => bot.sessions[0]?.markEchoes.length === 3);
    const session = bot.sessions[0]!;
    expect(session.markEchoes.map((echo) => echo.name)).toEqual(['m0', 'm1', 'm2']);
    const firstAudio = client.media[0]!.at;
    session.markEchoes.forEach((echo, i) => expect(echo.at - firstAudio).toBeGreaterThanOrEqual((i + 1) * 400 - 40));
    expect(session.received.filter((item) => item.event === 'mark').map((item) => item.message)).toEqual(
      ['m0', 'm1', 'm2'].map((name) => expect.objectContaining({ event: 'mark', streamSid: client.call.streamId, mark: { name } })),
    );
  });

  it('refuses garbage from the bot with one log line per kind, and the call goes on', async () => {
    const { bot, client, logs } = await callThrough('telnyx', { kind: 'echo' }, { maxMessageBytes: 4096 });
    await until(() => bot.sessions[0]?.start !== undefined);
    const session = bot.sessions[0]!;
    for (let i = 0; i < 3; i++) {
      session.send({ event: 'media', media: { payload: '***' } });
      session.send({ event: 'x'.repeat(500) });
      session.send({ event: 'media', media: { payload: Buffer.alloc(6000).toString('base64') } });
    }
    for (let i = 0; i < 20; i++) client.sendMedia(pcmuFrame(i));
    await until(() => client.receivedMs >= 200);
    const refusals = logs.withMessage('refused a message from the bot server');
    expect(refusals.map((line) => line['reason']).sort()).toEqual(['bad_base64', 'oversized', 'unknown_event']);
    for (const line of refusals) expect(line['callId']).toEqual(expect.any(String));
    expect(JSON.stringify(refusals).length).toBeLessThan(2000);
    expect(client.open).toBe(true);
    client.sendStop();
    await client.closed;
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'stream_stopped', bot: { upstream: expect.objectContaining({ messagesRefused: 9 }) } });
  });

  it('plays the fallback and hangs up when the bot server refuses the call', async () => {
    const { client, logs } = await callThrough('telnyx', { kind: 'refuse', status: 503 });
    const closed = await client.closed;
    expect(closed.code).toBe(1000);
    expect(client.receivedMs).toBeGreaterThan(500);
    expect(logs.withMessage('bot server unavailable')[0]).toMatchObject({ code: 'CW_UPSTREAM_UNAVAILABLE', cause: 'http_5xx', callId: expect.any(String) });
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'upstream_unavailable' });
  });

  it('plays the fallback when the bot server dies mid-call, and the bot hears nothing more', async () => {
    const { bot, client, logs } = await callThrough('telnyx', { kind: 'die-mid-call', afterMs: 300 });
    const feeding = setInterval(() => client.open && client.sendMedia(pcmuFrame(1)), 20);
    running.push({ close: async () => clearInterval(feeding) });
    await client.closed;
    expect(logs.withMessage('bot server unavailable')[0]).toMatchObject({ cause: 'closed' });
    expect(logs.withMessage('call ended')[0]).toMatchObject({ reason: 'upstream_unavailable', bot: { upstream: expect.objectContaining({ protocol: 'telnyx' }) } });
    expect(bot.sessions).toHaveLength(1);
  });

  it('a bot server that dies costs only its own call: a call to another bot server on the same engine goes on', async () => {
    const dying = await MediaStreamBotServer.start({ protocol: 'telnyx', behaviour: { kind: 'die-mid-call', afterMs: 200 } });
    const healthy = await MediaStreamBotServer.start({ protocol: 'twilio', behaviour: { kind: 'echo' } });
    running.push(dying, healthy);
    const engine = await startTestEngine([
      testAgent('dies', upstreamBot, { options: { url: dying.url } }),
      testAgent('lives', upstreamBot, { options: { url: healthy.url, protocol: 'twilio' } }),
    ]);
    running.push(engine);
    const doomed = await TelnyxMediaClient.connect(engine.url('dies.test'));
    const survivor = await TelnyxMediaClient.connect(engine.url('lives.test'));
    running.push({ close: async () => void (survivor.open && survivor.sendStop()) });
    doomed.begin();
    survivor.begin();
    let frame = 0;
    const feeding = setInterval(() => {
      frame++;
      if (doomed.open) doomed.sendMedia(pcmuFrame(frame));
      if (survivor.open) survivor.sendMedia(pcmuFrame(frame));
    }, 20);
    running.push({ close: async () => clearInterval(feeding) });
    await doomed.closed;
    const echoedBefore = healthy.sessions[0]!.mediaPayloadBytes;
    await until(() => healthy.sessions[0]!.mediaPayloadBytes >= echoedBefore + 25 * 160);
    expect(survivor.open).toBe(true);
    expect(healthy.sessions).toHaveLength(1);
  });
});
