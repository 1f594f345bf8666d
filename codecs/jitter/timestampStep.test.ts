import { describe, expect, it } from 'vitest';
import { PAIRS_TO_TRUST, STRIKES_TO_DISTRUST, TimestampStep } from './timestampStep.js';

function learner(distances: readonly number[], maxSkippedFrames = 16): TimestampStep {
  const step = new TimestampStep(maxSkippedFrames);
  for (const distance of distances) step.observe(distance);
  return step;
}

describe('TimestampStep', () => {
  it.each([20, 160, 320, 960])('learns a step of %i units from the pairs themselves', (unit) => {
    const step = learner(Array.from({ length: PAIRS_TO_TRUST - 1 }, () => unit));
    expect(step.step).toBeNaN();
    step.observe(unit);
    expect(step.step).toBe(unit);
  });

  it('takes the smallest distance for the step when the first pairs spanned skipped frames', () => {
    expect(learner([320, 480, 160, 160, 320, 160, 160]).step).toBe(160);
  });

  it('lets pairs that skip frames neither count towards nor against the step being learned', () => {
    expect(learner([20, 40, 20, 60, 20, 20]).step).toBe(20);
  });

  it('never trusts timestamps that stand still, run backwards or jitter like a wall clock', () => {
    expect(learner(Array.from({ length: 50 }, () => 0)).step).toBeNaN();
    expect(learner(Array.from({ length: 50 }, () => -160)).step).toBeNaN();
    const wallClock = [20, 21, 19, 20, 20, 22, 18, 20, 21, 20, 19, 20, 20, 20, 21];
    expect(learner([...wallClock, ...wallClock]).step).toBeNaN();
  });

  it('starts learning over after a pair that jumps further than the skip limit', () => {
    expect(learner([160, 160, 160, 160 * 40, 160, 160, 160], 16).step).toBeNaN();
    expect(learner([160, 160, 160, 160 * 40, 160, 160, 160, 160], 16).step).toBe(160);
    expect(learner([160, 160, 160, 160 * 17, 160], 16).step).toBe(160);
  });

  it('keeps a trusted step through occasional bad pairs and drops it when they keep coming', () => {
    const step = learner([160, 160, 160, 160]);
    step.observe(-3000); // a restart of the timestamp counter
    step.observe(160);
    step.observe(17);
    expect(step.step).toBe(160);
    for (let i = 0; i < STRIKES_TO_DISTRUST; i++) step.observe(7);
    expect(step.step).toBeNaN();
    for (let i = 0; i < PAIRS_TO_TRUST; i++) step.observe(20);
    expect(step.step).toBe(20);
  });

  it('forgets the step for a new stream', () => {
    const step = learner([160, 160, 160, 160]);
    step.forget();
    expect(step.step).toBeNaN();
  });
});
