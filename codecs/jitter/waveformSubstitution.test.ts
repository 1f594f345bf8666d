import { describe, expect, it } from 'vitest';
import { FRAME_SAMPLES, voicedPcm } from './fixtures/traces.js';
import { meanSquare } from './energy.js';
import { WaveformSubstitution } from './waveformSubstitution.js';

function maxAbsDifference(a: Int16Array, b: Int16Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  return worst;
}

describe('WaveformSubstitution', () => {
  it('conceals each call as if alone while calls take turns with the shared scratch', () => {
    const makeCall = (scale: number) => {
      const plc = new WaveformSubstitution(8000);
      for (let frame = 0; frame < 3; frame++) plc.remember(voicedPcm(frame).map((x) => Math.round(x * scale)), FRAME_SAMPLES);
      return plc;
    };
    /** Five concealed frames and a merge back into real audio, one step per call to `step`. */
    const steps = (plc: WaveformSubstitution, scale: number) => {
      const frames: Int16Array[] = [];
      return (index: number) => {
        const out = new Int16Array(FRAME_SAMPLES);
        if (index < 5) plc.conceal(out, FRAME_SAMPLES);
        else {
          out.set(voicedPcm(8).map((x) => Math.round(x * scale)));
          plc.merge(out, FRAME_SAMPLES);
        }
        frames.push(out);
        return frames;
      };
    };
    const alone = [1, 0.3].map((scale) => {
      const step = steps(makeCall(scale), scale);
      let frames: Int16Array[] = [];
      for (let i = 0; i < 6; i++) frames = step(i);
      return frames;
    });
    const [first, second] = [steps(makeCall(1), 1), steps(makeCall(0.3), 0.3)];
    let together: Int16Array[][] = [[], []];
    for (let i = 0; i < 6; i++) together = [first(i), second(i)];
    expect(together).toEqual(alone);
  });

  it('repeats the last pitch period exactly (a 1 kHz toy stream, period 5)', () => {
    // At 1000 Hz: lags 3..15, 20-sample window, 50-sample history.
    const plc = new WaveformSubstitution(1000);
    const sawtooth = Int16Array.from({ length: 50 }, (_, i) => (i % 5) * 100);
    plc.remember(sawtooth, 50);
    const out = new Int16Array(10);
    plc.conceal(out, 10);
    expect(plc.period).toBe(5);
    expect([...out]).toEqual([0, 100, 200, 300, 400, 0, 100, 200, 300, 400]);
  });

  it('finds the 64-sample period of a voiced 125 Hz signal and continues it', () => {
    const plc = new WaveformSubstitution(8000);
    for (let frame = 0; frame < 3; frame++) plc.remember(voicedPcm(frame), FRAME_SAMPLES);
    const concealed = new Int16Array(FRAME_SAMPLES);
    plc.conceal(concealed, FRAME_SAMPLES);
    expect(plc.period).toBe(64);
    expect(plc.concealing).toBe(true);
    expect(maxAbsDifference(concealed, voicedPcm(3))).toBeLessThanOrEqual(2);
  });

  it('keeps the first concealed frame at full level, then fades to silence by the fourth', () => {
    const plc = new WaveformSubstitution(8000, { fadeFrames: 4 });
    for (let frame = 0; frame < 3; frame++) plc.remember(voicedPcm(frame), FRAME_SAMPLES);
    const levels: number[] = [];
    const out = new Int16Array(FRAME_SAMPLES);
    let lastFrame = out;
    for (let loss = 0; loss < 5; loss++) {
      plc.conceal(out, FRAME_SAMPLES);
      levels.push(Math.sqrt(meanSquare(out, FRAME_SAMPLES)));
      lastFrame = out.slice();
      if (loss === 3) expect(Math.abs(out[FRAME_SAMPLES - 1]!)).toBeLessThan(200);
    }
    const original = Math.sqrt(meanSquare(voicedPcm(0), FRAME_SAMPLES));
    expect(levels[0]).toBeGreaterThan(original * 0.95);
    for (let i = 1; i < 4; i++) expect(levels[i]).toBeLessThan(levels[i - 1]!);
    expect(levels[4]).toBe(0);
    expect(lastFrame.every((sample) => sample === 0)).toBe(true);
  });

  it('continues seamlessly when the pattern grows to two and three periods', () => {
    const plc = new WaveformSubstitution(8000, { fadeFrames: 100 });
    for (let frame = 0; frame < 3; frame++) plc.remember(voicedPcm(frame), FRAME_SAMPLES);
    const out = new Int16Array(FRAME_SAMPLES);
    plc.conceal(out, FRAME_SAMPLES);
    plc.conceal(out, FRAME_SAMPLES); // gain 1 → 0.99 over this frame
    const truth = voicedPcm(4);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const gain = 1 - (0.01 * i) / FRAME_SAMPLES;
      expect(Math.abs(out[i]! - truth[i]! * gain)).toBeLessThanOrEqual(3);
    }
  });

  it('cross-fades back into real audio: no step where concealment meets the resumed stream', () => {
    const plc = new WaveformSubstitution(8000);
    for (let frame = 0; frame < 3; frame++) plc.remember(voicedPcm(frame), FRAME_SAMPLES);
    const concealed = new Int16Array(FRAME_SAMPLES);
    plc.conceal(concealed, FRAME_SAMPLES);
    // The stream resumes one frame later than the concealment expected: a phase jump.
    const resumed = voicedPcm(5).map((v) => -v);
    const merged = resumed.slice();
    plc.merge(merged, FRAME_SAMPLES);
    expect(plc.concealing).toBe(false);
    // Concealment would have gone on with frame 4; the merge starts there and ends on the real audio.
    const continuation = voicedPcm(4);
    expect(Math.abs(merged[0]! - continuation[0]!)).toBeLessThan(Math.abs(resumed[0]! - continuation[0]!) / 10);
    expect(Math.abs(merged[39]! - resumed[39]!)).toBeLessThan(Math.abs(continuation[39]! - resumed[39]!) / 10);
    expect([...merged.subarray(40)]).toEqual([...resumed.subarray(40)]); // 5 ms at 8 kHz, then untouched
  });

  it('fades real audio in after a loss that has already reached silence', () => {
    const plc = new WaveformSubstitution(8000, { fadeFrames: 2 });
    plc.remember(voicedPcm(0), FRAME_SAMPLES);
    const out = new Int16Array(FRAME_SAMPLES);
    plc.conceal(out, FRAME_SAMPLES);
    plc.conceal(out, FRAME_SAMPLES);
    const real = voicedPcm(9);
    const merged = real.slice();
    plc.merge(merged, FRAME_SAMPLES);
    // A linear fade-in over 5 ms (Q14 weights: within one step of the exact product).
    for (let i = 0; i < 40; i++) expect(Math.abs(merged[i]! - real[i]! * ((i + 1) / 41))).toBeLessThanOrEqual(1);
  });

  it('rejects a fade shorter than two frames', () => {
    expect(() => new WaveformSubstitution(8000, { fadeFrames: 1 })).toThrow(RangeError);
  });
});
