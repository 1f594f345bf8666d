import { describe, expect, it } from 'vitest';
import { lowBandInterval } from './lowQuantizer.js';
import { linearScale } from './scaleFactor.js';
import { LOW_DECISION_LEVELS, LOW_INTERVALS, LOW_LOG_SCALE_MAX, LOW_SCALE_SHIFT } from './tables.js';

describe('lowBandInterval', () => {
  it('equals the standard level scan for every reachable step size and every magnitude', () => {
    const scales = new Set<number>();
    for (let logScale = 0; logScale <= LOW_LOG_SCALE_MAX; logScale++) scales.add(linearScale(logScale, LOW_SCALE_SHIFT));
    expect(scales.size).toBeGreaterThan(200);
    let mismatches = 0;
    for (const scale of scales) {
      // QUANTL as the standard words it: scan the levels until the magnitude falls below one. The
      // scan resumes where the previous magnitude stopped, which is the same answer (the levels a
      // smaller magnitude passed, a larger one passes too) and keeps 8 M checks quick.
      let scanned = 1;
      // One's-complement magnitudes of int16 differences run 0..32767.
      for (let magnitude = 0; magnitude <= 32767; magnitude++) {
        while (scanned < LOW_INTERVALS && magnitude >= (LOW_DECISION_LEVELS[scanned]! * scale) >> 12) scanned++;
        if (lowBandInterval(magnitude, scale) !== scanned) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it('spans intervals 1 to 30, with the lowest levels rounding to zero at the smallest step', () => {
    expect(lowBandInterval(0, 16384)).toBe(1);
    expect(lowBandInterval(32767, 16384)).toBe(30);
    expect(lowBandInterval(32767, 32)).toBe(30);
    // (Q6[1..3] × 32) >> 12 is 0, so even a zero magnitude lands past them.
    expect(lowBandInterval(0, 32)).toBe(4);
  });
});
