/**
 * Parameter checks for impairment profiles, so a typo in a custom profile fails loudly before a
 * bench run instead of producing NaN delivery times.
 */

import { delayDistributionProblem } from './delayDistribution.js';
import type { ImpairmentProfile } from './profiles.js';

/** Upper bound on {@link ImpairmentProfile.stalls}.perMinute. */
export const MAX_STALLS_PER_MINUTE = 600;

const isProbability = (value: number): boolean => Number.isFinite(value) && value >= 0 && value <= 1;
const isFiniteNonNegative = (value: number): boolean => Number.isFinite(value) && value >= 0;
const isNonNegativeInteger = (value: number): boolean => Number.isSafeInteger(value) && value >= 0;

/** Every problem with `profile`, as `field: reason` strings; empty when the profile is usable. */
export function profileProblems(profile: ImpairmentProfile): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, field: string, reason: string): void => {
    if (!ok) problems.push(`${field}: ${reason}`);
  };
  check(isFiniteNonNegative(profile.baseDelayMs), 'baseDelayMs', 'must be finite and ≥ 0');
  const jitterProblem = delayDistributionProblem(profile.jitter.delay);
  check(jitterProblem === undefined, 'jitter.delay', jitterProblem ?? '');
  check(isFiniteNonNegative(profile.jitter.maxMs), 'jitter.maxMs', 'must be finite and ≥ 0');
  check(isProbability(profile.reorder.probability), 'reorder.probability', 'must be in [0, 1]');
  check(Number.isSafeInteger(profile.reorder.maxDepth) && profile.reorder.maxDepth >= 1, 'reorder.maxDepth', 'must be an integer ≥ 1');
  // Beyond ten a second, stalls are no longer stalls, and the lazy stall walk would crawl.
  check(isFiniteNonNegative(profile.stalls.perMinute) && profile.stalls.perMinute <= MAX_STALLS_PER_MINUTE, 'stalls.perMinute', `must be in [0, ${MAX_STALLS_PER_MINUTE}]`);
  const stallProblem = delayDistributionProblem(profile.stalls.duration);
  check(stallProblem === undefined, 'stalls.duration', stallProblem ?? '');
  check(isFiniteNonNegative(profile.stalls.maxMs), 'stalls.maxMs', 'must be finite and ≥ 0');
  check(Number.isFinite(profile.burstSpacingMs) && profile.burstSpacingMs > 0, 'burstSpacingMs', 'must be finite and > 0');
  check(isProbability(profile.duplicates.probability), 'duplicates.probability', 'must be in [0, 1]');
  check(isNonNegativeInteger(profile.duplicates.maxLagFrames), 'duplicates.maxLagFrames', 'must be an integer ≥ 0');
  // A long-run loss of 1 would leave nothing to measure, and the burst model divides by 1 − p.
  check(Number.isFinite(profile.loss.probability) && profile.loss.probability >= 0 && profile.loss.probability < 1, 'loss.probability', 'must be in [0, 1)');
  check(Number.isFinite(profile.loss.meanBurstFrames) && profile.loss.meanBurstFrames >= 1, 'loss.meanBurstFrames', 'must be ≥ 1');
  check(isProbability(profile.disconnect.probabilityPerCall), 'disconnect.probabilityPerCall', 'must be in [0, 1]');
  return problems;
}

/**
 * Throws if `profile` has an unusable parameter.
 * @throws RangeError listing every problem found.
 */
export function assertValidProfile(profile: ImpairmentProfile): void {
  const problems = profileProblems(profile);
  if (problems.length > 0) throw new RangeError(`impairment profile "${profile.name}" is invalid: ${problems.join('; ')}`);
}
