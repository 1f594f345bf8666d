import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import type { CallInfo, EndReason, RecordingSaved } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { echoBot } from '../../bots/echo.js';
import { testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

interface Seen {
  call: CallInfo;
  stopped?: EndReason;
  recordings: RecordingSaved[];
  errors: unknown[];
}
const seen = new Map<string, Seen>();
const watch = (call: CallInfo): Seen => {
  const entry: Seen = { call, recordings: [], errors: [] };
  seen.set(call.callControlId, entry);
  return entry;
};

/** 200 ms of tone at the bot's 8 kHz. */
const BEEP = new Int16Array(1600).map((_, i) => Math.round(Math.sin(i / 3) * 8000));

/**
 * Records what it is given; `0` transfers, `#` hangs up (each after a beep), `1`/`2` start/stop
 * recording, `3` stops the stream, `4` sends DTMF.
 */
const controlBot = defineBot({
  name: 'control',
  create: ({ call, output, transfer, hangup, record, stopStreaming, sendDtmf }) => {
    const entry = watch(call);
    return {
      dtmf: async (digit) => {
        if (digit === '0') {
          output.play(BEEP);
          transfer('+13125559999', { from: '+13125550003' });
        } else if (digit === '#') {
          output.play(BEEP);
          hangup();
        } else if (digit === '1') {
          await record.start({ format: 'wav', channels: 'dual' }).catch((error: unknown) => void entry.errors.push(error));
        } else if (digit === '2') {
          await record.stop().catch((error: unknown) => void entry.errors.push(error));
        } else if (digit === '3') {
          await stopStreaming().catch((error: unknown) => void entry.errors.push(error));
        } else if (digit === '4') {
          await sendDtmf('12#', { durationMs: 200 }).catch((error: unknown) => void entry.errors.push(error));
        }
      },
      recording: (recording) => void entry.recordings.push(recording),
      stop: (reason) => void (entry.stopped = reason),
    };
  },
});

const NUMBERS = { echo: '+13125550001', personal: '+13125550002', control: '+13125550003' } as const;
const TOKEN = 'stream-secret-0123456789';

let bed: TelnyxTestBed;

beforeAll(async () => {
  bed = await startTelnyxEngine([
    testAgent('echoer', echoBot, { phoneNumbers: [NUMBERS.echo] }),
    testAgent('personal', controlBot, { phoneNumbers: [NUMBERS.personal], streamAuthToken: TOKEN, customParameters: { tier: 'gold', locale: 'en-US' } }),
    testAgent('control', controlBot, { phoneNumbers: [NUMBERS.control] }),
  ], { allowedHosts: ['127.0.0.1'] });
});

afterAll(async () => {
  await bed.close();
});

const commandsFor = (callControlId: string, action?: string) =>
  bed.sim.commands.filter((command) => command.callControlId === callControlId && (action === undefined || command.action === action));

describe('Call Control dial-in against the Telnyx simulator', () => {
  it('answers call.initiated with a bidirectional RTP stream back to the engine, and the caller hears the echo', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550100', to: NUMBERS.echo });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    const [answer] = commandsFor(leg.callControlId, 'answer');
    expect(answer?.commandId).toMatch(/^[0-9a-f-]{36}$/);
    expect(answer?.body).toMatchObject({
      stream_url: `ws://127.0.0.1:${bed.engine.port}/ws/telnyx?serviceHost=echoer.test`,
      stream_track: 'inbound_track',
      stream_bidirectional_mode: 'rtp',
      stream_bidirectional_codec: 'PCMU',
    });
    await media.streamMedia(mulawTone(40));
    await media.waitFor(() => media.receivedMs >= 30 * 20, EVENT_WAIT_MS, 'echoed audio');
    expect(media.violations).toEqual([]);
    expect(bed.engine.calls.byCallControlId(leg.callControlId)).toBeDefined();
    await leg.hangup();
    await bed.sim.waitFor(() => bed.engine.calls.size === 0, EVENT_WAIT_MS, 'the call to end');
  });

  it('answers without a stream, then streaming_start carries custom parameters and the auth token to the bot', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550101', to: NUMBERS.personal });
    await leg.streamOpened(EVENT_WAIT_MS);
    await bed.sim.waitFor(() => seen.has(leg.callControlId), EVENT_WAIT_MS, 'the bot to start');
    const [answer] = commandsFor(leg.callControlId, 'answer');
    expect(answer?.body).not.toHaveProperty('stream_url');
    const [start] = commandsFor(leg.callControlId, 'streaming_start');
    expect(start?.body).toMatchObject({
      stream_auth_token: TOKEN,
      stream_bidirectional_mode: 'rtp',
      custom_parameters: [
        { name: 'tier', value: 'gold' },
        { name: 'locale', value: 'en-US' },
      ],
    });
    expect(seen.get(leg.callControlId)!.call.customParameters).toEqual({ tier: 'gold', locale: 'en-US' });
    await leg.hangup();
  });

  it('transfers through Telnyx once the bot has spoken, and ends transferred when Telnyx stops the stream', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550102', to: NUMBERS.control });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    media.sendDtmf('0');
    await bed.sim.waitFor(() => commandsFor(leg.callControlId, 'transfer').length === 1, EVENT_WAIT_MS, 'the transfer command');
    const [transfer] = commandsFor(leg.callControlId, 'transfer');
    expect(transfer?.body).toMatchObject({ to: '+13125559999', from: '+13125550003' });
    expect(transfer?.commandId).toMatch(/^[0-9a-f-]{36}$/);
    // The beep (200 ms) went out before Telnyx was asked.
    expect(media.receivedMs).toBeGreaterThanOrEqual(200);
    expect(await media.closed).toMatchObject({ code: expect.any(Number) });
    await bed.sim.waitFor(() => seen.get(leg.callControlId)?.stopped !== undefined && bed.engine.calls.size === 0, EVENT_WAIT_MS, 'the call to end');
    expect(seen.get(leg.callControlId)!.stopped).toBe('transferred');
    expect(leg.state).toBe('transferred');
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(commandsFor(leg.callControlId, 'hangup')).toEqual([]);
    expect(bed.logs.withMessage('call ended').some((line) => line['reason'] === 'transferred')).toBe(true);
  });

  it('hangs up through Telnyx when the bot hangs up, after its audio has played', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550103', to: NUMBERS.control });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    media.sendDtmf('#');
    await bed.sim.waitFor(() => commandsFor(leg.callControlId, 'hangup').length === 1, EVENT_WAIT_MS, 'the hangup command');
    expect(media.receivedMs).toBeGreaterThanOrEqual(200);
    expect(commandsFor(leg.callControlId, 'hangup')[0]?.commandId).toMatch(/^[0-9a-f-]{36}$/);
    await bed.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the leg to hang up');
    expect(seen.get(leg.callControlId)!.stopped).toBe('bot_hangup');
  });

  it('records on request and hands the bot the saved recording once, even when Telnyx redelivers it', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550104', to: NUMBERS.control });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    media.sendDtmf('1');
    await bed.sim.waitFor(() => commandsFor(leg.callControlId, 'record_start').length === 1, EVENT_WAIT_MS, 'record_start');
    expect(commandsFor(leg.callControlId, 'record_start')[0]?.body).toMatchObject({ format: 'wav', channels: 'dual' });
    media.sendDtmf('2');
    await bed.sim.waitFor(() => (seen.get(leg.callControlId)?.recordings.length ?? 0) === 1, EVENT_WAIT_MS, 'the recording');
    const recording = seen.get(leg.callControlId)!.recordings[0]!;
    expect(Object.keys(recording.urls)).toContain('wav');
    await leg.redeliver('call.recording.saved');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.get(leg.callControlId)!.recordings).toHaveLength(1);
    expect(seen.get(leg.callControlId)!.errors).toEqual([]);
    await leg.hangup();
  });

  it('sends DTMF, and stops the stream on request; the engine then hangs up the leg it owns', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550108', to: NUMBERS.control });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    media.sendDtmf('4');
    await bed.sim.waitFor(() => commandsFor(leg.callControlId, 'send_dtmf').length === 1, EVENT_WAIT_MS, 'send_dtmf');
    expect(commandsFor(leg.callControlId, 'send_dtmf')[0]?.body).toMatchObject({ digits: '12#', duration_millis: 200 });
    media.sendDtmf('3');
    await bed.sim.waitFor(() => seen.get(leg.callControlId)?.stopped !== undefined, EVENT_WAIT_MS, 'the stream to stop');
    const stream = seen.get(leg.callControlId)!.call.streamId;
    expect(commandsFor(leg.callControlId, 'streaming_stop')[0]?.body).toMatchObject({ stream_id: stream });
    expect(seen.get(leg.callControlId)!.stopped).toBe('stream_stopped');
    // No call.hangup follows a stopped stream: after the grace, the engine hangs up rather than leave the caller in silence.
    await bed.sim.waitFor(() => leg.state === 'hangup', EVENT_WAIT_MS, 'the engine to hang up');
    expect(seen.get(leg.callControlId)!.errors).toEqual([]);
  });

  it('handles a redelivered call.initiated once: one answer', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550105', to: NUMBERS.echo });
    await leg.streamOpened(EVENT_WAIT_MS);
    await leg.redeliver('call.initiated');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(commandsFor(leg.callControlId, 'answer')).toHaveLength(1);
    const deliveries = bed.sim.webhooks.filter((webhook) => webhook.callControlId === leg.callControlId && webhook.eventType === 'call.initiated');
    expect(deliveries.map((delivery) => delivery.status)).toEqual([200, 200]);
    await leg.hangup();
  });

  it('hangs up a call the caller left, and ends the bot with stream_stopped', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550106', to: NUMBERS.control });
    await leg.streamOpened(EVENT_WAIT_MS);
    await bed.sim.waitFor(() => seen.has(leg.callControlId), EVENT_WAIT_MS, 'the bot');
    await leg.hangup();
    await bed.sim.waitFor(() => seen.get(leg.callControlId)?.stopped !== undefined, EVENT_WAIT_MS, 'the bot to stop');
    expect(seen.get(leg.callControlId)!.stopped).toBe('stream_stopped');
    await bed.sim.waitFor(() => bed.engine.telnyx.legs.get(leg.callControlId) === undefined, EVENT_WAIT_MS, 'the leg to be forgotten');
  });

  it('tells the operator how to fix the TeXML when Telnyx refuses our media as invalid (a stream not in rtp mode)', async () => {
    const client = await TelnyxMediaClient.connect(bed.streamUrl('echoer.test'));
    client.begin();
    await client.streamMedia(mulawTone(10));
    await client.waitFor(() => client.media.length > 0, EVENT_WAIT_MS, 'outbound media');
    client.sendRaw(JSON.stringify({ event: 'error', stream_id: client.call.streamId, payload: { code: 100004, title: 'invalid_media', detail: 'not mp3' } }));
    await bed.sim.waitFor(() => bed.logs.withMessage('telnyx is not playing the audio callwire sends').length > 0, EVENT_WAIT_MS, 'the warning');
    const [warning] = bed.logs.withMessage('telnyx is not playing the audio callwire sends');
    expect(warning).toMatchObject({ level: 40, telnyxErrorCode: 100004 });
    expect(String(warning!['fix'])).toContain('<Stream url="wss://HOST/ws/telnyx?serviceHost=echoer.test" bidirectionalMode="rtp" bidirectionalCodec="PCMU" bidirectionalSamplingRate="8000"/>');
    await client.close();
  });

  it('does not answer numbers no agent owns', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550107', to: '+19995550000' });
    await bed.sim.waitFor(() => bed.logs.withMessage('no agent for this number').length > 0, EVENT_WAIT_MS, 'the log line');
    expect(commandsFor(leg.callControlId)).toEqual([]);
  });
});
