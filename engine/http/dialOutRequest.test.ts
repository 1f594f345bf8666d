import { describe, expect, it } from 'vitest';
import { hasBearerKey } from './bearerAuth.js';
import { dialOutRequestSchema } from './dialOutRoute.js';

const issuesOf = (body: unknown) => {
  const result = dialOutRequestSchema.safeParse(body);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
};

describe('POST /v1/calls body', () => {
  it('accepts the documented fields', () => {
    const body = { agent: 'support.acme', to: '+13125550199', from: '+13125550100', connectionId: 'c1', customParameters: { name: 'Ada' }, clientState: 'aGk=' };
    expect(dialOutRequestSchema.parse(body)).toEqual(body);
    expect(issuesOf({ agent: 'support.acme', to: 'sip:agent@example.com' })).toEqual([]);
  });

  it('names every field that is wrong', () => {
    expect(issuesOf({ agent: 'support', to: '3125550199', from: 'me', customParameters: { n: 1 }, clientState: '%%' }).sort()).toEqual([
      'agent',
      'clientState',
      'customParameters.n',
      'from',
      'to',
    ]);
    expect(issuesOf({})).toEqual(['agent', 'to']);
    expect(issuesOf({ agent: 'a.b', to: '+13125550199', connection_id: 'c' })).toEqual(['']);
  });

  it('bounds custom parameters', () => {
    const many = Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`p${i}`, 'v']));
    expect(issuesOf({ agent: 'a.b', to: '+13125550199', customParameters: many })).toEqual(['customParameters']);
    expect(issuesOf({ agent: 'a.b', to: '+13125550199', customParameters: { p: 'x'.repeat(1025) } })).toEqual(['customParameters.p']);
  });
});

describe('hasBearerKey', () => {
  const keys = ['first-key-0123456789', 'second-key-0123456789'];
  it('accepts any configured key as a bearer token', () => {
    expect(hasBearerKey({ authorization: 'Bearer first-key-0123456789' }, keys)).toBe(true);
    expect(hasBearerKey({ authorization: 'bearer second-key-0123456789' }, keys)).toBe(true);
  });
  it('refuses a wrong, truncated, extended or missing key, another scheme, and everything when no key is configured', () => {
    expect(hasBearerKey({ authorization: 'Bearer first-key-012345678' }, keys)).toBe(false);
    expect(hasBearerKey({ authorization: 'Bearer first-key-0123456789x' }, keys)).toBe(false);
    expect(hasBearerKey({ authorization: 'Basic first-key-0123456789' }, keys)).toBe(false);
    expect(hasBearerKey({}, keys)).toBe(false);
    expect(hasBearerKey({ authorization: 'Bearer ' }, keys)).toBe(false);
    expect(hasBearerKey({ authorization: 'Bearer anything-at-all-000' }, [])).toBe(false);
  });
});
