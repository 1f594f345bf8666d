import { describe, expect, it } from 'vitest';
import { runBot } from '../test/support/botHarness.js';
import { echoBot } from './echo.js';

describe('echo bot', () => {
  it('holds its talk spurt for 200 ms of audio and plays every frame heard at once, copying the reused frame', () => {
    const { output, hear } = runBot(echoBot);
    expect(output.actions[0]).toEqual({ kind: 'prebuffer', ms: 200 });
    for (let f = 0; f < 30; f++) hear((i) => f * 1000 + i);
    const played = output.played();
    expect(played.length).toBe(30 * 160);
    for (let f = 0; f < 30; f++) {
      expect(played[f * 160]).toBe(f * 1000);
      expect(played[f * 160 + 159]).toBe(f * 1000 + 159);
    }
  });

  it('honours delayMs and rejects nonsense', () => {
    const { output, hear } = runBot(echoBot, { delayMs: 0 });
    expect(output.actions[0]).toEqual({ kind: 'prebuffer', ms: 0 });
    hear(() => 7);
    expect(output.played().length).toBe(160);
    const broken = runBot(echoBot, { delayMs: -5 });
    expect(broken.actor.getSnapshot().output).toEqual({ reason: 'bot_error' });
  });
});
