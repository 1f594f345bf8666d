import { afterEach, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { defineBot } from '../../bots/defineBot.js';
import { startTestEngine, testAgent } from '../support/engine.js';

/** Like a TTS or an AI answer: 4 s of tone queued at once. */
const speaker = defineBot({
  name: 'speaker',
  create: ({ output }) => {
    output.play(new Int16Array(output.sampleRate * 4).map((_, i) => Math.round(Math.sin(i / 3) * 8000)));
    return {};
  },
});

describe('audio sent ahead to Telnyx', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  async function gapsAfterStall(stallMs: number, leadFrames?: number): Promise<number[]> {
    const engine = await startTestEngine([testAgent('speaker', speaker, leadFrames === undefined ? {} : { media: { outbound: { leadFrames } } })]);
    running.push(engine);
    const client = await TelnyxMediaClient.connect(engine.url('speaker.test'));
    client.begin();
    await client.waitFor(() => client.receivedMs >= 1000, 5_000, 'a second of the answer');
    await client.stallReading(stallMs);
    await client.waitFor(() => client.receivedMs >= 3000, 5_000, 'three seconds of the answer');
    client.sendStop();
    await client.closed;
    return client.playoutGaps();
  }

  it('with 200 ms sent ahead (leadFrames 10), carries the caller through a 150 ms stall of the path from the engine without a gap', async () => {
    const gaps = await gapsAfterStall(150, 10);
    expect(gaps.filter((gap) => gap > 20)).toEqual([]);
  });

  it('with the default lead (20 ms), the same stall is a gap the caller hears', async () => {
    const gaps = await gapsAfterStall(150);
    expect(Math.max(0, ...gaps)).toBeGreaterThan(60);
  });
});
