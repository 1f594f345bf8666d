import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CAPTURE_MAGIC, CAPTURE_VERSION, type Capture, type CaptureEvent, type CaptureHeader } from './captureFormat.js';
import { CaptureFormatErrorCode, isCaptureFormatError } from './captureFormatError.js';
import { encodeCapture, encodeCaptureHeader, writeCapture } from './encodeCapture.js';
import { parseCapture, parseCaptureStream, readCapture } from './readCapture.js';

const header: CaptureHeader = {
  callwire: CAPTURE_MAGIC,
  version: CAPTURE_VERSION,
  callId: 'c-1',
  serviceHost: 'echo.default',
  startedAt: '2025-06-02T15:04:05.000Z',
  inbound: { encoding: 'PCMU', sampleRate: 8000 },
  outbound: null,
};

const text = (kind: 'in' | 'in-text' | 'out', t: number, value: string): CaptureEvent => ({ kind, t, data: Buffer.from(value, 'utf8') });

/** Splits `bytes` into chunks of the given sizes (cycled), as a stream would deliver them. */
async function* chunked(bytes: Buffer, sizes: readonly number[]): AsyncGenerator<Buffer> {
  let offset = 0;
  for (let i = 0; offset < bytes.length; i++) {
    const size = sizes[i % sizes.length] ?? 1;
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

async function failure(lines: string | Buffer): Promise<{ code: string; line: number }> {
  try {
    await parseCapture(typeof lines === 'string' ? Buffer.from(lines, 'utf8') : lines);
  } catch (error) {
    if (isCaptureFormatError(error)) return { code: error.code, line: error.line };
    throw error;
  }
  throw new Error('parsed without error');
}

describe('readCapture', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capture-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('reads back what was written, through a file', async () => {
    const capture: Capture = {
      header: { ...header, note: 'three frames and a close' },
      events: [
        text('in', 1_000, '{"event":"connected","version":"1.0.0"}'),
        text('in-text', 2_500, 'not json\nat all'),
        { kind: 'in-bin', t: 2_500, data: Buffer.from([0, 10, 13, 255]) },
        text('out', 40_000, '{"event":"media","media":{"payload":"AAA="}}'),
        { kind: 'dropped', t: 90_000, dropped: { events: 3, bytes: 1200, cap: 1, buffer: 2 } },
        { kind: 'close', t: 90_000, code: 1000, reason: 'bye ✓' },
      ],
    };
    const path = join(dir, 'round-trip.capture.jsonl');
    await writeCapture(path, capture);
    expect(await readCapture(path)).toEqual(capture);
  });

  it('gives back inbound JSON byte for byte: escapes, key order, spacing, duplicate keys', async () => {
    const odd = [
      '{"b":1,"a":"\\u00e9\\ud83d\\ude00 é😀","c":[1.0,2e3,-0]}',
      ' {"x" : 1 }\t',
      '{"event":"media","media":{"payload":"\\/\\/8="},"event":"dtmf"}',
      '"just a string"',
      '3',
    ];
    const events = odd.map((value, i) => text('in', i * 20_000, value));
    const bytes = encodeCapture({ header, events });
    const read = await parseCapture(bytes);
    expect(read.events.map((event) => ('data' in event ? event.data.toString('utf8') : ''))).toEqual(odd);
    for (const [i, event] of read.events.entries()) {
      // The slice is the very bytes of the file, not a re-serialization.
      if ('data' in event) expect(Buffer.compare(event.data, Buffer.from(odd[i]!, 'utf8'))).toBe(0);
    }
  });

  it('reads the same whatever the chunking, including lines split mid-character', async () => {
    const capture: Capture = { header, events: [text('in', 5, '{"é":"😀"}'), text('in-text', 6, 'ü\r\n'), { kind: 'close', t: 7, code: 1006, reason: '' }] };
    const bytes = encodeCapture(capture);
    expect(await parseCaptureStream(chunked(bytes, [1]))).toEqual(capture);
    expect(await parseCaptureStream(chunked(bytes, [3, 7, 2]))).toEqual(capture);
  });

  it('accepts a capture cut short after a whole line, and a last line without newline', async () => {
    const bytes = encodeCapture({ header, events: [text('in', 5, '{}'), text('in', 6, '[]')] });
    const read = await parseCapture(bytes.subarray(0, bytes.length - 1));
    expect(read.events).toHaveLength(2);
    expect(read.events.at(-1)?.kind).toBe('in');
  });

  it('rejects malformed files with a typed error and the line number', async () => {
    const h = encodeCaptureHeader(header);
    expect(await failure('')).toEqual({ code: CaptureFormatErrorCode.Empty, line: 1 });
    expect(await failure('{"callwire":"capture"')).toEqual({ code: CaptureFormatErrorCode.NotJson, line: 1 });
    expect(await failure('{"callwire":"other","version":1}\n')).toEqual({ code: CaptureFormatErrorCode.BadHeader, line: 1 });
    expect(await failure(h.replace('"version":1', '"version":2'))).toEqual({ code: CaptureFormatErrorCode.BadHeader, line: 1 });
    expect(await failure(h.replace('"startedAt":"2025-06-02T15:04:05.000Z"', '"startedAt":"yesterday"'))).toEqual({ code: CaptureFormatErrorCode.BadHeader, line: 1 });
    expect(await failure(h.replace('"inbound":{"encoding":"PCMU","sampleRate":8000}', '"inbound":{"encoding":"PCMU"}'))).toEqual({ code: CaptureFormatErrorCode.BadHeader, line: 1 });
    expect(await failure(`${h}\n[1,"in",{}]\n[2,"in",{"a":}]\n`)).toEqual({ code: CaptureFormatErrorCode.NotJson, line: 3 });
    expect(await failure(`${h}\n{"t":1}\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1,"sideways",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[-1,"in",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1.5,"in",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1, "in", {}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1,"in-text",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1,"in-bin","AA=A"]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1,"close",{"code":"1000","reason":""}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[1,"dropped",{"events":1,"bytes":2,"cap":1}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 2 });
    expect(await failure(`${h}\n[5,"in",{}]\n[4,"in",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadOrder, line: 3 });
    expect(await failure(`${h}\n[5,"close",{"code":1000,"reason":""}]\n[6,"in",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadOrder, line: 3 });
    expect(await failure(`${h}\n[5,"dropped",{"events":0,"bytes":0,"cap":0,"buffer":0}]\n[6,"in",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadOrder, line: 3 });
    expect(await failure(`${h}\n[1,"in",{}]\n\n[2,"in",{}]\n`)).toEqual({ code: CaptureFormatErrorCode.BadEvent, line: 3 });
    const notUtf8 = Buffer.concat([Buffer.from(`${h}\n[1,"in",{"a":"`), Buffer.from([0xc3, 0x28]), Buffer.from('"}]\n')]);
    expect(await failure(notUtf8)).toEqual({ code: CaptureFormatErrorCode.NotJson, line: 2 });
  });

  it('refuses a line longer than the limit', async () => {
    const bytes = encodeCapture({ header, events: [text('in', 1, `"${'x'.repeat(5000)}"`)] });
    await expect(parseCapture(bytes, { maxLineBytes: 1000 })).rejects.toMatchObject({ code: CaptureFormatErrorCode.LineTooLong, line: 2 });
  });

  it('property: any sequence of events, written then read in any chunking, gives the same events', async () => {
    const jsonText = fc.tuple(fc.json(), fc.constantFrom('', ' ', '\t')).map(([json, pad]) => `${pad}${json}${pad}`);
    const message = fc.oneof(
      fc.record({ kind: fc.constant('in' as const), data: jsonText.map((value) => Buffer.from(value, 'utf8')) }),
      fc.record({ kind: fc.constant('out' as const), data: fc.json().map((value) => Buffer.from(value, 'utf8')) }),
      fc.record({ kind: fc.constant('in-text' as const), data: fc.string({ unit: 'grapheme', maxLength: 40 }).map((value) => Buffer.from(value, 'utf8')) }),
      fc.record({ kind: fc.constant('in-bin' as const), data: fc.uint8Array({ maxLength: 64 }).map((value) => Buffer.from(value)) }),
    );
    const counts = fc.record({ events: fc.nat(), bytes: fc.nat(), cap: fc.nat(), buffer: fc.nat() });
    const capture = fc
      .record({
        steps: fc.array(fc.tuple(fc.nat({ max: 40_000 }), message), { maxLength: 30 }),
        dropped: fc.option(counts, { nil: undefined }),
        close: fc.option(fc.record({ code: fc.integer({ min: 1000, max: 4999 }), reason: fc.string({ maxLength: 20 }) }), { nil: undefined }),
        note: fc.option(fc.string({ maxLength: 20 }), { nil: undefined }),
      })
      .map(({ steps, dropped, close, note }): Capture => {
        let t = 0;
        const events: CaptureEvent[] = steps.map(([delta, event]) => ({ ...event, t: (t += delta) }));
        if (dropped !== undefined) events.push({ kind: 'dropped', t, dropped });
        if (close !== undefined) events.push({ kind: 'close', t, ...close });
        return { header: note === undefined ? header : { ...header, note }, events };
      });
    await fc.assert(
      fc.asyncProperty(capture, fc.array(fc.integer({ min: 1, max: 97 }), { minLength: 1, maxLength: 5 }), async (written, sizes) => {
        const read = await parseCaptureStream(chunked(encodeCapture(written), sizes));
        expect(read).toEqual(written);
      }),
      { numRuns: 300 },
    );
  });

  it('reads a file it did not write in one piece', async () => {
    const path = join(dir, 'by-hand.capture.jsonl');
    await writeFile(path, `${encodeCaptureHeader(header)}\r\n[0,"in",{"event":"connected"}]\r\n`);
    const read = await readCapture(path);
    expect(read.events).toEqual([text('in', 0, '{"event":"connected"}')]);
  });
});
