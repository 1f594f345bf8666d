import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaptureEvent } from '../../bench/capture/captureFormat.js';
import { parseCapture, readCapture } from '../../bench/capture/readCapture.js';
import { ManualClock } from '../clock.js';
import { CAPTURE_CHUNK_BYTES, CaptureChunkPool } from './captureChunkPool.js';
import { CaptureWriter, captureFileName, type CaptureFile, type CaptureWriterHeader } from './captureWriter.js';

const header: CaptureWriterHeader = {
  callId: 'call/1',
  serviceHost: 'echo.default',
  startedAt: '2025-06-02T15:04:05.000Z',
  inbound: null,
  outbound: { encoding: 'PCMU', sampleRate: 8000 },
};

/** A file in memory whose writes complete only when the test says so. */
class HeldFile implements CaptureFile {
  readonly writes: Buffer[] = [];
  closed = false;
  #release: (() => void)[] = [];
  hold = false;

  async writev(buffers: Buffer[]): Promise<{ bytesWritten: number }> {
    if (this.hold) await new Promise<void>((resolve) => this.#release.push(resolve));
    const bytes = Buffer.concat(buffers);
    this.writes.push(bytes);
    return { bytesWritten: bytes.length };
  }

  async close(): Promise<void> {
    this.closed = true;
  }

  releaseAll(): void {
    this.hold = false;
    for (const resolve of this.#release.splice(0)) resolve();
  }

  get bytes(): Buffer {
    return Buffer.concat(this.writes);
  }
}

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const messages = (events: readonly CaptureEvent[]) => events.filter((event) => event.kind !== 'close' && event.kind !== 'dropped');

describe('CaptureWriter', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'capture-writer-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes a capture that readCapture gives back byte for byte', async () => {
    const clock = new ManualClock(1_000);
    const writer = new CaptureWriter(join(dir, 'nested'), header, { clock });
    writer.setInbound({ encoding: 'PCMU', sampleRate: 8000 });
    const odd = Buffer.from('{"event":"media","media":{"payload":"\\/w=="},"a":"\\u00e9é😀","event":"media"}', 'utf8');
    const pretty = Buffer.from('{\n  "event": "mark"\r\n}', 'utf8');
    const notJson = Buffer.from('{"event":', 'utf8');
    const binary = Buffer.from([0, 10, 13, 0xff, 0x7b]);
    // Larger than a chunk, so it is copied across two.
    const big = json({ event: 'media', media: { payload: 'A'.repeat(CAPTURE_CHUNK_BYTES + 100) } });
    const bigOut = JSON.stringify({ event: 'media', media: { payload: 'B'.repeat(CAPTURE_CHUNK_BYTES * 2) } });
    writer.inbound(writer.now(), json({ event: 'connected', version: '1.0.0' }), false, true);
    clock.advance(20);
    writer.inbound(writer.now(), odd, false, true);
    writer.inbound(writer.now(), pretty, false, true);
    writer.inbound(writer.now(), notJson, false, false);
    writer.inbound(writer.now(), binary, true, false);
    writer.inbound(writer.now(), big, false, true);
    writer.outbound(writer.now(), '{"event":"clear"}');
    writer.outbound(writer.now(), bigOut);
    clock.advance(5);
    await writer.close(1000, 'done ✓');
    expect(writer.stats).toMatchObject({ events: 8, dropped: { events: 0 }, error: undefined });
    expect(writer.stats.path).toBe(join(dir, 'nested', captureFileName('call/1')));
    expect(captureFileName('call/1')).toBe('call_1.capture.jsonl');

    const { header: read, events } = await readCapture(writer.stats.path);
    expect(read).toEqual({ callwire: 'capture', version: 1, ...header, inbound: { encoding: 'PCMU', sampleRate: 8000 } });
    expect(events.map((event) => [event.kind, event.t])).toEqual([
      ['in', 0],
      ['in', 20_000],
      ['in-text', 20_000],
      ['in-text', 20_000],
      ['in-bin', 20_000],
      ['in', 20_000],
      ['out', 20_000],
      ['out', 20_000],
      ['close', 25_000],
    ]);
    const data = messages(events).map((event) => ('data' in event ? event.data : Buffer.alloc(0)));
    expect(data).toEqual([json({ event: 'connected', version: '1.0.0' }), odd, pretty, notJson, binary, big, Buffer.from('{"event":"clear"}'), Buffer.from(bigOut)]);
    expect(events.at(-1)).toEqual({ kind: 'close', t: 25_000, code: 1000, reason: 'done ✓' });
  });

  it('writes in batches from its timer, one vectored write each, and closes with what is left', async () => {
    const clock = new ManualClock();
    const file = new HeldFile();
    const writer = new CaptureWriter(dir, header, { clock, openFile: async () => file, flushIntervalMs: 200 });
    for (let i = 0; i < 10; i++) {
      writer.inbound(i * 20_000, json({ event: 'media', sequence_number: String(i) }), false, true);
      clock.advance(20);
    }
    await writer.whenIdle();
    expect(file.writes).toHaveLength(1);
    for (let i = 10; i < 15; i++) writer.inbound(i * 20_000, json({ event: 'media', sequence_number: String(i) }), false, true);
    await writer.close(1006, '');
    expect(file.writes).toHaveLength(2);
    expect(file.closed).toBe(true);
    const { events } = await parseCapture(file.bytes);
    expect(messages(events)).toHaveLength(15);
    expect(events.at(-1)).toMatchObject({ kind: 'close', code: 1006 });
  });

  it('drops and counts once the byte cap is reached, and says so before the close line', async () => {
    const file = new HeldFile();
    const frame = json({ event: 'media', media: { payload: 'x'.repeat(200) } });
    const writer = new CaptureWriter(dir, header, { clock: new ManualClock(), openFile: async () => file, maxFileBytes: 10 * (frame.length + 24) });
    for (let i = 0; i < 25; i++) writer.inbound(i, frame, false, true);
    await writer.close(1000, '', 100);
    const { events } = await parseCapture(file.bytes);
    expect(messages(events)).toHaveLength(10);
    expect(events.at(-2)).toEqual({ kind: 'dropped', t: 100, dropped: { events: 15, bytes: 15 * frame.length, cap: 15, buffer: 0 } });
    expect(events.at(-1)?.kind).toBe('close');
  });

  it('drops rather than grows when the disk falls behind, and keeps memory to its buffer', async () => {
    const clock = new ManualClock();
    const file = new HeldFile();
    const pool = new CaptureChunkPool();
    const frame = json({ event: 'media', media: { payload: 'y'.repeat(1000) } });
    const writer = new CaptureWriter(dir, header, { clock, pool, openFile: async () => file, maxBufferedBytes: 64 * 1024 });
    file.hold = true;
    writer.inbound(0, frame, false, true);
    clock.advance(200); // first batch starts, and its write hangs
    const stalled = 500;
    for (let i = 1; i <= stalled; i++) writer.inbound(i * 20_000, frame, false, true);
    const dropped = writer.stats.dropped;
    expect(dropped.buffer).toBeGreaterThan(0);
    // Frames never straddle chunks: 4 chunks of 16 KiB hold 4 * 15 of them.
    expect(dropped.buffer).toBe(stalled - 4 * Math.floor(CAPTURE_CHUNK_BYTES / frame.length));
    // Input held at most the buffer (4 chunks); the hung batch holds one more.
    expect(pool.allocated).toBeLessThanOrEqual(4 + 1);
    file.releaseAll();
    await writer.close(1000, '');
    const { events } = await parseCapture(file.bytes);
    expect(messages(events)).toHaveLength(1 + stalled - dropped.buffer);
    expect(events.at(-2)).toMatchObject({ kind: 'dropped', dropped: { buffer: dropped.buffer, cap: 0 } });
  });

  it('close flushes everything, is idempotent, and later events are ignored', async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter(dir, header, { clock: new ManualClock(), openFile: async () => file, flushIntervalMs: 60_000 });
    for (let i = 0; i < 100; i++) writer.outbound(i * 20_000, `{"event":"media","media":{"payload":"${i}"}}`);
    const first = writer.close(1000, 'bye', 2_000_000);
    expect(writer.close(4000, 'again')).toBe(first);
    await first;
    writer.inbound(3_000_000, json({ event: 'late' }), false, true);
    const { events } = await parseCapture(file.bytes);
    expect(messages(events)).toHaveLength(100);
    expect(events.at(-1)).toEqual({ kind: 'close', t: 2_000_000, code: 1000, reason: 'bye' });
    expect(file.writes).toHaveLength(1);
  });

