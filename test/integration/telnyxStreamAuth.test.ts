import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import type { CallInfo } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { testAgent } from '../support/engine.js';
import { mulawTone } from '../support/signals.js';
import { startTelnyxEngine, type TelnyxTestBed } from '../support/telnyxEngine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const TOKEN = 'stream-secret-abcdefghijklmnop';

const started = new Map<string, CallInfo>();
const failures = new Map<string, unknown[]>();

/**
 * Echoes the caller (copies each frame into its output); `1` tries to record, `2` to send DTMF, `0`
 * transfers. Call Control failures are collected per call.
 */
const echoControlBot = defineBot({
  name: 'echo-control',
  create: ({ call, output, record, sendDtmf, transfer }) => {
    started.set(call.callControlId, call);
    const errors: unknown[] = [];
    failures.set(call.callControlId, errors);
    return {
      audio: (frame) => void output.play(frame.samples, 0, frame.sampleCount),
      dtmf: async (digit) => {
        if (digit === '1') await record.start().catch((error: unknown) => void errors.push(error));
        if (digit === '2') await sendDtmf('123').catch((error: unknown) => void errors.push(error));
        if (digit === '0') transfer('+13125559999');
      },
    };
  },
});

describe('stream auth token', () => {
  let bed: TelnyxTestBed;
  beforeAll(async () => {
    bed = await startTelnyxEngine([testAgent('guarded', echoControlBot, { streamAuthToken: TOKEN, phoneNumbers: ['+13125550300'] })], { allowedHosts: ['127.0.0.1'] });
  });
  afterAll(async () => {
    await bed.close();
  });

  it('closes a stream whose connected frame has no token with 4401, before any bot starts', async () => {
    const client = await TelnyxMediaClient.connect(bed.streamUrl('guarded.test'));
    client.begin();
    expect(await client.closed).toEqual({ code: 4401, reason: 'stream_unauthorized' });
    expect(started.has(client.call.callControlId)).toBe(false);
    expect(bed.logs.withMessage('refused media stream').some((line) => line['cause'] === 'bad_auth_token' && line['detail'] === 'no_token')).toBe(true);
  });

  it('closes a stream whose connected frame has the wrong token with 4401', async () => {
    const client = await TelnyxMediaClient.connect(bed.streamUrl('guarded.test'));
    client.begin(`${TOKEN}-wrong`);
    expect(await client.closed).toEqual({ code: 4401, reason: 'stream_unauthorized' });
    expect(started.has(client.call.callControlId)).toBe(false);
  });

  it('refuses a wrong token in the upgrade header or the URL at once', async () => {
    const byHeader = await TelnyxMediaClient.connect(bed.streamUrl('guarded.test'), { headers: { 'x-telnyx-streaming-auth-token': 'nope' } });
    expect(await byHeader.closed).toEqual({ code: 4401, reason: 'stream_unauthorized' });
    const byUrl = await TelnyxMediaClient.connect(bed.streamUrl('guarded.test', { token: 'nope' }));
    expect(await byUrl.closed).toEqual({ code: 4401, reason: 'stream_unauthorized' });
  });

  it('accepts the token in the connected frame, the upgrade header or the TeXML URL', async () => {
    const clients = [
      await TelnyxMediaClient.connect(bed.streamUrl('guarded.test')),
      await TelnyxMediaClient.connect(bed.streamUrl('guarded.test'), { headers: { 'x-telnyx-streaming-auth-token': TOKEN } }),
      await TelnyxMediaClient.connect(bed.streamUrl('guarded.test', { token: TOKEN })),
    ];
    clients[0]!.begin(TOKEN);
    clients[1]!.begin();
    clients[2]!.begin();
    await Promise.all(clients.map((client) => client.streamMedia(mulawTone(20))));
    for (const client of clients) {
      await client.waitFor(() => client.receivedMs >= 10 * 20, EVENT_WAIT_MS, 'echo');
      expect(started.has(client.call.callControlId)).toBe(true);
      await client.close();
    }
  });

  it('works end to end through Telnyx: streaming_start carries the token', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550101', to: '+13125550300' });
    const media = await leg.streamOpened(EVENT_WAIT_MS);
    await media.streamMedia(mulawTone(20));
    await media.waitFor(() => media.receivedMs >= 10 * 20, EVENT_WAIT_MS, 'echo');
    expect(started.has(leg.callControlId)).toBe(true);
    await leg.hangup();
  });
});

describe('without a Telnyx API key', () => {
  let bed: TelnyxTestBed;
  beforeAll(async () => {
    bed = await startTelnyxEngine([testAgent('open', echoControlBot, { phoneNumbers: ['+13125550400'] })], { callControl: false });
  });
  afterAll(async () => {
    await bed.close();
  });

  it("rejects the bot's Call Control requests with CW_CALL_CONTROL_UNAVAILABLE while the audio keeps flowing", async () => {
    const client = await TelnyxMediaClient.connect(bed.streamUrl('open.test'));
    client.begin();
    const streaming = client.streamMedia(mulawTone(50));
    await client.waitFor(() => client.receivedMs >= 5 * 20, EVENT_WAIT_MS, 'echo');
    client.sendDtmf('1');
    client.sendDtmf('2');
    await client.waitFor(() => (failures.get(client.call.callControlId)?.length ?? 0) === 2, EVENT_WAIT_MS, 'two failures');
    const heardBefore = client.receivedMs;
    await streaming;
    await client.waitFor(() => client.receivedMs >= heardBefore + 10 * 20, EVENT_WAIT_MS, 'more echo after the failures');
    expect(failures.get(client.call.callControlId)).toEqual([
      expect.objectContaining({ name: 'CallControlError', code: 'CW_CALL_CONTROL_UNAVAILABLE', retryable: false }),
      expect.objectContaining({ code: 'CW_CALL_CONTROL_UNAVAILABLE' }),
    ]);
    expect(String((failures.get(client.call.callControlId)![0] as Error).message)).toContain('TELNYX_API_KEY');
    expect(client.open).toBe(true);
    await client.close();
  });

  it('transfers by closing the stream once the audio has played, for a TeXML <Dial> after <Connect>', async () => {
    const client = await TelnyxMediaClient.connect(bed.streamUrl('open.test'));
    client.begin();
    client.sendDtmf('0');
    expect(await client.closed).toEqual({ code: 1000, reason: 'transferred' });
  });

  it('does not answer Call Control calls, and says why', async () => {
    const leg = await bed.sim.inboundCall({ from: '+13125550101', to: '+13125550400' });
    await bed.sim.waitFor(() => bed.logs.withMessage('cannot answer: Call Control is off').length > 0, EVENT_WAIT_MS, 'the log line');
    expect(bed.sim.commands.filter((command) => command.callControlId === leg.callControlId)).toEqual([]);
  });
});
