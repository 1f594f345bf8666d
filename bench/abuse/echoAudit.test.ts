import { describe, expect, it } from 'vitest';
import { distinctMulawFrames, FRAME_BYTES } from './distinctAudio.js';
import { auditEcho, type ReceivedAudio } from './echoAudit.js';

/** Frames `indices` of `frames` concatenated into one message arriving at `at`. */
function message(frames: readonly Uint8Array[], indices: readonly number[], at: number): ReceivedAudio {
  return { at, payload: Buffer.concat(indices.map((index) => frames[index] as Uint8Array)) };
}

describe('good-call audit', () => {
  const frames = distinctMulawFrames(10);
  const sentAt = Float64Array.from({ length: 10 }, (_, i) => 1000 + i * 20);

  it('makes frames that differ and never contain µ-law negative zero', () => {
    const many = distinctMulawFrames(2000);
    expect(new Set(many.map((frame) => Buffer.from(frame).toString('hex'))).size).toBe(2000);
    expect(many.every((frame) => frame.length === FRAME_BYTES && !frame.includes(0x7f))).toBe(true);
  });

  it('counts every frame heard back across message boundaries, and the share kept', () => {
    const received = [message(frames, [0, 1, 2], 1260), message(frames, [3], 1280), message(frames, [5, 6, 7, 8, 9], 1300)];
    const audit = auditEcho({ frames, sentAt, received, from: 1000, to: 1200 });
    expect(audit.framesSent).toBe(10);
    expect(audit.framesHeard).toBe(9);
    expect(audit.keptPercent).toBeCloseTo(90);
  });

  it('still recognises a frame whose first 5 ms were cross-faded after a concealment', () => {
    const faded = Buffer.from(frames[4] as Uint8Array);
    faded.fill(0, 0, 40);
    const audit = auditEcho({ frames, sentAt, received: [{ at: 1300, payload: faded }], from: 1000, to: 1200 });
    expect(audit.framesHeard).toBe(1);
  });

  it('judges only the frames sent inside the window', () => {
    const audit = auditEcho({ frames, sentAt, received: [message(frames, [2, 3], 1300)], from: 1040, to: 1060 });
    expect(audit.framesSent).toBe(2);
    expect(audit.keptPercent).toBe(100);
  });

  it('finds the longest gap between messages, counting from the last one before the window to its end', () => {
    const at = [990, 1010, 1030, 1180, 1200];
    const received = at.map((time, index) => message(frames, [index], time));
    const audit = auditEcho({ frames, sentAt, received, from: 1000, to: 1250 });
    expect(audit.maxGapMs).toBe(150);
    expect(audit.maxGapAtMs).toBe(30);
  });

  it('counts the silence of a call that died as a gap running to the end of the window', () => {
    const audit = auditEcho({ frames, sentAt, received: [message(frames, [0], 1020)], from: 1000, to: 5000 });
    expect(audit.maxGapMs).toBe(3980);
    expect(audit.maxSilenceMs).toBe(3960); // its last frame played until 1040
  });

  it('plays the messages as Telnyx would: audio held ahead covers a pause, a pause longer than it is a silence', () => {
    // 100 ms messages every 100 ms from 900, one held back until 1350: Telnyx played what it held until 1300.
    const at = [900, 1000, 1100, 1200, 1350, 1400];
    const received = at.map((time, index) => message(frames, [index, index, index, index, index], time));
    const audit = auditEcho({ frames, sentAt, received, from: 1000, to: 1500 });
    expect(audit.maxGapMs).toBe(150);
    expect(audit.maxSilenceMs).toBe(50);
    expect(audit.maxSilenceAtMs).toBe(300);
    // The same pause with 200 ms already at Telnyx is no silence at all.
    const ahead = [message(frames, [0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 900), ...received.slice(1)];
    expect(auditEcho({ frames, sentAt, received: ahead, from: 1000, to: 1500 }).maxSilenceMs).toBe(0);
  });

  it('counts a whole window without a message as silence', () => {
    expect(auditEcho({ frames, sentAt, received: [], from: 1000, to: 1500 }).maxSilenceMs).toBe(500);
  });
});
