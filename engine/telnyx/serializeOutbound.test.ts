import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CLEAR_FRAME, OutboundSerializer } from './serializeOutbound.js';

describe('OutboundSerializer', () => {
  const writer = new OutboundSerializer();

  it('writes a media frame exactly as Telnyx documents it', () => {
    const bytes = Buffer.from([0xff, 0x7e, 0x00, 0x80]);
    expect(writer.media(bytes, 4)).toBe('{"event":"media","media":{"payload":"/34AgA=="}}');
    expect(JSON.parse(writer.media(bytes, 2))).toEqual({ event: 'media', media: { payload: Buffer.from([0xff, 0x7e]).toString('base64') } });
  });

  it('encodes plain Uint8Arrays and their offsets the same way as Buffers', () => {
    const backing = new Uint8Array(16).map((_, i) => i * 17);
    const view = backing.subarray(4, 12);
    expect(writer.media(view, 8)).toBe(writer.media(Buffer.from(view), 8));
    expect(writer.media(view, 100)).toBe(writer.media(Buffer.from(view), 8));
    expect(writer.media(view, -1)).toBe('{"event":"media","media":{"payload":""}}');
  });

  it('writes marks whose names round-trip, and the constant clear frame', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (name) => {
        expect(JSON.parse(writer.mark(name))).toEqual({ event: 'mark', mark: { name } });
      }),
    );
    expect(writer.clear()).toBe(CLEAR_FRAME);
    expect(JSON.parse(CLEAR_FRAME)).toEqual({ event: 'clear' });
  });

  it('matches JSON.stringify for any payload', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (payload) => {
        const buffer = Buffer.from(payload);
        expect(writer.media(buffer, buffer.length)).toBe(JSON.stringify({ event: 'media', media: { payload: buffer.toString('base64') } }));
      }),
    );
  });
});
