import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import type { AudioFrame } from '../../bots/api.js';
import { defineBot } from '../../bots/defineBot.js';
import { L16Encoder, type L16ByteOrder } from '../../codecs/l16.js';
import { createLogger } from '../../engine/logger.js';
import { rms, toneFrames, zeroCrossingHz } from '../support/audioAnalysis.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { LogLines } from '../support/telnyxEngine.js';

describe('an L16 call whose bytes arrive in the other order than the agent says', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  async function callWith(sent: L16ByteOrder) {
    const heard: Int16Array[] = [];
    const listener = defineBot({ name: 'listener', sampleRate: 16000, create: () => ({ audio: (frame: AudioFrame) => void heard.push(frame.samples.slice(0, frame.sampleCount)) }) });
    const logs = new LogLines();
    // The agent says big-endian (the default); the stream sends `sent`.
    const engine = await startTestEngine([testAgent('wideband', listener)], { log: createLogger('info', logs.stream) });
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('wideband.test'), { call: { encoding: 'L16', sampleRate: 16000 } });
    client.begin();
    const encoder = new L16Encoder({ sampleRate: 16000, byteOrder: sent });
    await client.streamMedia(
      toneFrames(150, 1000, 16000).map((pcm) => {
        const bytes = new Uint8Array(640);
        encoder.encode(pcm, 0, 320, bytes);
        return bytes;
      }),
    );
    client.sendStop();
    await client.closed;
    return { heard, logs };
  }

  it('is found out from the first half second of sound, switched for this call, and the fix is logged once', async () => {
    const { heard, logs } = await callWith('little');
    const warnings = logs.withMessage('L16 audio arrives in the other byte order');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ code: 'CW_L16_BYTE_ORDER', configured: 'big', detected: 'little', callId: expect.any(String) });
    // The last second the bot heard is the tone, not full-scale noise.
    const last = new Int16Array(heard.slice(-50).flatMap((frame) => [...frame]));
    expect(zeroCrossingHz(last, 16000)).toBeCloseTo(1000, -1);
    expect(rms(last)).toBeLessThan(20_000);
  });

  it('is left alone when it arrives as the agent says', async () => {
    const { logs } = await callWith('big');
    expect(logs.withMessage('L16 audio arrives in the other byte order')).toHaveLength(0);
  });
});
