import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readWav } from '../../bots/wav/readWav.js';
import { ManualClock } from '../clock.js';
import { CallRecorder, type CallRecorderOptions } from './callRecorder.js';
import { MemoryRecordingFile } from './memoryRecordingFile.js';
import { RecordingBlockPool } from './recordingBlockPool.js';

/** 400 Hz: 8 samples a tick, so whole recordings stay small enough to compare sample by sample. */
const RATE = 400;
const FRAME = RATE / 50;
const TICK_BYTES = FRAME * 2 * 2;
/** Blocks of 4 ticks, so every test crosses block boundaries. */
const smallPool = () => new RecordingBlockPool(4 * TICK_BYTES);

/** A frame whose every sample says which side, tick and version it is. */
function frame(side: 'caller' | 'bot', tick: number, version = 0, length = FRAME): Int16Array {
  const samples = new Int16Array(length);
  const sign = side === 'caller' ? 1 : -1;
  for (let i = 0; i < length; i++) samples[i] = sign * (((tick * 53 + version * 17 + i) % 30000) + 1);
  return samples;
}

const SILENT = new Int16Array(FRAME);

/** The two channels of a recording, one tick at a time. */
function decode(bytes: Buffer): { ticks: number; left: (tick: number) => Int16Array; right: (tick: number) => Int16Array } {
  const wav = readWav(bytes);
  expect(wav.channels).toBe(2);
  expect(wav.sampleRate).toBe(RATE);
  const channel = (offset: number) => (tick: number) => {
    const out = new Int16Array(FRAME);
    for (let i = 0; i < FRAME; i++) out[i] = wav.samples[(tick * FRAME + i) * 2 + offset]!;
    return out;
  };
  return { ticks: wav.samples.length / (FRAME * 2), left: channel(0), right: channel(1) };
}

/** Checks the header's two sizes against the bytes that follow it. */
function expectSizesMatch(bytes: Buffer): void {
  expect(bytes.readUInt32LE(4)).toBe(bytes.length - 8);
  expect(bytes.readUInt32LE(40)).toBe(bytes.length - 44);
}

function recorder(file: MemoryRecordingFile, options: Partial<CallRecorderOptions> = {}) {
  const clock = new ManualClock();
  const pool = smallPool();
  const rec = new CallRecorder('/memory/call.wav', { sampleRate: RATE, clock, pool, openFile: async () => file, ...options });
  return { clock, pool, rec };
}

/** Advances past one flush interval and waits for the flush to land. */
async function flush(clock: ManualClock, rec: CallRecorder): Promise<void> {
  clock.advance(500);
  await rec.whenIdle();
}

