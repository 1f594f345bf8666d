import { createHash, timingSafeEqual } from 'node:crypto';

/**
 * Compares a presented secret with the expected one in constant time: both are hashed first, so
 * neither their contents nor their lengths leak through timing.
 */
export function secretsEqual(presented: string, expected: string): boolean {
  const a = createHash('sha256').update(presented, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** True when `presented` equals one of `expected`, checking every key (no early exit). */
export function matchesAnySecret(presented: string, expected: readonly string[]): boolean {
  let match = false;
  for (const key of expected) match = secretsEqual(presented, key) || match;
  return match;
}
