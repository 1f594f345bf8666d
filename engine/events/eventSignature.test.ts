import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { signEvent, verifyEventSignature } from './eventSignature.js';

const SECRET = 'whsec-0123456789abcdef';

describe('event signatures', () => {
  it('verifies what it signed, within the tolerance', () => {
    fc.assert(
      fc.property(fc.string(), fc.integer({ min: 1_600_000_000, max: 2_000_000_000 }), fc.integer({ min: -300, max: 300 }), (body, sentAt, skew) => {
        expect(verifyEventSignature(SECRET, signEvent(SECRET, sentAt, body), body, sentAt + skew)).toBeUndefined();
      }),
    );
  });

  it('refuses a changed body, another secret, a changed time and an old event', () => {
    const header = signEvent(SECRET, 1_700_000_000, '{"type":"call.ended"}');
    expect(verifyEventSignature(SECRET, header, '{"type":"call.started"}', 1_700_000_000)).toBe('mismatch');
    expect(verifyEventSignature('another-secret-0123456', header, '{"type":"call.ended"}', 1_700_000_000)).toBe('mismatch');
    expect(verifyEventSignature(SECRET, header.replace('t=1700000000', 't=1700000001'), '{"type":"call.ended"}', 1_700_000_000)).toBe('mismatch');
    expect(verifyEventSignature(SECRET, header, '{"type":"call.ended"}', 1_700_000_301)).toBe('too_old');
  });

  it('calls a header it cannot read malformed, never throws', () => {
    fc.assert(
      fc.property(fc.option(fc.string(), { nil: undefined }), (header) => {
        const problem = verifyEventSignature(SECRET, header, 'body', 1_700_000_000);
        expect(problem === undefined ? header : problem).not.toBeUndefined();
        if (header !== undefined && !/v1=[0-9a-f]{64}/.test(header)) expect(problem).toBe('malformed');
      }),
    );
  });
});
