import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ProtocolError, ProtocolErrorCode } from './errors.js';
import type { InboundFrame, MediaPacket } from './frames.js';
import { readFrameFixture } from './fixtures/loadFixture.js';
import { sharedFrameParser, TelnyxFrameParser } from './parseInbound.js';

const MAX_PAYLOAD = 4096;
/** The 160 µ-law bytes every media fixture carries. */
const FIXTURE_PAYLOAD = Buffer.from(JSON.parse(readFrameFixture('media.json').toString()).media.payload, 'base64');

function parse(name: string, parser = new TelnyxFrameParser({ maxPayloadBytes: MAX_PAYLOAD })): InboundFrame {
  return parser.parse(readFrameFixture(name));
}

function protocolErrorOf(action: () => unknown): ProtocolError {
  try {
    action();
  } catch (error) {
    if (error instanceof ProtocolError) return error;
    throw error;
  }
  throw new Error('expected a ProtocolError');
}

function snapshot(packet: MediaPacket) {
  return {
    sequenceNumber: packet.sequenceNumber,
    chunk: packet.chunk,
    timestamp: packet.timestamp,
    track: packet.track,
    payload: Buffer.from(packet.payload.subarray(0, packet.length)),
  };
}

describe('TelnyxFrameParser: media', () => {
  it('decodes the documented media frame on the fast path, keeping every counter', () => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: MAX_PAYLOAD });
    const frame = parse('media.json', parser);
    expect(frame.event).toBe('media');
    expect(snapshot(frame as MediaPacket)).toEqual({ sequenceNumber: 4, chunk: 2, timestamp: 5, track: 'inbound', payload: FIXTURE_PAYLOAD });
    expect(FIXTURE_PAYLOAD.length).toBe(160);
    expect(parser.stats).toEqual({ fastPath: 1, slowPath: 0 });
  });

  it('accepts numeric counters as well as strings', () => {
    const frame = parse('media-numbers.json') as MediaPacket;
    expect([frame.sequenceNumber, frame.chunk, frame.timestamp]).toEqual([4, 2, 40]);
    expect(Buffer.from(frame.payload.subarray(0, frame.length))).toEqual(FIXTURE_PAYLOAD);
  });

  it('gives the same packet for pretty-printed and reordered frames, through JSON.parse', () => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: MAX_PAYLOAD });
    const pretty = snapshot(parse('media-pretty.json', parser) as MediaPacket);
    expect(pretty).toMatchObject({ sequenceNumber: 4, chunk: 3, timestamp: 25, payload: FIXTURE_PAYLOAD });
    const outbound = snapshot(parse('media-outbound.json', parser) as MediaPacket);
    expect(outbound).toEqual({ sequenceNumber: 5, chunk: 2, timestamp: 5, track: 'outbound', payload: FIXTURE_PAYLOAD });
  });

  it('reuses one packet and one payload buffer for every media frame', () => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: MAX_PAYLOAD });
    const first = parse('media.json', parser);
    const second = parse('media-numbers.json', parser);
    expect(second).toBe(first);
    expect(second).toBe(parser.packet);
  });

  it.each([true, false])('grows its payload storage only for a larger payload, up to the limit (fast path %s)', (fastPath) => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: 2000, fastPath });
    const media = (bytes: number) => Buffer.from(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(bytes, 7).toString('base64') } }));
    parser.parse(media(160));
    const small = parser.packet.payload;
    expect(small.length).toBeLessThan(2000);
    parser.parse(media(160));
    expect(parser.packet.payload).toBe(small);
    const large = parser.parse(media(1500)) as MediaPacket;
    expect(snapshot(large).payload).toEqual(Buffer.alloc(1500, 7));
    const grown = parser.packet.payload;
    parser.parse(media(160));
    parser.parse(media(1400));
    expect(parser.packet.payload).toBe(grown);
    expect(snapshot(parser.parse(media(2000)) as MediaPacket).payload).toEqual(Buffer.alloc(2000, 7));
    const error = protocolErrorOf(() => parser.parse(media(2001)));
    expect(error.code).toBe(ProtocolErrorCode.PayloadTooLarge);
  });

  it.each([
    ['malformed-not-json.txt', ProtocolErrorCode.MalformedJson],
    ['malformed-truncated.txt', ProtocolErrorCode.MalformedJson],
    ['malformed-array.json', ProtocolErrorCode.InvalidFrame],
    ['malformed-missing-event.json', ProtocolErrorCode.InvalidFrame],
    ['malformed-base64.json', ProtocolErrorCode.InvalidBase64],
    ['malformed-too-large.json', ProtocolErrorCode.PayloadTooLarge],
    ['malformed-start-no-media-format.json', ProtocolErrorCode.InvalidFrame],
  ])('rejects %s with %s', (name, code) => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: 160 });
    expect(protocolErrorOf(() => parse(name, parser)).code).toBe(code);
  });

  it('names the field that is wrong', () => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: MAX_PAYLOAD });
    const error = protocolErrorOf(() =>
      parser.parse(Buffer.from('{"event":"media","sequence_number":"-3","media":{"payload":"AAAA"}}')),
    );
    expect(error.code).toBe(ProtocolErrorCode.InvalidFrame);
    expect(error.message).toContain('sequence_number');
  });

  it('treats missing counters as -1 and a missing track as the caller', () => {
    const packet = new TelnyxFrameParser({ maxPayloadBytes: 16 }).parse(Buffer.from('{"event":"media","media":{"payload":"AQID"}}')) as MediaPacket;
    expect(snapshot(packet)).toEqual({ sequenceNumber: -1, chunk: -1, timestamp: -1, track: 'inbound', payload: Buffer.from([1, 2, 3]) });
  });
});

