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
});
