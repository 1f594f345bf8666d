import { describe, expect, it } from 'vitest';
import { locateEchoedFrames } from './echoDelayTrack.js';

/** Deterministic speech-like noise: distinct enough that any 160 samples occur once. */
function source(samples: number): Int16Array {
  const out = new Int16Array(samples);
  let seed = 11;
  for (let i = 0; i < samples; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    out[i] = ((seed >>> 16) % 8001) - 4000;
  }
  return out;
}

const FRAME = 160;

describe('locateEchoedFrames', () => {
  const caller = source(8000 * 4);

  it('places frames returned unmodified, including after a jump (a dropped stretch) and a shift by a pitch period', () => {
    const starts = [0, 160, 320, 480, 2400, 2560, 2683, 2843];
    const returned = starts.map((start) => caller.slice(start, start + FRAME));
    const located = locateEchoedFrames(caller, returned, starts.map((_, i) => i * 20), { frameSamples: FRAME });
    expect(located.map((frame) => frame.sourceSample)).toEqual(starts);
    expect(located.map((frame) => frame.arrivedAtMs)).toEqual(starts.map((_, i) => i * 20));
  });

  it('places a frame with a cross-faded head by its bulk, and leaves out silence and concealment', () => {
    const crossFaded = caller.slice(800, 800 + FRAME);
    for (let i = 0; i < 20; i++) crossFaded[i] = Math.round(crossFaded[i]! * (i / 20));
    const silence = new Int16Array(FRAME);
    const concealed = source(FRAME).map((sample) => -sample);
    const located = locateEchoedFrames(caller, [caller.slice(640, 800), crossFaded, silence, concealed], [0, 20, 40, 60], { frameSamples: FRAME });
    expect(located).toEqual([
      { arrivedAtMs: 0, sourceSample: 640 },
      { arrivedAtMs: 20, sourceSample: 800 },
    ]);
  });
});
