import { describe, expect, it } from 'vitest';
import { alignEcho, framesHeard } from './echoAlignment.js';

/** A gliding tone as decoded G.711 would give it: no 24-sample run repeats. */
function glide(samples: number): Int16Array {
  const out = new Int16Array(samples);
  let phase = 0;
  for (let i = 0; i < samples; i++) {
    phase += (2 * Math.PI * (250 + (1250 * i) / samples)) / 8000;
    out[i] = Math.round(Math.sin(phase) * 12_000);
  }
  return out;
}

const concat = (...parts: Int16Array[]): Int16Array => {
  const out = new Int16Array(parts.reduce((total, part) => total + part.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
};

describe('alignEcho', () => {
  const sent = glide(160 * 50);

  it('hears every frame of an exact echo behind leading silence, in order', () => {
    const alignment = alignEcho(sent, concat(new Int16Array(800), sent));
    expect(alignment.coveredSamples).toBe(sent.length);
    expect(framesHeard(alignment)).toBe(50);
    expect(alignment.backwardJumps).toBe(0);
  });

  it('follows a pitch period removed and one repeated, and counts only what was cut as not heard', () => {
    // Frame 10 loses 40 samples (accelerate), frame 30 repeats 40 (expand).
    const echo = concat(sent.subarray(0, 1600), sent.subarray(1640, 4800), sent.subarray(4760, sent.length));
    const alignment = alignEcho(sent, echo);
    expect(alignment.coveredSamples).toBe(echo.length);
    expect(framesHeard(alignment)).toBe(50);
    expect(alignment.backwardJumps).toBe(0);
  });

  it('counts concealed frames as not heard, and a replay of old audio as out of order', () => {
    const concealed = new Int16Array(160 * 3).fill(5);
    const echo = concat(sent.subarray(0, 1600), concealed, sent.subarray(1600 + 480, 4000), sent.subarray(800, 1600));
    const alignment = alignEcho(sent, echo);
    expect(framesHeard(alignment)).toBe(25 - 3);
    expect(alignment.backwardJumps).toBe(1);
  });
});
