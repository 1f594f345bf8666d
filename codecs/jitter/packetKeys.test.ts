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
