import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { arbitraryDelayDistribution, arbitraryProfile } from '../../test/support/arbitraryProfile.js';
import { sampleDelayMs } from './delayDistribution.js';
import { cleanProfile, impairmentProfiles, isImpairmentProfileName, profileByName, type ImpairmentProfile } from './profiles.js';
import { SeededRandom } from './random.js';
import { assertValidProfile, profileProblems } from './validateProfile.js';

describe('shipped profiles', () => {
  it('are all valid and named by their key', () => {
    for (const [name, profile] of Object.entries(impairmentProfiles)) {
      expect(profile.name).toBe(name);
      expect(profileProblems(profile)).toEqual([]);
      expect(profileByName(name)).toBe(profile);
      expect(isImpairmentProfileName(name)).toBe(true);
    }
    expect(Object.keys(impairmentProfiles)).toEqual(['clean', 'wifi', 'congested-4g', 'stalls', 'lossy', 'satellite']);
  });

  it('rejects unknown names and lists the known ones', () => {
    expect(isImpairmentProfileName('toString')).toBe(false);
    expect(() => profileByName('dial-up')).toThrow(/unknown impairment profile "dial-up"; known: clean, wifi, congested-4g/);
  });
});

describe('profileProblems', () => {
  it('names every bad field', () => {
    const broken: ImpairmentProfile = {
      ...cleanProfile,
      name: 'broken',
      baseDelayMs: -1,
      jitter: { delay: { kind: 'pareto', minMs: 0, shape: 1.5 }, maxMs: Number.NaN },
      reorder: { probability: 1.5, maxDepth: 0 },
      stalls: { perMinute: 10_000, duration: { kind: 'uniform', minMs: 10, maxMs: 5 }, maxMs: -3 },
      burstSpacingMs: 0,
      duplicates: { probability: -0.1, maxLagFrames: 1.5 },
      loss: { probability: 1, meanBurstFrames: 0.5 },
      disconnect: { probabilityPerCall: 2 },
    };
    const fields = profileProblems(broken).map((problem) => problem.split(':')[0]);
    expect(fields).toEqual([
      'baseDelayMs',
      'jitter.delay',
      'jitter.maxMs',
      'reorder.probability',
      'reorder.maxDepth',
      'stalls.perMinute',
      'stalls.duration',
      'stalls.maxMs',
      'burstSpacingMs',
      'duplicates.probability',
      'duplicates.maxLagFrames',
      'loss.probability',
      'loss.meanBurstFrames',
      'disconnect.probabilityPerCall',
    ]);
    expect(() => assertValidProfile(broken)).toThrow(/impairment profile "broken" is invalid: baseDelayMs/);
  });

  it('accepts every generated profile', () => {
    fc.assert(
      fc.property(arbitraryProfile, (profile) => {
        expect(profileProblems(profile)).toEqual([]);
      }),
    );
  });
});

describe('sampleDelayMs', () => {
  it('stays within [0, maxMs] for any distribution', () => {
    fc.assert(
      fc.property(arbitraryDelayDistribution, fc.double({ min: 0, max: 5000, noNaN: true }), fc.integer(), (distribution, maxMs, seed) => {
        const random = new SeededRandom(seed);
        for (let i = 0; i < 100; i++) {
          const value = sampleDelayMs(distribution, maxMs, random);
          expect(value >= 0 && value <= maxMs).toBe(true);
        }
      }),
    );
  });

  it('truncates a normal at zero and clamps a heavy tail at maxMs', () => {
    const random = new SeededRandom(1);
    const normals = Array.from({ length: 10_000 }, () => sampleDelayMs({ kind: 'normal', meanMs: 0, sdMs: 10 }, 1000, random));
    const zeros = normals.filter((value) => value === 0).length / normals.length;
    expect(Math.abs(zeros - 0.5)).toBeLessThan(0.03);
    const tail = Array.from({ length: 10_000 }, () => sampleDelayMs({ kind: 'pareto', minMs: 10, shape: 0.5 }, 300, random));
    // P(X > 300) = (10 / 300)^0.5 ≈ 0.18 of the draws land on the clamp.
    expect(Math.abs(tail.filter((value) => value === 300).length / tail.length - Math.sqrt(10 / 300))).toBeLessThan(0.02);
    expect(sampleDelayMs({ kind: 'constant', valueMs: 12 }, 100, random)).toBe(12);
    expect(sampleDelayMs({ kind: 'none' }, 100, random)).toBe(0);
  });
});
