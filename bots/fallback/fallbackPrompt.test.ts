import { describe, expect, it } from 'vitest';
import { atRate, fallbackPrompt } from './fallbackPrompt.js';

describe('fallback prompts', () => {
  it('ships an apology of a few seconds at 8 kHz, made once', () => {
    const prompt = fallbackPrompt({ shipped: true });
    expect(prompt.length / 8000).toBeGreaterThan(3);
    expect(prompt.length / 8000).toBeLessThan(8);
    expect(fallbackPrompt({ shipped: true })).toBe(prompt);
  });

  it('plays at 24 kHz by interpolating between the 8 kHz samples', () => {
    expect([...atRate(Int16Array.of(0, 300, 300), 24_000)]).toEqual([0, 100, 200, 300, 300, 300, 300, 300, 300]);
    expect(atRate(Int16Array.of(1, 2), 8000)).toEqual(Int16Array.of(1, 2));
    expect(() => atRate(Int16Array.of(1), 11_025)).toThrow(RangeError);
  });
});
