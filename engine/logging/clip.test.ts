import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LOG_TEXT_LIMIT, clip, clipOptional } from './clip.js';

describe('clip', () => {
  it('keeps a short string as it is', () => {
    expect(clip('stream error')).toBe('stream error');
    expect(clipOptional(undefined)).toBeUndefined();
  });

  it('cuts a long string to the limit and says how long it was', () => {
    expect(clip('x'.repeat(60_000))).toBe(`${'x'.repeat(LOG_TEXT_LIMIT)}…(60000 chars)`);
    expect(clip('abcdef', 3)).toBe('abc…(6 chars)');
  });

  test.prop([fc.string({ maxLength: 5000 }), fc.integer({ min: 1, max: 200 })])('never returns more than the limit plus a short suffix', (value, limit) => {
    const clipped = clip(value, limit);
    expect(clipped.length).toBeLessThanOrEqual(limit + 20);
    expect(value.startsWith(clipped.slice(0, Math.min(limit, value.length)))).toBe(true);
  });
});