  it('writes a header and a close line for a call with no frames', async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter(dir, header, { clock: new ManualClock(), openFile: async () => file });
    await writer.close(1001, 'going away', 0);
    const capture = await parseCapture(file.bytes);
    expect(capture.header.callId).toBe('call/1');
    expect(capture.events).toEqual([{ kind: 'close', t: 0, code: 1001, reason: 'going away' }]);
  });

  it('records empty messages without breaking the file', async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter(dir, header, { clock: new ManualClock(), openFile: async () => file });
    writer.inbound(1, Buffer.alloc(0), false, false);
    writer.inbound(2, Buffer.alloc(0), false, true);
    writer.inbound(3, Buffer.alloc(0), true, false);
    writer.outbound(4, '');
    await writer.close(1000, '', 5);
    const { events } = await parseCapture(file.bytes);
    expect(events.map((event) => [event.kind, 'data' in event ? event.data.toString() : ''])).toEqual([
      ['in-text', ''],
      ['in-text', ''],
      ['in-bin', ''],
      ['out', '""'],
      ['close', ''],
    ]);
  });

  it('never lets time go back, whatever it is given', async () => {
    const file = new HeldFile();
    const writer = new CaptureWriter(dir, header, { clock: new ManualClock(), openFile: async () => file });
    for (const t of [5, 3, Number.NaN, -7, 9.6]) writer.inbound(t, json({ t }), false, true);
    await writer.close(1000, '', 4);
    const { events } = await parseCapture(file.bytes);
    expect(events.map((event) => event.t)).toEqual([5, 5, 5, 5, 10, 10]);
  });

  it('stops quietly on an I/O error, reporting it once', async () => {
    const errors: Error[] = [];
    const clock = new ManualClock();
    const writer = new CaptureWriter(dir, header, {
      clock,
      openFile: async () => {
        throw new Error('disk on fire');
      },
      onError: (error) => errors.push(error),
    });
    writer.inbound(0, json({ event: 'connected' }), false, true);
    clock.advance(200);
    await writer.whenIdle();
    writer.inbound(1, json({ event: 'start' }), false, true);
    await expect(writer.close(1000, '')).resolves.toBeUndefined();
    expect(errors.map((error) => error.message)).toEqual(['disk on fire']);
    expect(writer.stats.error?.message).toBe('disk on fire');
  });

  it('property: whatever the messages and batch timing, the file reads back as the messages, byte for byte', async () => {
    const jsonText = fc.oneof(
      fc.json(),
      // Pretty-printed: valid JSON across lines, so it must come back as in-text.
      fc.json().map((value) => JSON.stringify(JSON.parse(value), null, 2)),
      // Larger than a chunk now and then.
      fc.integer({ min: 1, max: 40_000 }).map((size) => JSON.stringify({ event: 'media', media: { payload: 'Q'.repeat(size) } })),
    );
    const action = fc.oneof(
      fc.record({ op: fc.constant('json' as const), text: jsonText }),
      fc.record({ op: fc.constant('text' as const), text: fc.string({ unit: 'grapheme', maxLength: 50 }) }),
      fc.record({ op: fc.constant('binary' as const), bytes: fc.uint8Array({ maxLength: 3000 }) }),
      fc.record({ op: fc.constant('out' as const), text: fc.json() }),
      fc.record({ op: fc.constant('wait' as const), ms: fc.integer({ min: 1, max: 500 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(action, { maxLength: 60 }), async (actions) => {
        const clock = new ManualClock();
        const file = new HeldFile();
        const writer = new CaptureWriter(dir, header, { clock, openFile: async () => file, maxBufferedBytes: 4 * 1024 * 1024, maxBufferedEvents: 100 });
        const expected: [string, string][] = [];
        for (const action of actions) {
          const t = writer.now();
          if (action.op === 'wait') {
            clock.advance(action.ms);
            await writer.whenIdle();
          } else if (action.op === 'json') {
            writer.inbound(t, Buffer.from(action.text, 'utf8'), false, true);
            expected.push([/[\n\r]/.test(action.text) ? 'in-text' : 'in', Buffer.from(action.text).toString('hex')]);
          } else if (action.op === 'text') {
            writer.inbound(t, Buffer.from(action.text, 'utf8'), false, false);
            expected.push(['in-text', Buffer.from(action.text).toString('hex')]);
          } else if (action.op === 'binary') {
            writer.inbound(t, Buffer.from(action.bytes), true, false);
            expected.push(['in-bin', Buffer.from(action.bytes).toString('hex')]);
          } else {
            writer.outbound(t, action.text);
            expected.push(['out', Buffer.from(action.text).toString('hex')]);
          }
        }
        await writer.close(1000, '');
        expect(writer.stats.dropped.events).toBe(0);
        const { events } = await parseCapture(file.bytes);
        expect(messages(events).map((event) => [event.kind, 'data' in event ? event.data.toString('hex') : ''])).toEqual(expected);
      }),
      { numRuns: 150 },
    );
  });

  it('writes the file it names, readable while the call goes on', async () => {
    const clock = new ManualClock();
    const writer = new CaptureWriter(dir, { ...header, callId: 'live' }, { clock });
    writer.inbound(0, json({ event: 'connected' }), false, true);
    clock.advance(200);
    await writer.whenIdle();
    const partial = await parseCapture(await readFile(writer.path));
    expect(partial.events).toHaveLength(1);
    expect(partial.header.inbound).toBeNull();
    await writer.close(1000, '');
  });
});
