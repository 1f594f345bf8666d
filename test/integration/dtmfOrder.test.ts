import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { dtmfFrame } from '../../bench/telnyx/mediaFrames.js';
import { defineBot } from '../../bots/defineBot.js';
import { createLogger } from '../../engine/logger.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { LogLines } from '../support/telnyxEngine.js';
import { mulawTone } from '../support/signals.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

describe('key presses over a real stream', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  it('reach the bot in the order Telnyx numbered them, each once', async () => {
    const heard: string[] = [];
    const bot = defineBot({ name: 'keys', create: () => ({ dtmf: (digit) => void heard.push(digit) }) });
    const logs = new LogLines();
    const engine = await startTestEngine([testAgent('keys', bot)], { log: createLogger('info', logs.stream) });
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('keys.test'));
    client.begin();
    // Pressed 1, 2, 3, 4; Telnyx sent 3 before 2 and repeated 2's frame.
    for (const [sequence, digit] of [[10, '1'], [12, '3'], [11, '2'], [11, '2'], [13, '4']] as const) client.sendRaw(dtmfFrame(client.call, sequence, digit));
    await client.waitFor(() => heard.length === 4, EVENT_WAIT_MS, 'four key presses at the bot');
    client.sendStop();
    await client.closed;
    expect(heard).toEqual(['1', '2', '3', '4']);
    expect(logs.withMessage('call ended')[0]).toMatchObject({ dtmf: { delivered: 4, duplicates: 1, late: 0 } });
  });

  it('held when the stream stops are still handed on before the bot hears the stop', async () => {
    const events: string[] = [];
    const bot = defineBot({ name: 'keys', create: () => ({ dtmf: (digit) => void events.push(digit), stop: (reason) => void events.push(`stop:${reason}`) }) });
    const engine = await startTestEngine([testAgent('keys', bot)]);
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('keys.test'));
    client.begin();
    client.sendRaw(dtmfFrame(client.call, 21, '#'));
    client.sendRaw(dtmfFrame(client.call, 20, '9'));
    client.sendStop();
    await client.closed;
    expect(events).toEqual(['9', '#', 'stop:stream_stopped']);
  });

  it('are not taken for lost audio: the media frames around them keep their place', async () => {
    const logs = new LogLines();
    const engine = await startTestEngine([], { log: createLogger('info', logs.stream) });
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('echo.default'));
    client.begin();
    const tone = mulawTone(60);
    const begin = performance.now();
    for (let i = 0; i < tone.length; i++) {
      const wait = begin + i * 20 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      // Each key press uses a sequence_number between two media frames, as Telnyx numbers them.
      if (i >= 20 && i % 8 === 0) client.sendDtmf('5');
      client.sendMedia(tone[i]!);
    }
    client.sendStop();
    await client.closed;
    const ended = logs.withMessage('call ended')[0]!;
    expect(ended['dtmf']).toMatchObject({ delivered: 5 });
    expect(ended['jitter']).toMatchObject({ lost: 0 });
    // The client's timestamps count 8 kHz samples, as an RTP clock does: the buffer learned that unit.
    expect(ended['inboundTimestampStep']).toBe(160);
  });
});
