import { describe, expect, it } from 'vitest';
import { clipForLog, LOGGED_PREFIX_CHARS } from './clipForLog.js';

describe('clipForLog', () => {
  it('keeps a short value whole, with its length', () => {
    expect(clipForLog('attacker.example')).toEqual({ prefix: 'attacker.example', length: 16 });
    expect(clipForLog(undefined)).toBeUndefined();
  });

  it('cuts a long value to its first 64 characters and says how long it was', () => {
    const long = `${'a'.repeat(100)}.example`;
    expect(clipForLog(long)).toEqual({ prefix: 'a'.repeat(LOGGED_PREFIX_CHARS), length: 108 });
  });
});
