import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { BatchedFileWriter, skipBytes } from './batchedFileWriter.js';

class CountingFile {
  closed = 0;
  close(): Promise<void> {
    this.closed++;
    return Promise.resolve();
  }
}

/** A writer whose batches record what they saw, and fail when told to. */
function harness(failAt = Number.POSITIVE_INFINITY) {
  const clock = new ManualClock();
  const file = new CountingFile();
  const log = { opened: 0, batches: 0, released: 0, errors: [] as Error[] };
  let pending = false;
  const writer = new BatchedFileWriter<CountingFile>(clock, 100, {
    path: '/tmp/x',
    open: () => {
      log.opened++;
      return Promise.resolve(file);
    },
    writeBatch: async () => {
      await writer.file();
      if (++log.batches >= failAt) throw new Error('disk full');
      pending = false;
    },
    hasPending: () => pending,
    release: () => void log.released++,
    onError: (error) => log.errors.push(error),
  });
  const keep = (): void => {
    pending = true;
    writer.schedule();
  };
  return { clock, file, log, writer, keep };
}

describe('BatchedFileWriter', () => {
  it('writes one batch per interval, opens the file once, and closes it after the last batch', async () => {
    const { clock, file, log, writer, keep } = harness();
    keep();
    keep();
    clock.advance(99);
    expect(log.batches).toBe(0);
    clock.advance(1);
    await writer.whenIdle();
    expect(log.batches).toBe(1);
    keep();
    clock.advance(100);
    await writer.whenIdle();
    expect(log.batches).toBe(2);
    expect(log.opened).toBe(1);
    let lastWrites = 0;
    await writer.close(async () => void lastWrites++);
    await writer.close(async () => void lastWrites++);
    expect(lastWrites).toBe(1);
    expect(file.closed).toBe(1);
    expect(log.released).toBe(1);
    expect(writer.accepting).toBe(false);
    expect(writer.error).toBeUndefined();
  });

  it('stops at the first failed batch: reported once, buffers released, no last batch', async () => {
    const { clock, log, writer, keep } = harness(1);
    keep();
    clock.advance(100);
    await writer.whenIdle();
    expect(writer.accepting).toBe(false);
    expect(writer.error?.message).toBe('disk full');
    expect(log.errors).toHaveLength(1);
    let lastWrites = 0;
    await writer.close(async () => void lastWrites++);
    expect(lastWrites).toBe(0);
    expect(log.errors).toHaveLength(1);
    expect(log.released).toBe(2);
  });

  it('skips the bytes a short vectored write already wrote', () => {
    const rest = skipBytes([Buffer.from('abc'), Buffer.from('de'), Buffer.from('f')], 4);
    expect(Buffer.concat(rest).toString()).toBe('ef');
    expect(skipBytes([Buffer.from('ab')], 0)[0]!.toString()).toBe('ab');
  });
});
