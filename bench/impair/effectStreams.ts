/**
 * Sub-stream numbers for {@link deriveSeed}: each effect draws from its own generator, so turning
 * one effect up or down leaves every other effect's draws, for the same seed, exactly as they were
 * (e.g. the same stalls with or without jitter).
 */

import { deriveSeed, SeededRandom } from './random.js';

/** The independent random sub-streams of one impaired call. */
export const effectStream = {
  loss: 1,
  reorder: 2,
  duplicates: 3,
  jitter: 4,
  stalls: 5,
  disconnect: 6,
} as const;

/** The generator for `effect` in the call seeded with `seed`. */
export function effectRandom(seed: number, effect: keyof typeof effectStream): SeededRandom {
  return new SeededRandom(deriveSeed(seed, effectStream[effect]));
}
