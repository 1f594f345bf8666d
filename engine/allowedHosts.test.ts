import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { AllowedHostError, allowedHostProblem, AllowedHosts, parseHost } from './allowedHosts.js';

const host = (text: string) => {
  const parsed = parseHost(text);
  if (parsed === undefined) throw new Error(`test host ${text} does not parse`);
  return parsed;
};

describe('parseHost', () => {
  it('reads names, IPv4 and bracketed IPv6 addresses with an optional port, lower-cased', () => {
    expect(parseHost('CW.Example.com')).toEqual({ hostname: 'cw.example.com', port: undefined, text: 'cw.example.com' });
    expect(parseHost('cw.example.com:08443')).toEqual({ hostname: 'cw.example.com', port: '8443', text: 'cw.example.com:8443' });
    expect(parseHost('127.0.0.1:8080')?.text).toBe('127.0.0.1:8080');
    expect(parseHost('[::1]:8080')).toEqual({ hostname: '[::1]', port: '8080', text: '[::1]:8080' });
    expect(parseHost('localhost')?.hostname).toBe('localhost');
  });

  it('refuses anything that is not a bare host: paths, user info, spaces, bad ports, empty labels', () => {
    for (const bad of ['', 'evil.com/x?y', 'user@evil.com', 'evil.com:0', 'evil.com:65536', 'evil.com:', 'a..b', '.a', 'a.', 'ev il.com', '-a.com', '::1', '[::1', '[nope]', '[fe80::1%eth0]', 'a.com:80:80', 'a_b.com', `${'a'.repeat(64)}.com`]) {
      expect(parseHost(bad), bad).toBeUndefined();
    }
  });
});

describe('AllowedHosts', () => {
  it('matches exact names on any port unless the entry names one', () => {
    const hosts = new AllowedHosts(['cw.example.com', 'localhost:8080', '[::1]', '203.0.113.7:443']);
    expect(hosts.allows(host('cw.example.com'))).toBe(true);
    expect(hosts.allows(host('CW.EXAMPLE.COM:8443'))).toBe(true);
    expect(hosts.allows(host('localhost:8080'))).toBe(true);
    expect(hosts.allows(host('localhost:8081'))).toBe(false);
    expect(hosts.allows(host('localhost'))).toBe(false);
    expect(hosts.allows(host('[::1]:9000'))).toBe(true);
    expect(hosts.allows(host('203.0.113.7:443'))).toBe(true);
    expect(hosts.allows(host('203.0.113.7'))).toBe(false);
    expect(hosts.allows(host('example.com'))).toBe(false);
    expect(hosts.allows(host('cw.example.com.evil.com'))).toBe(false);
  });

  it('matches *.domain wildcards on one or more labels, never the bare domain or a look-alike', () => {
    const hosts = new AllowedHosts(['*.example.com', '*.voice.example.net:443']);
    expect(hosts.allows(host('cw.example.com'))).toBe(true);
    expect(hosts.allows(host('a.b.example.com:8080'))).toBe(true);
    expect(hosts.allows(host('example.com'))).toBe(false);
    expect(hosts.allows(host('badexample.com'))).toBe(false);
    expect(hosts.allows(host('example.com.evil.com'))).toBe(false);
    expect(hosts.allows(host('eu.voice.example.net:443'))).toBe(true);
    expect(hosts.allows(host('eu.voice.example.net'))).toBe(false);
  });

  it('reads a bare IPv6 entry as the bracketed host', () => {
    expect(new AllowedHosts(['::1']).allows(host('[::1]:8080'))).toBe(true);
  });

  it('names the bad entry and says what is wrong', () => {
    expect(allowedHostProblem('*.example.com:443')).toBeUndefined();
    expect(allowedHostProblem('https://cw.example.com')).toBe('allowedHosts entry "https://cw.example.com" is a URL; write the host name only, for example cw.example.com');
    expect(allowedHostProblem('cw.example.com/voice')).toContain('"cw.example.com/voice" is not a host name');
    expect(allowedHostProblem('*')).toContain('"*" is not a host name');
    expect(allowedHostProblem('a.*.example.com')).toContain('"a.*.example.com"');
    expect(allowedHostProblem('*.com')).toContain('"*.com" is too broad');
    expect(allowedHostProblem('*.[::1]')).toBeDefined();
    expect(() => new AllowedHosts(['ok.example.com', 'bad host'])).toThrow(AllowedHostError);
    expect(() => new AllowedHosts(['bad host'])).toThrow(/"bad host"/);
  });

  it('never allows a host outside the list (against a model of the rules)', () => {
    // A tiny alphabet, so generated hosts often equal or extend generated entries.
    const label = fc.stringMatching(/^[ab]{1,2}$/);
    const name = fc.array(label, { minLength: 1, maxLength: 4 }).map((labels) => labels.join('.'));
    const port = fc.option(fc.integer({ min: 1, max: 3 }).map(String), { nil: undefined });
    const entry = fc.record({ wildcard: fc.boolean(), name: fc.array(label, { minLength: 2, maxLength: 3 }).map((labels) => labels.join('.')), port });
    fc.assert(
      fc.property(fc.array(entry, { maxLength: 4 }), name, port, (entries, hostname, hostPort) => {
        const list = new AllowedHosts(entries.map((e) => `${e.wildcard ? '*.' : ''}${e.name}${e.port === undefined ? '' : `:${e.port}`}`));
        const candidate = host(hostPort === undefined ? hostname : `${hostname}:${hostPort}`);
        const expected = entries.some(
          (e) => (e.port === undefined || e.port === hostPort) && (e.wildcard ? hostname.endsWith(`.${e.name}`) && hostname.length > e.name.length + 1 : hostname === e.name),
        );
        expect(list.allows(candidate)).toBe(expected);
      }),
    );
  });
});
