import { describe, expect, it } from 'vitest';
import { followCallRate, resolveBotSampleRate, type BotSampleRate } from './botSampleRate.js';

describe('the rate a bot runs at', () => {
  it("follows the call's own rate when neither the agent nor the bot says otherwise", () => {
    expect(followCallRate({ encoding: 'PCMU', sampleRate: 8000 })).toBe(8000);
    expect(followCallRate({ encoding: 'L16', sampleRate: 16000 })).toBe(16000);
    expect(followCallRate({ encoding: 'OPUS', sampleRate: 48000 })).toBe(48000);
    // A rate between the supported ones rounds up, so nothing the call carries is lost.
    expect(followCallRate({ encoding: 'L16', sampleRate: 22050 })).toBe(24000);
    expect(followCallRate({ encoding: 'L16', sampleRate: 96000 })).toBe(48000);
  });

  it("takes a fixed rate or a per-call rule over the call's rate", () => {
    const wideband = { encoding: 'L16', sampleRate: 16000 };
    expect(resolveBotSampleRate(undefined, wideband)).toBe(16000);
    expect(resolveBotSampleRate(8000, wideband)).toBe(8000);
    const rule = (call: { encoding: string }): BotSampleRate => (call.encoding === 'PCMU' ? 8000 : 24000);
    expect(resolveBotSampleRate(rule, wideband)).toBe(24000);
    expect(resolveBotSampleRate(rule, { encoding: 'PCMU', sampleRate: 8000 })).toBe(8000);
  });
});