describe('CallRecorder', () => {
  let dir = '';
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'call-recorder-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('puts the caller on the left and the bot on the right at the tick each plays, bot frames written ahead included', async () => {
    const file = new MemoryRecordingFile();
    const { clock, rec } = recorder(file);
    for (let tick = 0; tick < 20; tick++) {
      rec.caller(tick, frame('caller', tick), FRAME);
      // As the outbound stream does: audio sent now plays three ticks later.
      if (tick + 3 < 20) rec.bot(tick + 3, frame('bot', tick + 3), FRAME);
      if (tick === 9) await flush(clock, rec);
    }
    await rec.close();

    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(20);
    for (let tick = 0; tick < 20; tick++) {
      expect(wav.left(tick)).toEqual(frame('caller', tick));
      expect(wav.right(tick)).toEqual(tick < 3 ? SILENT : frame('bot', tick));
    }
    expect(rec.stats).toMatchObject({ callerFrames: 20, botFrames: 17, lateFrames: 0, droppedFrames: 0, resizedFrames: 0, ticksWritten: 20 });
    expect(file.closed).toBe(true);
  });

  it('records a side missing for a tick, or a whole block of ticks, as silence', async () => {
    const file = new MemoryRecordingFile();
    const { rec } = recorder(file);
    for (const tick of [0, 1, 3, 13]) rec.caller(tick, frame('caller', tick), FRAME);
    for (const tick of [1, 13]) rec.bot(tick, frame('bot', tick), FRAME);
    await rec.close();

    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(14);
    for (let tick = 0; tick < 14; tick++) {
      expect(wav.left(tick)).toEqual([0, 1, 3, 13].includes(tick) ? frame('caller', tick) : SILENT);
      expect(wav.right(tick)).toEqual([1, 13].includes(tick) ? frame('bot', tick) : SILENT);
    }
  });

  it('cutBot erases bot audio written ahead; audio written afterwards for those ticks is kept; flushed ticks stay', async () => {
    const file = new MemoryRecordingFile();
    const { clock, rec } = recorder(file);
    for (let tick = 0; tick <= 4; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    for (let tick = 1; tick <= 8; tick++) rec.bot(tick, frame('bot', tick), FRAME);
    await flush(clock, rec); // ticks 0..4 on disk
    rec.cutBot(3); // 3 and 4 are on disk already: only 5..8 go
    rec.bot(7, frame('bot', 7, 1), FRAME);
    for (let tick = 5; tick <= 9; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await rec.close();

    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(10);
    const expected = [SILENT, ...[1, 2, 3, 4].map((tick) => frame('bot', tick)), SILENT, SILENT, frame('bot', 7, 1), SILENT, SILENT];
    for (let tick = 0; tick < 10; tick++) expect(wav.right(tick)).toEqual(expected[tick]);
    expect(rec.stats.cutTicks).toBe(4);
  });

  it('a cut up to the end leaves no bot audio to write past the last caller tick', async () => {
    const file = new MemoryRecordingFile();
    const { rec } = recorder(file);
    rec.caller(0, frame('caller', 0), FRAME);
    for (let tick = 0; tick < 6; tick++) rec.bot(tick, frame('bot', tick), FRAME);
    rec.cutBot(1);
    await rec.close();
    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(1);
    expect(wav.right(0)).toEqual(frame('bot', 0));
  });

  it('pads short frames with silence and truncates long ones, counting both', async () => {
    const file = new MemoryRecordingFile();
    const { rec } = recorder(file);
    rec.caller(0, frame('caller', 0, 0, 12), 12);
    rec.caller(1, frame('caller', 1), FRAME);
    rec.caller(1, frame('caller', 1, 1), 5); // overwrites tick 1: the old tail must not show through
    rec.bot(2, frame('bot', 2, 0, 3), FRAME); // count beyond the array: only what exists
    rec.caller(2, frame('caller', 2), FRAME);
    await rec.close();

    const wav = decode(file.snapshot());
    expect(wav.left(0)).toEqual(frame('caller', 0, 0, 12).subarray(0, FRAME));
    expect(wav.left(1)).toEqual(Int16Array.from([...frame('caller', 1, 1).subarray(0, 5), 0, 0, 0]));
    expect(wav.right(2)).toEqual(Int16Array.from([...frame('bot', 2, 0, 3), 0, 0, 0, 0, 0]));
    expect(rec.stats.resizedFrames).toBe(3);
  });

  it('ignores frames for ticks already written, before firstTick or not whole, and counts them late', async () => {
    const file = new MemoryRecordingFile();
    const { clock, rec } = recorder(file, { firstTick: 100 });
    for (let tick = 100; tick < 105; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    rec.bot(99, frame('bot', 99), FRAME);
    rec.caller(105.5, frame('caller', 105), FRAME);
    await flush(clock, rec);
    rec.bot(104, frame('bot', 104), FRAME); // after its tick went to disk
    rec.caller(105, frame('caller', 105), FRAME);
    await rec.close();

    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(6);
    for (let tick = 0; tick < 6; tick++) {
      expect(wav.left(tick)).toEqual(frame('caller', tick + 100));
      expect(wav.right(tick)).toEqual(SILENT);
    }
    expect(rec.stats.lateFrames).toBe(3);
  });

  it('is a playable WAV with the right sizes on disk after every flush and after close', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'nested', 'every-flush.wav');
    const rate = 16_000;
    const frameSamples = rate / 50;
    const rec = new CallRecorder(path, { sampleRate: rate, clock });
    const tone = (tick: number) => Int16Array.from({ length: frameSamples }, (_, i) => (tick * 7 + i) % 1000);
    let tick = 0;
    await flush(clock, rec);
    // Before any audio: an empty WAV already.
    let bytes = await readFile(path);
    expect(readWav(bytes).samples.length).toBe(0);
    expectSizesMatch(bytes);
    for (let round = 1; round <= 4; round++) {
      for (const end = tick + 25; tick < end; tick++) {
        rec.caller(tick, tone(tick), frameSamples);
        rec.bot(tick + 2, tone(tick + 2), frameSamples);
      }
      await flush(clock, rec);
      bytes = await readFile(path);
      expectSizesMatch(bytes);
      const wav = readWav(bytes);
      expect(wav).toMatchObject({ sampleRate: rate, channels: 2 });
      expect(wav.samples.length).toBe(tick * frameSamples * 2);
      expect(wav.samples[((tick - 1) * frameSamples + 5) * 2]).toBe(((tick - 1) * 7 + 5) % 1000);
      expect(rec.stats).toMatchObject({ ticksWritten: tick, dataBytes: tick * frameSamples * 4 });
    }
    await rec.close();
    bytes = await readFile(path);
    expectSizesMatch(bytes);
    // The bot audio sent ahead of the last caller tick is in too.
    expect(readWav(bytes).samples.length).toBe((tick + 2) * frameSamples * 2);
    expect(clock.pendingTimers).toBe(0);
  });

  it('leaves a playable WAV with everything up to the last flush when never closed', async () => {
    const clock = new ManualClock();
    const path = join(dir, 'abrupt.wav');
    const rec = new CallRecorder(path, { sampleRate: RATE, clock, pool: smallPool() });
    for (let tick = 0; tick < 30; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await flush(clock, rec);
    for (let tick = 30; tick < 40; tick++) rec.caller(tick, frame('caller', tick), FRAME);

    const bytes = await readFile(path);
    expectSizesMatch(bytes);
    const wav = decode(bytes);
    expect(wav.ticks).toBe(30);
    expect(wav.left(29)).toEqual(frame('caller', 29));
    await rec.close(); // only to release the descriptor; the assertions above are on the unclosed file
  });

  it('is still a valid WAV of the previous flush when the process dies between an audio write and its header rewrite', async () => {
    const file = new MemoryRecordingFile();
    const { clock, rec } = recorder(file);
    for (let tick = 0; tick < 10; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await flush(clock, rec);
    for (let tick = 10; tick < 20; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    file.holdHeader = true;
    clock.advance(500);
    await Promise.resolve();
    await new Promise((resolve) => setImmediate(resolve));
    expect(file.heldWrites).toBe(1); // the audio is written, the header not yet

    const crashed = file.snapshot();
    expect(crashed.length).toBe(44 + 20 * TICK_BYTES);
    const wav = decode(crashed);
    expect(wav.ticks).toBe(10);
    expect(wav.left(9)).toEqual(frame('caller', 9));
    file.release();
    await rec.close();
    expect(decode(file.snapshot()).ticks).toBe(20);
  });

  it('resumes short writes until every byte is down', async () => {
    const file = new MemoryRecordingFile();
    file.maxBytesPerWrite = TICK_BYTES + 6;
    const { rec } = recorder(file);
    for (let tick = 0; tick < 9; tick++) {
      rec.caller(tick, frame('caller', tick), FRAME);
      rec.bot(tick, frame('bot', tick), FRAME);
    }
    await rec.close();
    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(9);
    for (let tick = 0; tick < 9; tick++) expect([wav.left(tick), wav.right(tick)]).toEqual([frame('caller', tick), frame('bot', tick)]);
  });

  it('drops and counts frames when the disk falls behind maxBufferedMs, holds bounded memory, and keeps the timeline', async () => {
    const file = new MemoryRecordingFile();
    // 200 ms is 10 ticks: with 4-tick blocks, a window of 4 blocks (16 ticks).
    const { clock, pool, rec } = recorder(file, { maxBufferedMs: 200 });
    for (let tick = 0; tick < 5; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    file.holdData = true;
    clock.advance(500); // the write of ticks 0..4 hangs
    await new Promise((resolve) => setImmediate(resolve));
    expect(file.heldWrites).toBe(1);
    for (let tick = 5; tick < 100; tick++) {
      rec.caller(tick, frame('caller', tick), FRAME);
      rec.bot(tick, frame('bot', tick), FRAME);
    }
    expect(rec.stats.droppedFrames).toBe((100 - 16) * 2);
    expect(pool.allocated).toBeLessThanOrEqual(4);

    file.release();
    await rec.whenIdle();
    await flush(clock, rec);
    for (let tick = 100; tick < 110; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await rec.close();

    const wav = decode(file.snapshot());
    expect(wav.ticks).toBe(110);
    for (let tick = 0; tick < 110; tick++) {
      const kept = tick < 16 || tick >= 100;
      expect(wav.left(tick)).toEqual(kept ? frame('caller', tick) : SILENT);
      expect(wav.right(tick)).toEqual(tick >= 5 && tick < 16 ? frame('bot', tick) : SILENT);
    }
    expect(rec.stats.droppedFrames).toBe((100 - 16) * 2);
    expect(pool.free).toBe(pool.allocated);
  });

  it('drops bot frames too far ahead rather than holding them', () => {
    const file = new MemoryRecordingFile();
    const { pool, rec } = recorder(file, { maxBufferedMs: 200 });
    rec.bot(10_000, frame('bot', 0), FRAME);
    expect(rec.stats).toMatchObject({ droppedFrames: 1, botFrames: 0 });
    expect(pool.allocated).toBe(0);
    void rec.close();
  });

  it('stops at maxDataBytes and counts what it left out', async () => {
    const file = new MemoryRecordingFile();
    const { rec } = recorder(file, { maxDataBytes: 5 * TICK_BYTES + 10 });
    for (let tick = 0; tick < 8; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await rec.close();
    expect(decode(file.snapshot()).ticks).toBe(5);
    expect(rec.stats.truncatedFrames).toBe(3);
  });

  it('reports a file that cannot be opened once, never rejects close, and records nothing more', async () => {
    const errors: Error[] = [];
    const clock = new ManualClock();
    const rec = new CallRecorder('/memory/x.wav', {
      sampleRate: RATE,
      clock,
      openFile: () => Promise.reject(new Error('EACCES')),
      onError: (error) => errors.push(error),
    });
    rec.caller(0, frame('caller', 0), FRAME);
    await flush(clock, rec);
    rec.caller(1, frame('caller', 1), FRAME);
    const first = rec.close();
    expect(rec.close()).toBe(first);
    await expect(first).resolves.toBeUndefined();
    expect(errors.map((error) => error.message)).toEqual(['EACCES']);
    expect(rec.stats).toMatchObject({ callerFrames: 1, error: errors[0] });
    expect(clock.pendingTimers).toBe(0);
  });

  it('stops on a failed audio write, still closes the file, and keeps what was written playable', async () => {
    const errors: Error[] = [];
    const file = new MemoryRecordingFile();
    const { clock, pool, rec } = recorder(file, { onError: (error) => errors.push(error) });
    for (let tick = 0; tick < 6; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await flush(clock, rec);
    file.failData = new Error('ENOSPC');
    for (let tick = 6; tick < 12; tick++) rec.caller(tick, frame('caller', tick), FRAME);
    await flush(clock, rec);
    expect(pool.free).toBe(pool.allocated); // nothing held once nothing more will be written
    rec.caller(12, frame('caller', 12), FRAME);
    await rec.close();
    expect(errors.map((error) => error.message)).toEqual(['ENOSPC']);
    expect(rec.stats.callerFrames).toBe(12);
    expect(file.closed).toBe(true);
    expect(decode(file.snapshot()).ticks).toBe(6);
    expect(pool.free).toBe(pool.allocated);
  });

  it('rejects a sample rate that does not split into 20 ms ticks, and blocks smaller than a tick', () => {
    expect(() => new CallRecorder('/x.wav', { sampleRate: 11_025, clock: new ManualClock() })).toThrow(RangeError);
    expect(() => new CallRecorder('/x.wav', { sampleRate: 48_000, clock: new ManualClock(), pool: new RecordingBlockPool(1024) })).toThrow(RangeError);
  });
});
