import { describe, expect, it } from 'vitest';
import type { FindMaxRecord } from '../report/reportModel.js';
import { workerRatios } from './benchCommand.js';

function search(profile: string, engineWorkers: number, maxHeld: number | null): FindMaxRecord {
  return { profile, steps: [], maxHeld, maxHeldAtTarget: maxHeld, engineCores: engineWorkers, engineWorkers, stoppedBecause: 'converged', baseline: null, ratios: null };
}

describe('workerRatios', () => {
  it('sets each cluster’s largest held count against one worker’s, per profile', () => {
    const notes = workerRatios([search('clean', 1, 400), search('clean', 2, 700), search('wifi', 2, 300)]);
    expect(notes).toEqual(['calls per machine (clean): --workers 2 700 calls held, 1.75× the 400 of --workers 1']);
  });

  it('says so when the cluster held no step', () => {
    expect(workerRatios([search('clean', 1, 400), search('clean', 2, null)])[0]).toContain('no step held');
  });
});
