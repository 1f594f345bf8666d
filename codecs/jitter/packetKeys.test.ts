import { describe, expect, it } from 'vitest';
import { MediaPacket } from '../../engine/telnyx/frames.js';
import { PacketKeys } from './packetKeys.js';

function packet(sequenceNumber: number, chunk = -1, timestamp = -1): MediaPacket {
  const media = new MediaPacket(4);
  media.sequenceNumber = sequenceNumber;
  media.chunk = chunk;
  media.timestamp = timestamp;
  return media;
}

describe('PacketKeys', () => {
  it('keys on sequence_number when present, counted from the first packet, and keeps that source', () => {
    const keys = new PacketKeys();
    expect(keys.keyOf(packet(10, 3, 40))).toBe(0);
    expect(keys.source).toBe('sequenceNumber');
    expect(keys.keyOf(packet(11, 900, 40))).toBe(1);
    expect(keys.keyOf(packet(8, 900, 40))).toBe(-2);
    expect(keys.keyOf(packet(-1, 5, 60))).toBeNaN();
  });

  it('keeps keys small across the 2^32 wrap', () => {
    const keys = new PacketKeys();
    expect(keys.keyOf(packet(4294967295))).toBe(0);
    expect(keys.keyOf(packet(0))).toBe(1);
    expect(keys.keyOf(packet(4294967294))).toBe(-1);
  });

  it('falls back to chunk, then to timestamp divided by the step', () => {
    const byChunk = new PacketKeys();
    expect(byChunk.keyOf(packet(-1, 7, 140))).toBe(0);
    expect(byChunk.keyOf(packet(-1, 9, 140))).toBe(2);
    expect(byChunk.source).toBe('chunk');

    const byTimestamp = new PacketKeys(160);
    expect(byTimestamp.keyOf(packet(-1, -1, 1600))).toBe(0);
    expect(byTimestamp.keyOf(packet(-1, -1, 1759))).toBe(1);
    expect(byTimestamp.keyOf(packet(-1, -1, 1920))).toBe(2);
    expect(byTimestamp.source).toBe('timestamp');
  });

  it('returns NaN and picks no source for a packet without counters', () => {
    const keys = new PacketKeys();
    expect(keys.keyOf(packet(-1))).toBeNaN();
    expect(keys.source).toBeUndefined();
  });

  it('rejects a non-positive timestamp step', () => {
    expect(() => new PacketKeys(0)).toThrow(RangeError);
  });

  it('leaves out the sequence numbers control frames used, so media keys stay consecutive across key presses and mark echoes', () => {
    const keys = new PacketKeys();
    keys.noteControl(1); // start, before any media
    expect(keys.keyOf(packet(2))).toBe(0);
    expect(keys.keyOf(packet(3))).toBe(1);
    keys.noteControl(4); // dtmf
    keys.noteControl(4); // its repeat uses no new number
    keys.noteControl(5); // mark echo
    expect(keys.keyOf(packet(6))).toBe(2);
    // Reordered media still finds its place among the control frames.
    keys.noteControl(8);
    expect(keys.keyOf(packet(9))).toBe(4);
    expect(keys.keyOf(packet(7))).toBe(3);
  });

  it('stays consecutive over thousands of interleaved mark echoes, with bounded memory', () => {
    const keys = new PacketKeys();
    let sequence = 1;
    for (let frame = 0; frame < 5000; frame++) {
      expect(keys.keyOf(packet(++sequence))).toBe(frame);
      if (frame % 3 === 0) keys.noteControl(++sequence);
    }
  });

  it('leaves a control frame that comes after a later media frame as a gap, so no key is given twice', () => {
    const keys = new PacketKeys();
    expect(keys.keyOf(packet(10))).toBe(0);
    expect(keys.keyOf(packet(12))).toBe(2);
    keys.noteControl(11);
    expect(keys.keyOf(packet(13))).toBe(3);
  });

  it('ignores control frames on a stream keyed by chunk or timestamp', () => {
    const keys = new PacketKeys();
    expect(keys.keyOf(packet(-1, 7))).toBe(0);
    keys.noteControl(8);
    expect(keys.keyOf(packet(-1, 8))).toBe(1);
  });
});

/** Keys of packets given as [sequence_number, timestamp] pairs, in push order. */
function keysOf(packets: readonly (readonly [number, number])[], keys = new PacketKeys()): number[] {
  return packets.map(([sequenceNumber, timestamp]) => keys.keyOf(packet(sequenceNumber, -1, timestamp)));
}

/** Frames `first..first+count-1` with consecutive sequence numbers and timestamps `step` apart. */
function run(first: number, count: number, firstTimestamp: number, step: number): [number, number][] {
  return Array.from({ length: count }, (_, i) => [first + i, firstTimestamp + i * step] as [number, number]);
}

