import { describe, expect, it } from 'vitest';
import { runBot } from '../test/support/botHarness.js';
import { echoBot } from './echo.js';

describe('echo bot', () => {
  it('plays every frame back 200 ms (10 frames) after hearing it, copying the reused frame', () => {
    const { output, hear } = runBot(echoBot);
    for (let f = 0; f < 30; f++) hear((i) => f * 1000 + i);
    const played = output.played();
    expect(played.length).toBe(20 * 160);
    for (let f = 0; f < 20; f++) {
      expect(played[f * 160]).toBe(f * 1000);
      expect(played[f * 160 + 159]).toBe(f * 1000 + 159);
    }
  });

  it('honours delayMs and rejects nonsense', () => {
    const { output, hear } = runBot(echoBot, { delayMs: 0 });
    hear(() => 7);
    expect(output.played().length).toBe(160);
    const broken = runBot(echoBot, { delayMs: -5 });
    expect(broken.actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
  });
});
