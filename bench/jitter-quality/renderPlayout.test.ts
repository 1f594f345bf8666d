import { describe, expect, it } from 'vitest';
import { pcmuStream } from '../../codecs/jitter/fixtures/traces.js';
import { PcmuDecoder } from '../../codecs/pcmu.js';
import { CONCEAL_FRAMES, renderPlayout, renderReference } from './renderPlayout.js';
import { NO_FRAME } from './playoutOutcome.js';

const FRAME = 160;
const speech = pcmuStream(40);
const payloadOf = (i: number): Uint8Array => speech[i]!;

function energy(samples: Int16Array, frame: number): number {
  let sum = 0;
  for (let i = frame * FRAME; i < (frame + 1) * FRAME; i++) sum += samples[i]! * samples[i]!;
  return sum;
}

describe('renderPlayout', () => {
  it('decodes the frames heard, in the order heard', () => {
    const reference = renderReference(40, payloadOf, new PcmuDecoder(), FRAME);
    const heard = Int32Array.from([0, 1, 2, 5, 6]);
    const out = renderPlayout(heard, payloadOf, new PcmuDecoder(), FRAME);
    expect(out).toHaveLength(5 * FRAME);
    expect(out.subarray(0, 3 * FRAME)).toEqual(reference.subarray(0, 3 * FRAME));
    // A jump with no gap between is not a loss: frame 5 plays as decoded.
    expect(out.subarray(3 * FRAME)).toEqual(reference.subarray(5 * FRAME, 7 * FRAME));
  });

  it('conceals a gap as PlayoutStage does: pitch repetition fading out, then silence, then a cross-fade back', () => {
    const reference = renderReference(40, payloadOf, new PcmuDecoder(), FRAME);
    const gap = CONCEAL_FRAMES + 2;
    const heard = Int32Array.from([...Array.from({ length: 10 }, (_, i) => i), ...new Array<number>(gap).fill(NO_FRAME), 10 + gap, 11 + gap]);
    const out = renderPlayout(heard, payloadOf, new PcmuDecoder(), FRAME);
    expect(energy(out, 10)).toBeGreaterThan(0.5 * energy(reference, 10));
    expect(energy(out, 10 + CONCEAL_FRAMES - 1)).toBeLessThan(energy(out, 10));
    expect(energy(out, 10 + CONCEAL_FRAMES)).toBe(0);
    // Back in real audio: the first 5 ms fade in from the silence, the rest is the frame as decoded.
    const resumed = 10 + gap;
    expect(out.subarray(resumed * FRAME + 40, (resumed + 1) * FRAME)).toEqual(reference.subarray(resumed * FRAME + 40, (resumed + 1) * FRAME));
    expect(out[resumed * FRAME]).not.toBe(reference[resumed * FRAME]);
  });
});