describe('PacketKeys: the timestamp as the time axis', () => {
  it.each([20, 160, 320, 960])('leaves a key unused for each frame the sender skipped, with a timestamp step of %i learned from the stream', (step) => {
    const keys = new PacketKeys();
    expect(keysOf(run(100, 5, 7000, step), keys)).toEqual([0, 1, 2, 3, 4]);
    expect(keys.timestampStep).toBe(step);
    // Sequence numbers stay contiguous; the timestamp jumps over one frame, then over two.
    expect(keysOf([[105, 7000 + 6 * step], [106, 7000 + 7 * step], [107, 7000 + 10 * step]], keys)).toEqual([6, 7, 10]);
  });

  it('keys by sequence number alone until the step is trusted', () => {
    const keys = new PacketKeys();
    expect(keysOf([[1, 0], [2, 320], [3, 480]], keys)).toEqual([0, 1, 2]);
    expect(keys.timestampStep).toBeNaN();
  });

  it('closes the gap a control frame left in the sequence numbers when the timestamps are contiguous', () => {
    const keys = new PacketKeys();
    keysOf(run(1, 5, 0, 160), keys);
    // Sequence number 6 went to a mark echo the keys were never told about.
    expect(keysOf([[7, 800], [8, 960]], keys)).toEqual([5, 6]);
  });

  it('places a reordered frame by its timestamp between its neighbours', () => {
    const keys = new PacketKeys();
    keysOf(run(1, 5, 0, 20), keys);
    expect(keysOf([[7, 160], [6, 120], [8, 180]], keys)).toEqual([8, 6, 9]);
  });

  it('gives a copy the key of its original, whichever neighbours arrived since', () => {
    const keys = new PacketKeys();
    keysOf(run(1, 5, 0, 20), keys);
    expect(keysOf([[7, 140], [6, 100], [8, 160], [6, 100], [7, 140]], keys)).toEqual([7, 5, 8, 5, 7]);
  });

  it('falls back on the sequence number for a frame without a timestamp, and times the next one from the last frame that had one', () => {
    const keys = new PacketKeys();
    keysOf(run(1, 5, 0, 160), keys);
    expect(keysOf([[6, -1], [7, 160 * 8]], keys)).toEqual([5, 8]);
  });

  it('falls back on the sequence number for a timestamp that runs backwards, is no whole number of frames, or jumps too far', () => {
    const keys = new PacketKeys(20, 16);
    keysOf(run(1, 5, 10_000, 160), keys);
    expect(keysOf([[6, 9000], [7, 9160], [8, 9250], [9, 9250 + 160 * 40], [10, 9250 + 160 * 41]], keys)).toEqual([5, 6, 7, 8, 9]);
    expect(keys.timestampStep).toBe(160);
  });

  it('ignores timestamps that never move', () => {
    const keys = new PacketKeys();
    expect(keysOf([...run(1, 10, 5, 0), [12, 5]], keys)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 11]);
    expect(keys.timestampStep).toBeNaN();
  });

  it('follows both counters across their 2^32 wrap', () => {
    const keys = new PacketKeys();
    const frames = run(4294967293, 6, 4294967296 - 3 * 160, 160).map(([s, t]) => [s % 4294967296, t % 4294967296] as [number, number]);
    expect(keysOf(frames, keys)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(keysOf([[3, 5 * 160]], keys)).toEqual([8]);
  });

  it('follows a 16-bit sequence number across its wrap while the timestamp skips', () => {
    const keys = new PacketKeys();
    const frames = run(65533, 6, 0, 20).map(([s, t]) => [s % 65536, t] as [number, number]);
    expect(keysOf(frames, keys)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(keysOf([[3, 140]], keys)).toEqual([7]);
  });

  it('keys a frame the timestamps leave no room for like a copy of its predecessor', () => {
    const keys = new PacketKeys();
    keysOf(run(1, 5, 0, 20), keys);
    expect(keysOf([[7, 100], [6, 100]], keys)).toEqual([5, 4]);
  });

  it('orders by chunk and times by timestamp when sequence_number is absent', () => {
    const keys = new PacketKeys();
    const frames = [0, 1, 2, 3, 4, 5].map((chunk) => packet(-1, chunk + 1, chunk * 160 + (chunk === 5 ? 160 : 0)));
    expect(frames.map((frame) => keys.keyOf(frame))).toEqual([0, 1, 2, 3, 4, 6]);
    expect(keys.source).toBe('chunk');
  });

  it('keeps the learned step across a counter restart and forgets it for a new stream', () => {
    const keys = new PacketKeys();
    keysOf(run(500, 5, 0, 160), keys);
    expect(keysOf([[300, 50_000]], keys)).toEqual([-200]);
    keys.rebaseOnLast();
    expect(keysOf([[301, 50_320]], keys)).toEqual([-198]);
    // A frame sent just before the one the buffer restarted on is timed back from it.
    expect(keysOf([[299, 50_000 - 3 * 160]], keys)).toEqual([-203]);
    keys.reset();
    expect(keys.timestampStep).toBeNaN();
    expect(keysOf([[1, 0], [2, 320]], keys)).toEqual([0, 1]);
  });
});
