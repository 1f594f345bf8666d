import fc from 'fast-check';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { parseHost } from './allowedHosts.js';
import { OriginRefusalCode, originPolicy, resolvePublicOrigin, type OriginDecision, type OriginRequest, type OriginSettings } from './publicOrigin.js';

const request = (peer: string | undefined, headers: IncomingHttpHeaders, encrypted = false) => ({ headers, socket: { remoteAddress: peer, encrypted } }) as unknown as OriginRequest;
const resolve = (settings: OriginSettings, peer: string | undefined, headers: IncomingHttpHeaders, encrypted = false) =>
  resolvePublicOrigin(request(peer, headers, encrypted), originPolicy(settings));
const wsOf = (decision: OriginDecision) => (decision.ok ? decision.origin.ws : decision.code);

const ATTACK = { host: 'attacker.example', 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' };

describe('resolvePublicOrigin', () => {
  it('uses publicUrl whenever it is set, whatever the request says and wherever it comes from', () => {
    const settings = { publicUrl: 'https://cw.example.com/voice', trustedProxies: ['10.0.0.0/8'], allowedHosts: ['other.example.com'] };
    for (const peer of ['203.0.113.9', '10.0.0.1', '::ffff:10.0.0.1', undefined]) {
      const decision = resolve(settings, peer, ATTACK);
      expect(decision).toEqual({ ok: true, origin: { http: 'https://cw.example.com/voice', ws: 'wss://cw.example.com/voice' }, source: 'publicUrl' });
    }
    expect(wsOf(resolve({ publicUrl: 'http://127.0.0.1:8080' }, '127.0.0.1', {}))).toBe('ws://127.0.0.1:8080');
  });

  it('refuses when nothing vouches for the host (no publicUrl, no allowedHosts, no trusted proxy), saying how to fix it', () => {
    const decision = resolve({}, '127.0.0.1', { host: '127.0.0.1:8080' });
    expect(decision.ok).toBe(false);
    if (decision.ok) return;
    expect(decision).toMatchObject({ code: OriginRefusalCode.UnverifiedHost, hostHeader: 'host', claimedHost: '127.0.0.1:8080', peer: '127.0.0.1' });
    expect(decision.fix).toContain('set publicUrl (CALLWIRE_PUBLIC_URL)');
    expect(decision.fix).toContain('allowedHosts (CALLWIRE_ALLOWED_HOSTS)');
    expect(decision.fix).toContain('trustedProxies (CALLWIRE_TRUSTED_PROXIES)');
    expect(decision.fix).not.toContain('127.0.0.1');
  });

  it('refuses a request that bypassed the trusted proxies when allowedHosts is empty', () => {
    const decision = resolve({ trustedProxies: ['10.0.0.0/8'] }, '203.0.113.9', { host: 'cw.example.com', 'x-forwarded-host': 'cw.example.com' });
    expect(decision).toMatchObject({ ok: false, code: OriginRefusalCode.UnverifiedHost, hostHeader: 'host', peer: '203.0.113.9' });
    expect(decision.ok ? '' : decision.fix).toContain('did not come from an address in trustedProxies');
  });

  it('ignores X-Forwarded-Host and X-Forwarded-Proto from a peer that is not a trusted proxy', () => {
    const settings = { allowedHosts: ['127.0.0.1', 'attacker.example'] };
    expect(resolve(settings, '127.0.0.1', { host: '127.0.0.1:8080', 'x-forwarded-host': 'attacker.example', 'x-forwarded-proto': 'https' })).toEqual({
      ok: true,
      origin: { http: 'http://127.0.0.1:8080', ws: 'ws://127.0.0.1:8080' },
      source: 'host',
    });
    expect(wsOf(resolve(settings, '127.0.0.1', { host: '127.0.0.1:8443', 'x-forwarded-proto': 'http' }, true))).toBe('wss://127.0.0.1:8443');
    const untrusted = resolve({ ...settings, trustedProxies: ['10.0.0.0/8'] }, '127.0.0.1', { host: '127.0.0.1', 'x-forwarded-host': 'attacker.example' });
    expect(wsOf(untrusted)).toBe('ws://127.0.0.1');
  });

  it('takes the host and scheme a trusted proxy forwards: the right-most value, falling back to Host and the socket', () => {
    const settings = { trustedProxies: ['10.0.0.0/8'] };
    expect(resolve(settings, '10.1.2.3', { host: 'internal:8080', 'x-forwarded-host': 'cw.example.com', 'x-forwarded-proto': 'https' })).toEqual({
      ok: true,
      origin: { http: 'https://cw.example.com', ws: 'wss://cw.example.com' },
      source: 'x-forwarded-host',
    });
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'internal', 'x-forwarded-host': 'client-said.example, cw.example.com', 'x-forwarded-proto': 'http, https' }))).toBe('wss://cw.example.com');
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'internal', 'x-forwarded-host': ['a.example', 'cw.example.com '] }))).toBe('ws://cw.example.com');
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'cw.example.com' }))).toBe('ws://cw.example.com');
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'cw.example.com', 'x-forwarded-proto': 'HTTPS' }))).toBe('wss://cw.example.com');
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'cw.example.com', 'x-forwarded-proto': 'http' }, true))).toBe('ws://cw.example.com');
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'cw.example.com', 'x-forwarded-proto': 'gopher' }, true))).toBe('wss://cw.example.com');
  });

  it('checks a trusted proxy\'s X-Forwarded-Host against allowedHosts too', () => {
    const settings = { trustedProxies: ['10.0.0.0/8'], allowedHosts: ['cw.example.com'] };
    expect(resolve(settings, '10.1.2.3', { host: 'cw.example.com', 'x-forwarded-host': 'attacker.example' })).toMatchObject({
      ok: false,
      code: OriginRefusalCode.HostNotAllowed,
      hostHeader: 'x-forwarded-host',
      claimedHost: 'attacker.example',
    });
    expect(wsOf(resolve(settings, '10.1.2.3', { host: 'internal', 'x-forwarded-host': 'cw.example.com', 'x-forwarded-proto': 'https' }))).toBe('wss://cw.example.com');
  });

  it('matches allowedHosts names, wildcards and ports', () => {
    const settings = { allowedHosts: ['*.example.com', 'localhost:8080'] };
    expect(wsOf(resolve(settings, '203.0.113.9', { host: 'eu.cw.example.com' }))).toBe('ws://eu.cw.example.com');
    expect(wsOf(resolve(settings, '203.0.113.9', { host: 'EU.Example.com:8443' }, true))).toBe('wss://eu.example.com:8443');
    expect(wsOf(resolve(settings, '203.0.113.9', { host: 'example.com' }))).toBe(OriginRefusalCode.HostNotAllowed);
    expect(wsOf(resolve(settings, '203.0.113.9', { host: 'localhost:8080' }))).toBe('ws://localhost:8080');
    expect(wsOf(resolve(settings, '203.0.113.9', { host: 'localhost:9090' }))).toBe(OriginRefusalCode.HostNotAllowed);
    const refused = resolve(settings, '203.0.113.9', { host: 'attacker.example' });
    expect(refused.ok ? '' : refused.fix).toContain('add it to allowedHosts (CALLWIRE_ALLOWED_HOSTS)');
  });

  it('recognises IPv6 and IPv4-mapped IPv6 peers as the trusted proxies they are', () => {
    const forwarded = { host: 'internal', 'x-forwarded-host': 'cw.example.com' };
    expect(wsOf(resolve({ trustedProxies: ['127.0.0.1'] }, '::ffff:127.0.0.1', forwarded))).toBe('ws://cw.example.com');
    expect(wsOf(resolve({ trustedProxies: ['127.0.0.0/8'] }, '::FFFF:127.0.0.9', forwarded))).toBe('ws://cw.example.com');
    expect(wsOf(resolve({ trustedProxies: ['::1'] }, '::1', forwarded))).toBe('ws://cw.example.com');
    expect(wsOf(resolve({ trustedProxies: ['fd00::/8'] }, 'fd00::7', forwarded))).toBe('ws://cw.example.com');
    expect(resolve({ trustedProxies: ['127.0.0.1'] }, '::ffff:127.0.0.2', forwarded)).toMatchObject({ ok: false, peer: '127.0.0.2' });
    expect(wsOf(resolve({ allowedHosts: ['::1'] }, '::1', { host: '[::1]:8080' }))).toBe('ws://[::1]:8080');
  });

  it('refuses a missing or malformed host, never putting it in a URL', () => {
    const settings = { allowedHosts: ['cw.example.com'], trustedProxies: ['10.0.0.0/8'] };
    expect(resolve(settings, '203.0.113.9', {})).toMatchObject({ ok: false, code: OriginRefusalCode.NoHost, hostHeader: 'host' });
    for (const host of ['cw.example.com/x?y', 'cw.example.com@evil', 'cw.example.com:99999', '']) {
      expect(resolve(settings, '203.0.113.9', { host })).toMatchObject({ ok: false, code: OriginRefusalCode.NoHost });
    }
    expect(resolve(settings, '10.0.0.1', { host: 'cw.example.com', 'x-forwarded-host': 'cw.example.com/evil' })).toMatchObject({ ok: false, code: OriginRefusalCode.NoHost, hostHeader: 'x-forwarded-host' });
    expect(resolve({ trustedProxies: ['10.0.0.0/8'] }, '10.0.0.1', {})).toMatchObject({ ok: false, code: OriginRefusalCode.NoHost });
  });

  describe('properties', () => {
    const hostValue = fc.oneof(
      fc.constantFrom('cw.example.com', 'eu.cw.example.com', 'attacker.example', '127.0.0.1:8080', '[::1]:8443', 'localhost', 'x.example.com:443', 'bad/host', ''),
      fc.string({ maxLength: 12 }),
    );
    const headers = fc.record(
      { host: hostValue, 'x-forwarded-host': fc.oneof(hostValue, fc.tuple(hostValue, hostValue).map(([a, b]) => `${a}, ${b}`)), 'x-forwarded-proto': fc.constantFrom('https', 'http', 'wss', 'nonsense') },
      { requiredKeys: [] },
    );
    const peer = fc.constantFrom('10.0.0.1', '::ffff:10.0.0.1', '127.0.0.1', '::ffff:127.0.0.1', '::1', '203.0.113.9', 'fd00::1');
    const settings = fc.record({
      trustedProxies: fc.subarray(['10.0.0.0/8', '127.0.0.1', '::1']),
      allowedHosts: fc.subarray(['cw.example.com', '*.example.com', 'localhost:8080', '127.0.0.1', '[::1]']),
    });
    const hostOf = (ws: string) => parseHost(ws.replace(/^wss?:\/\//, ''))!;

    it('never answers with a host that allowedHosts does not allow', () => {
      fc.assert(
        fc.property(settings, peer, headers, fc.boolean(), (config, from, sent, tls) => {
          const policy = originPolicy(config);
          const decision = resolvePublicOrigin(request(from, sent, tls), policy);
          if (!decision.ok) return;
          expect(hostOf(decision.origin.ws)).toBeDefined();
          if (!policy.allowedHosts.empty) expect(policy.allowedHosts.allows(hostOf(decision.origin.ws))).toBe(true);
          else expect(policy.trustedProxies.trusts(from)).toBe(true);
        }),
      );
    });

    it('never lets X-Forwarded-* from an untrusted peer change the answer', () => {
      fc.assert(
        fc.property(settings, peer, headers, fc.boolean(), (config, from, sent, tls) => {
          const policy = originPolicy(config);
          fc.pre(!policy.trustedProxies.trusts(from));
          const bare = sent.host === undefined ? {} : { host: sent.host };
          expect(resolvePublicOrigin(request(from, sent, tls), policy)).toEqual(resolvePublicOrigin(request(from, bare, tls), policy));
        }),
      );
    });

    it('always answers publicUrl when it is set', () => {
      fc.assert(
        fc.property(settings, peer, headers, (config, from, sent) => {
          expect(wsOf(resolvePublicOrigin(request(from, sent), originPolicy({ ...config, publicUrl: 'https://cw.example.com' })))).toBe('wss://cw.example.com');
        }),
      );
    });
  });
});
