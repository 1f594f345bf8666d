import { describe, expect, it } from 'vitest';
import { isLoopbackHost, tryPageEnabled } from './tryAccess.js';

describe('isLoopbackHost', () => {
  it.each(['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1'])('%s is loopback', (host) => {
    expect(isLoopbackHost(host)).toBe(true);
  });

  it.each(['0.0.0.0', '::', '10.0.0.1', '192.168.1.2', 'example.com', '128.0.0.1', '127.0.0.1.example.com', '::ffff:10.0.0.1'])('%s is not', (host) => {
    expect(isLoopbackHost(host)).toBe(false);
  });
});

describe('tryPageEnabled', () => {
  it('is on by default on loopback only', () => {
    expect(tryPageEnabled(undefined, '127.0.0.1')).toBe(true);
    expect(tryPageEnabled(undefined, '0.0.0.0')).toBe(false);
  });

  it('follows the configuration when set', () => {
    expect(tryPageEnabled(true, '0.0.0.0')).toBe(true);
    expect(tryPageEnabled(false, '127.0.0.1')).toBe(false);
  });
});
