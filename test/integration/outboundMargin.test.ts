import { afterEach, describe, expect, it } from 'vitest';
import { gapsAfterStall, readyAnswerBot } from '../../bench/telnyx/stalledPath.js';
import { startTestEngine, testAgent } from '../support/engine.js';

describe('audio sent ahead to Telnyx', () => {
  const running: { close(): Promise<unknown> }[] = [];
  afterEach(async () => {
    for (const item of running.splice(0).reverse()) await item.close();
  });

  async function gapsWith(stallMs: number, leadFrames?: number): Promise<readonly number[]> {
    const engine = await startTestEngine([testAgent('speaker', readyAnswerBot, leadFrames === undefined ? {} : { media: { outbound: { leadFrames } } })]);
    running.push(engine);
    return gapsAfterStall(engine.url('speaker.test'), stallMs);
  }

  it('with the default lead (200 ms sent ahead), carries the caller through a 150 ms stall of the path from the engine without a gap', async () => {
    const gaps = await gapsWith(150);
    expect(gaps.filter((gap) => gap > 20)).toEqual([]);
  });

  it('with only 20 ms sent ahead (leadFrames 1), a stall is a gap the caller hears', async () => {
    // A longer stall than above: an engine that fell behind on a busy machine and then caught up
    // has sent up to a few frames more ahead, which would hide most of a 150 ms stall.
    const gaps = await gapsWith(400, 1);
    expect(Math.max(0, ...gaps)).toBeGreaterThan(100);
  });
});
