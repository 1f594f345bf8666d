import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { echoBot } from '../../bots/echo.js';
import { L16Decoder, L16Encoder } from '../../codecs/l16.js';
import { rms, toneFrames, zeroCrossingHz } from '../support/audioAnalysis.js';
import { startTestEngine, testAgent } from '../support/engine.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

describe('a wideband call to a bot that declares no rate', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  it('stays wideband: a 6 kHz tone on a 16 kHz L16 call comes back through the echo bot', async () => {
    const engine = await startTestEngine([testAgent('wide-echo', echoBot, { media: { outboundEncoding: 'inbound' } })]);
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('wide-echo.test'), { call: { encoding: 'L16', sampleRate: 16000 } });
    client.begin();
    const encoder = new L16Encoder({ sampleRate: 16000 });
    await client.streamMedia(
      toneFrames(60, 6000, 16000).map((pcm) => {
        const bytes = new Uint8Array(640);
        encoder.encode(pcm, 0, 320, bytes);
        return bytes;
      }),
    );
    await client.waitFor(() => client.receivedMs >= 800, EVENT_WAIT_MS, '800 ms of echo');
    client.sendStop();
    await client.closed;
    const bytes = client.receivedAudio();
    const echoed = new Int16Array(bytes.length / 2);
    new L16Decoder({ sampleRate: 16000 }).decode(bytes, bytes.length, echoed);
    // Past the echo's delay and the start-up, the tone is there: at 8 kHz it could not be.
    const steady = echoed.subarray(16000 * 0.3, 16000 * 0.7);
    expect(zeroCrossingHz(steady, 16000)).toBeCloseTo(6000, -2);
    expect(rms(steady)).toBeGreaterThan(3000);
  });
});
