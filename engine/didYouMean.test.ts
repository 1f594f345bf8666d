import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { closestName, didYouMean, editDistance } from './didYouMean.js';

describe('editDistance', () => {
  it('counts inserts, deletes, substitutions and a swap of neighbours as one edit each', () => {
    expect(editDistance('port', 'port')).toBe(0);
    expect(editDistance('prt', 'port')).toBe(1);
    expect(editDistance('ports', 'port')).toBe(1);
    expect(editDistance('port', 'fort')).toBe(1);
    expect(editDistance('ecoh', 'echo')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  test.prop([fc.string({ maxLength: 12 }), fc.string({ maxLength: 12 })])('is symmetric, zero only for equal words, and at most the longer length', (a, b) => {
    const distance = editDistance(a, b);
    expect(editDistance(b, a)).toBe(distance);
    expect(distance === 0).toBe(a === b);
    expect(distance).toBeLessThanOrEqual(Math.max(a.length, b.length));
  });
});

describe('closestName', () => {
  it('suggests a near name, ignoring case, and nothing for a far one', () => {
    expect(closestName('prot', ['host', 'port'])).toBe('port');
    expect(closestName('LogLevel', ['logLevel'])).toBe('logLevel');
    expect(closestName('organisations', ['organizations', 'publicUrl'])).toBe('organizations');
    expect(closestName('warning', ['error', 'warn', 'info'])).toBe('warn');
    expect(closestName('host', ['port'])).toBeUndefined();
    expect(closestName('zzzzzz', ['limits', 'telnyx'])).toBeUndefined();
  });

  it('phrases the hint for an error message', () => {
    expect(didYouMean('inf', ['info', 'warn'])).toBe('; did you mean "info"?');
    expect(didYouMean('verbose', ['info', 'warn'])).toBe('');
  });
});
