import { describe, expect, it } from 'vitest';
import { SERIAL16, SERIAL32, SerialUnwrapper, serialDelta16, serialDelta32 } from './serial.js';

describe('serialDelta32', () => {
  it('measures forward, backward and across the 2^32 wrap', () => {
    expect(serialDelta32(10, 13)).toBe(3);
    expect(serialDelta32(13, 10)).toBe(-3);
    expect(serialDelta32(SERIAL32 - 1, 0)).toBe(1);
    expect(serialDelta32(0, SERIAL32 - 1)).toBe(-1);
    expect(serialDelta32(SERIAL32 - 2, 3)).toBe(5);
  });

  it('reports the undefined half-way distance as behind (RFC 1982 leaves it open)', () => {
    expect(serialDelta32(0, 2 ** 31)).toBe(-(2 ** 31));
    expect(serialDelta32(0, 2 ** 31 - 1)).toBe(2 ** 31 - 1);
  });

  it('treats counters above 2^32 (a decimal counter that never wraps) by their residue', () => {
    expect(serialDelta32(SERIAL32 + 5, SERIAL32 + 9)).toBe(4);
  });
});

describe('serialDelta16', () => {
  it('wraps at 2^16', () => {
    expect(serialDelta16(SERIAL16 - 1, 0)).toBe(1);
    expect(serialDelta16(3, SERIAL16 - 3)).toBe(-6);
  });
});

describe('SerialUnwrapper', () => {
  it('counts on through a 32-bit wrap, also for a packet that arrives late across it', () => {
    const unwrapper = new SerialUnwrapper();
    const raws = [SERIAL32 - 2, SERIAL32 - 1, 1, 0, 2];
    expect(raws.map((raw) => unwrapper.unwrap(raw))).toEqual([SERIAL32 - 2, SERIAL32 - 1, SERIAL32 + 1, SERIAL32, SERIAL32 + 2]);
  });

  it('counts on through a 16-bit wrap of a small counter', () => {
    const unwrapper = new SerialUnwrapper();
    const raws = [65534, 65535, 0, 1];
    expect(raws.map((raw) => unwrapper.unwrap(raw))).toEqual([65534, 65535, 65536, 65537]);
  });

  it('keeps a genuine backward jump of a small counter backward', () => {
    const unwrapper = new SerialUnwrapper();
    unwrapper.unwrap(20_000);
    expect(unwrapper.unwrap(100)).toBe(100);
  });

  it('measures from the new reference after a rebase', () => {
    const unwrapper = new SerialUnwrapper();
    unwrapper.unwrap(5_000_000);
    unwrapper.rebase(7, 1_000);
    expect(unwrapper.unwrap(9)).toBe(1_002);
  });
});
