import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { clientAddress } from './clientAddress.js';
import { TrustedProxies } from './trustedProxies.js';

const request = (peer: string | undefined, forwardedFor?: string | string[]) =>
  ({ headers: (forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor }) as IncomingHttpHeaders, socket: { remoteAddress: peer } }) as Parameters<typeof clientAddress>[0];
const proxies = new TrustedProxies(['10.0.0.0/8', '::1']);

describe('clientAddress', () => {
  it('is the TCP peer when the peer is not a trusted proxy, whatever X-Forwarded-For says', () => {
    expect(clientAddress(request('203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(request('::ffff:203.0.113.9', '198.51.100.1'), proxies)).toBe('203.0.113.9');
    expect(clientAddress(request('203.0.113.9'), new TrustedProxies([]))).toBe('203.0.113.9');
    expect(clientAddress(request(undefined), proxies)).toBe('unknown');
  });

  it('behind trusted proxies, is the right-most X-Forwarded-For entry that is not a trusted proxy', () => {
    expect(clientAddress(request('10.0.0.5', '198.51.100.7'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('10.0.0.5', '6.6.6.6, 198.51.100.7, 10.0.0.9'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('::ffff:10.0.0.5', '198.51.100.7, ::1'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('::1', ['6.6.6.6', '2001:db8::7']), proxies)).toBe('2001:db8::7');
    expect(clientAddress(request('10.0.0.5', '[2001:db8::7]:4711'), proxies)).toBe('2001:db8::7');
    expect(clientAddress(request('10.0.0.5', '198.51.100.7:4711'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('10.0.0.5', '::ffff:198.51.100.7'), proxies)).toBe('198.51.100.7');
    expect(clientAddress(request('10.0.0.5', '198.51.100.7,, '), proxies)).toBe('198.51.100.7');
  });

  it('falls back to the peer without a usable entry, or at a malformed one', () => {
    expect(clientAddress(request('10.0.0.5'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', ''), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', '10.0.0.7, 10.0.0.8'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', '198.51.100.7, unknown'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', '198.51.100.7, [10.0.0.1]'), proxies)).toBe('10.0.0.5');
    expect(clientAddress(request('10.0.0.5', 'fe80::1%eth0'), proxies)).toBe('10.0.0.5');
  });

  const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.constantFrom('10.0.0.1', '10.9.9.9', '::1', '::ffff:10.0.0.2'));
  const entry = fc.oneof(address, fc.constantFrom('unknown', '', ' ', 'garbage', '[::1]:80', '1.2.3.4:5'), fc.string({ maxLength: 8 }));
  const forwardedFor = fc.array(entry, { maxLength: 6 }).map((entries) => entries.join(','));

  it('never believes X-Forwarded-For from an untrusted peer', () => {
    fc.assert(
      fc.property(address, forwardedFor, (peer, header) => {
        fc.pre(!proxies.trusts(peer));
        expect(clientAddress(request(peer, header), proxies)).toBe(clientAddress(request(peer), proxies));
      }),
    );
  });

  it('returns the peer or an address that is not a trusted proxy, and only addresses from the peer or the header', () => {
    fc.assert(
      fc.property(address, forwardedFor, (peer, header) => {
        const result = clientAddress(request(peer, header), proxies);
        const peerForm = clientAddress(request(peer), proxies);
        if (result !== peerForm) {
          expect(proxies.trusts(peer)).toBe(true);
          expect(proxies.trusts(result)).toBe(false);
          expect(header.toLowerCase()).toContain(result);
        }
      }),
    );
  });
});
