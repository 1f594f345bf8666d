import { describe, expect, it } from 'vitest';
import { normalizeAddress, TrustedProxies, TrustedProxyError, trustedProxyProblem } from './trustedProxies.js';

describe('TrustedProxies', () => {
  it('matches addresses and CIDR blocks of both families', () => {
    const proxies = new TrustedProxies(['10.0.0.0/8', '192.0.2.7', '::1', 'fd00::/8']);
    expect(proxies.trusts('10.200.3.4')).toBe(true);
    expect(proxies.trusts('11.0.0.1')).toBe(false);
    expect(proxies.trusts('192.0.2.7')).toBe(true);
    expect(proxies.trusts('192.0.2.8')).toBe(false);
    expect(proxies.trusts('::1')).toBe(true);
    expect(proxies.trusts('0:0:0:0:0:0:0:1')).toBe(true);
    expect(proxies.trusts('fd12:3456::1')).toBe(true);
    expect(proxies.trusts('fe80::1')).toBe(false);
  });

  it('matches an IPv4 peer seen through a dual-stack socket (::ffff:a.b.c.d) against IPv4 rules, and the reverse', () => {
    expect(new TrustedProxies(['127.0.0.1']).trusts('::ffff:127.0.0.1')).toBe(true);
    expect(new TrustedProxies(['127.0.0.0/8']).trusts('::FFFF:127.1.2.3')).toBe(true);
    expect(new TrustedProxies(['::ffff:10.0.0.0/104']).trusts('10.9.9.9')).toBe(true);
    expect(new TrustedProxies(['127.0.0.1']).trusts('::ffff:127.0.0.2')).toBe(false);
  });

  it('trusts nothing when empty, and never an undefined or malformed address', () => {
    expect(new TrustedProxies([]).empty).toBe(true);
    expect(new TrustedProxies([]).trusts('127.0.0.1')).toBe(false);
    const proxies = new TrustedProxies(['10.0.0.0/8']);
    expect(proxies.empty).toBe(false);
    for (const address of [undefined, '', 'unknown', '10.0.0.1:80', '10.0.0', '10.0.0.0/8']) expect(proxies.trusts(address)).toBe(false);
  });

  it('names the bad entry and says what is wrong', () => {
    expect(trustedProxyProblem('10.0.0.0/8')).toBeUndefined();
    expect(trustedProxyProblem(' fd00::/8 ')).toBeUndefined();
    expect(trustedProxyProblem('10.0.0.0/33')).toBe('trustedProxies entry "10.0.0.0/33": the prefix length must be a number from 1 to 32 for IPv4');
    expect(trustedProxyProblem('::/129')).toContain('from 1 to 128 for IPv6');
    expect(trustedProxyProblem('10.0.0/8')).toContain('"10.0.0/8" is not an IPv4 or IPv6 address or CIDR block');
    expect(trustedProxyProblem('proxy.internal')).toContain('"proxy.internal"');
    expect(trustedProxyProblem('10.0.0.0/8/1')).toContain('"10.0.0.0/8/1"');
    expect(trustedProxyProblem('10.0.0.0/x')).toContain('prefix length');
    expect(trustedProxyProblem('0.0.0.0/0')).toContain('would trust every address');
    expect(() => new TrustedProxies(['10.0.0.0/8', 'nope'])).toThrow(TrustedProxyError);
    expect(() => new TrustedProxies(['nope'])).toThrow(/"nope"/);
  });

  it('normalises IPv4-mapped IPv6 addresses only', () => {
    expect(normalizeAddress('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('::FFFF:192.0.2.1')).toBe('192.0.2.1');
    expect(normalizeAddress('2001:DB8::1')).toBe('2001:db8::1');
    expect(normalizeAddress('::ffff:abcd')).toBe('::ffff:abcd');
  });
});
