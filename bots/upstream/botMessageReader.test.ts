import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BotMessageReader } from './botMessageReader.js';

const text = (value: unknown): Buffer => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value));

describe('reading what a bot server sends', () => {
  const reader = new BotMessageReader(64 * 1024);

  it('takes media, marks, clear and stop in either protocol', () => {
    const audio = Buffer.from([1, 2, 3, 250]);
    const telnyx = reader.read(text({ event: 'media', media: { payload: audio.toString('base64') } }), false);
    expect(telnyx.kind === 'media' && telnyx.payload.subarray(0, telnyx.length)).toEqual(audio);
    const twilio = reader.read(text({ event: 'media', streamSid: 'MZ1', media: { payload: audio.toString('base64') } }), false);
    expect(twilio.kind === 'media' && twilio.payload.subarray(0, twilio.length)).toEqual(audio);
    expect(reader.read(text({ event: 'mark', streamSid: 'MZ1', mark: { name: 'm\n1' } }), false)).toEqual({ kind: 'mark', name: 'm\n1' });
    expect(reader.read(text({ event: 'clear', streamSid: 'MZ1' }), false)).toEqual({ kind: 'clear' });
    expect(reader.read(text({ event: 'stop' }), false)).toEqual({ kind: 'stop' });
  });

  it('takes media far larger than a frame (30 s of audio in one message)', () => {
    const audio = Buffer.alloc(240_000, 0x55);
    const big = new BotMessageReader(1024 * 1024).read(text({ event: 'media', media: { payload: audio.toString('base64') } }), false);
    expect(big.kind).toBe('media');
    expect(big.kind === 'media' && big.payload.subarray(0, big.length).equals(audio)).toBe(true);
  });

  it('refuses garbage with a code and never throws', () => {
    expect(reader.read(Buffer.from([1, 2]), true)).toMatchObject({ kind: 'refused', code: 'binary' });
    expect(reader.read(text('{"event":'), false)).toMatchObject({ kind: 'refused', code: 'not_json' });
    expect(reader.read(text([1]), false)).toMatchObject({ kind: 'refused', code: 'bad_message' });
    expect(reader.read(text({ event: 'x'.repeat(10_000) }), false)).toMatchObject({ kind: 'refused', code: 'unknown_event', detail: expect.stringMatching(/^unknown event "x{40}" \(10000 characters\)$/) });
    expect(reader.read(text({ event: 'media', media: { payload: 'not base64!' } }), false)).toMatchObject({ kind: 'refused', code: 'bad_base64' });
    expect(reader.read(text({ event: 'media', media: {} }), false)).toMatchObject({ kind: 'refused', code: 'bad_message' });
    expect(reader.read(text({ event: 'mark', mark: { name: 3 } }), false)).toMatchObject({ kind: 'refused', code: 'bad_message' });
    expect(new BotMessageReader(4096).read(Buffer.alloc(5000, 0x20), false)).toMatchObject({ kind: 'refused', code: 'oversized' });
  });

  it('gives back exactly the bytes of any media payload, and never throws on any input', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 30_000 }), fc.boolean(), (bytes, withStreamSid) => {
        const message = withStreamSid ? { event: 'media', streamSid: 'MZ', media: { payload: Buffer.from(bytes).toString('base64') } } : { event: 'media', media: { payload: Buffer.from(bytes).toString('base64') } };
        const read = reader.read(text(message), false);
        return read.kind === 'media' && Buffer.compare(read.payload.subarray(0, read.length), Buffer.from(bytes)) === 0;
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), fc.boolean(), (garbage, isBinary) => {
        const read = reader.read(Buffer.from(garbage), isBinary);
        return typeof read.kind === 'string';
      }),
      { numRuns: 500 },
    );
  });
});
