import { describe, expect, it } from 'vitest';
import { defaultMaxConnections, openFileLimit } from './fdLimit.js';

const LIMITS = `Limit                     Soft Limit           Hard Limit           Units
Max processes             unlimited            unlimited            processes
Max open files            20000                20000                files
Max locked memory         8388608              8388608              bytes
`;

describe('file-descriptor limit', () => {
  it('reads the soft limit on open files', () => {
    expect(openFileLimit(LIMITS)).toBe(20_000);
    expect(openFileLimit(LIMITS.replace('20000                20000', 'unlimited            unlimited'))).toBe(Number.POSITIVE_INFINITY);
    expect(openFileLimit('nothing useful')).toBeUndefined();
  });

  it('keeps connections well below the limit, leaving descriptors for files', () => {
    expect(defaultMaxConnections(20_000)).toBe(18_000);
    expect(defaultMaxConnections(1024)).toBe(512);
    expect(defaultMaxConnections(100)).toBe(64);
    expect(defaultMaxConnections(undefined)).toBe(10_000);
  });

  it('reads this process on Linux', () => {
    const limit = openFileLimit();
    if (process.platform === 'linux') expect(limit).toBeGreaterThan(0);
    expect(defaultMaxConnections(limit)).toBeGreaterThanOrEqual(64);
  });
});