describe('TelnyxFrameParser: control frames', () => {
  it('parses connected, with the stream auth token in either documented place', () => {
    expect(parse('connected.json')).toEqual({ event: 'connected', version: '1.0.0', authToken: undefined });
    expect(parse('connected-token.json')).toMatchObject({ event: 'connected', authToken: 'tok_7Hq2vLx9' });
    expect(parse('connected-token-toplevel.json')).toMatchObject({ event: 'connected', authToken: 'tok_7Hq2vLx9' });
  });

  it('parses start into everything the bot is given', () => {
    expect(parse('start.json')).toEqual({
      event: 'start',
      sequenceNumber: 1,
      start: {
        streamId: '32de0dea-53cb-4b21-89a4-9610c5c3e4a9',
        callControlId: 'v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg',
        callSessionId: 'ff55a038-6f9d-11ef-9692-02420aef0a1f',
        userId: '3e6f995f-85f7-4705-9741-53b116d28237',
        from: '+13122010094',
        to: '+13122123456',
        tags: ['support', 'pilot'],
        clientState: 'YWdlbnQ9c3VwcG9ydA==',
        customParameters: { agent: 'support', locale: 'en-US' },
        mediaFormat: { encoding: 'PCMU', sampleRate: 8000, channels: 1 },
      },
    });
  });

  it('accepts string numbers, nulls and a lower-case encoding in start', () => {
    const frame = parse('start-strings.json');
    expect(frame).toMatchObject({
      event: 'start',
      start: { userId: undefined, clientState: undefined, tags: [], customParameters: {}, mediaFormat: { encoding: 'L16', sampleRate: 16000, channels: 1 } },
    });
  });

  it('parses dtmf, mark, stop and error', () => {
    expect(parse('dtmf.json')).toEqual({ event: 'dtmf', digit: '5', occurredAt: '2026-04-10T14:22:05.123Z', sequenceNumber: 7 });
    expect(parse('mark.json')).toEqual({ event: 'mark', name: 'utterance-1', sequenceNumber: 12 });
    expect(parse('stop.json')).toEqual({ event: 'stop', callControlId: 'v3:MdI91X4lWFEs7IgbBEOT9M4AigoY08M0WWZFISt1Yw2axZ_IiE4pqg', sequenceNumber: 52 });
    expect(parse('error.json')).toEqual({ event: 'error', code: 100003, title: 'malformed_frame', detail: 'The received frame was not formed correctly' });
  });

  it('treats a missing sequence_number on control frames as unknown, not as an error', () => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: 16 });
    expect(parser.parse(Buffer.from('{"event":"dtmf","dtmf":{"digit":"#"}}'))).toMatchObject({ event: 'dtmf', digit: '#', sequenceNumber: undefined });
    expect(parser.parse(Buffer.from('{"event":"mark","mark":{"name":"m"}}'))).toMatchObject({ event: 'mark', name: 'm', sequenceNumber: undefined });
  });

  it('reports an unknown event by name instead of failing', () => {
    expect(parse('unknown-event.json')).toEqual({ event: 'unknown', name: 'transcription' });
  });
});

describe('TelnyxFrameParser: properties', () => {
  const counter = fc.oneof(fc.nat({ max: 2 ** 32 }), fc.nat({ max: 2 ** 32 }).map(String));
  const mediaFrame = fc.record({
    sequenceNumber: fc.option(counter, { nil: undefined }),
    chunk: fc.option(counter, { nil: undefined }),
    timestamp: fc.option(counter, { nil: undefined }),
    track: fc.constantFrom(undefined, 'inbound', 'outbound'),
    payload: fc.uint8Array({ maxLength: 400 }),
    streamId: fc.option(fc.uuid(), { nil: undefined }),
    keyOrder: fc.boolean(),
  });

  it('the fast path and the JSON.parse path agree on every well-formed media frame', () => {
    const fast = new TelnyxFrameParser({ maxPayloadBytes: 512 });
    const slow = new TelnyxFrameParser({ maxPayloadBytes: 512, fastPath: false });
    fc.assert(
      fc.property(mediaFrame, (frame) => {
        const media: Record<string, unknown> = { payload: Buffer.from(frame.payload).toString('base64') };
        if (frame.track !== undefined) media['track'] = frame.track;
        if (frame.chunk !== undefined) media['chunk'] = frame.chunk;
        if (frame.timestamp !== undefined) media['timestamp'] = frame.timestamp;
        const outer: Record<string, unknown> = frame.keyOrder ? { event: 'media' } : {};
        if (frame.sequenceNumber !== undefined) outer['sequence_number'] = frame.sequenceNumber;
        outer['media'] = media;
        if (!frame.keyOrder) outer['event'] = 'media';
        if (frame.streamId !== undefined) outer['stream_id'] = frame.streamId;
        const text = Buffer.from(JSON.stringify(outer));
        const a = snapshot(fast.parse(text) as MediaPacket);
        const b = snapshot(slow.parse(text) as MediaPacket);
        expect(a).toEqual(b);
        expect(a.payload).toEqual(Buffer.from(frame.payload));
        expect(a.sequenceNumber).toBe(frame.sequenceNumber === undefined ? -1 : Number(frame.sequenceNumber));
      }),
      { numRuns: 500 },
    );
    expect(fast.stats.fastPath).toBeGreaterThan(0);
  });

  it('never throws anything but a ProtocolError, whatever the bytes', () => {
    const parser = new TelnyxFrameParser({ maxPayloadBytes: 256 });
    const base = readFrameFixture('media.json');
    const mutated = fc
      .tuple(fc.array(fc.tuple(fc.nat({ max: base.length - 1 }), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), fc.nat({ max: base.length }))
      .map(([edits, cut]) => {
        const bytes = Buffer.from(base.subarray(0, cut));
        for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
        return bytes;
      });
    const anyBytes = fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes));
    const anyJson = fc.jsonValue().map((value) => Buffer.from(JSON.stringify(value) ?? 'null'));
    fc.assert(
      fc.property(fc.oneof(mutated, anyBytes, anyJson), (bytes) => {
        try {
          const frame = parser.parse(bytes);
          expect(typeof frame.event).toBe('string');
        } catch (error) {
          expect(error).toBeInstanceOf(ProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('sharedFrameParser', () => {
  it('gives every call of one payload limit the same parser, and another limit its own', () => {
    const first = sharedFrameParser(4096);
    expect(sharedFrameParser(4096)).toBe(first);
    const other = sharedFrameParser(512);
    expect(other).not.toBe(first);
    // Each keeps its own limit: 600 decoded bytes pass one and not the other.
    const frame = Buffer.from(JSON.stringify({ event: 'media', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: Buffer.alloc(600).toString('base64') } }));
    expect(first.parse(frame)).toMatchObject({ event: 'media', length: 600 });
    expect(() => other.parse(frame)).toThrow(/exceeds 512 bytes/);
  });
});
