import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SeededRandom, deriveSeed } from './random.js';

const SAMPLES = 200_000;

function moments(draw: () => number, n = SAMPLES): { mean: number; variance: number } {
  let sum = 0;
  let sumSquares = 0;
  for (let i = 0; i < n; i++) {
    const x = draw();
    sum += x;
    sumSquares += x * x;
  }
  const mean = sum / n;
  return { mean, variance: sumSquares / n - mean * mean };
}

function fractionWhere(draw: () => number, predicate: (x: number) => boolean, n = SAMPLES): number {
  let hits = 0;
  for (let i = 0; i < n; i++) if (predicate(draw())) hits++;
  return hits / n;
}

describe('SeededRandom: the integer stream', () => {
  it('matches the reference C xoshiro128** for given state words', () => {
    // Vectors from Blackman and Vigna's xoshiro128starstar.c, compiled with gcc.
    const fromSmallState = SeededRandom.fromState(1, 2, 3, 4);
    expect(Array.from({ length: 8 }, () => fromSmallState.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492, 1287239034, 3734860849,
    ]);
    const fromMixedState = SeededRandom.fromState(0x12345678, 0x87654321, 0xdeadbeef, 0x0badcafe);
    expect(Array.from({ length: 8 }, () => fromMixedState.nextUint32())).toEqual([
      1717987682, 3038216485, 1292814215, 2810345889, 3302678982, 3926284273, 2218768314, 517247500,
    ]);
  });

  it('seeds through splitmix32 exactly as the C reference does (seed 42)', () => {
    const random = new SeededRandom(42);
    expect(Array.from({ length: 6 }, () => random.nextUint32())).toEqual([2837322924, 544945897, 479756282, 3500138142, 339756180, 113173290]);
  });

  it('rejects the all-zero state and seeds that are not safe integers', () => {
    expect(() => SeededRandom.fromState(0, 0, 0, 0)).toThrow(RangeError);
    expect(() => new SeededRandom(1.5)).toThrow(RangeError);
    expect(() => new SeededRandom(Number.NaN)).toThrow(RangeError);
    expect(() => new SeededRandom(2 ** 60)).toThrow(RangeError);
  });

  it('gives the same sequence for the same seed and a different one for a different seed', () => {
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.maxSafeInteger(), (seed, other) => {
        const first = new SeededRandom(seed);
        const second = new SeededRandom(seed);
        const draws = Array.from({ length: 16 }, () => first.uniform());
        expect(Array.from({ length: 16 }, () => second.uniform())).toEqual(draws);
        for (const x of draws) expect(x >= 0 && x < 1).toBe(true);
        if (other !== seed) {
          const different = new SeededRandom(other);
          expect(Array.from({ length: 16 }, () => different.uniform())).not.toEqual(draws);
        }
      }),
    );
  });

  it('uses the high half of seeds above 2^32', () => {
    expect(new SeededRandom(2 ** 32 + 7).nextUint32()).not.toBe(new SeededRandom(7).nextUint32());
  });

  it('keeps integerBetween inside its inclusive bounds', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: -1000, max: 1000 }), fc.integer({ min: 0, max: 1000 }), (seed, min, span) => {
        const random = new SeededRandom(seed);
        for (let i = 0; i < 50; i++) {
          const value = random.integerBetween(min, min + span);
          expect(Number.isInteger(value) && value >= min && value <= min + span).toBe(true);
        }
      }),
    );
  });
});

describe('deriveSeed', () => {
  it('is a deterministic uint32 that separates streams and seeds', () => {
    expect(deriveSeed(42, 0)).toBe(2150082222);
    expect(deriveSeed(42, 1)).toBe(1480869173);
    const seen = new Set<number>();
    for (let call = 0; call < 10_000; call++) seen.add(deriveSeed(7, call));
    expect(seen.size).toBe(10_000);
    fc.assert(
      fc.property(fc.maxSafeInteger(), fc.nat(), (seed, stream) => {
        const derived = deriveSeed(seed, stream);
        expect(derived).toBe(deriveSeed(seed, stream));
        expect(Number.isInteger(derived) && derived >= 0 && derived < 2 ** 32).toBe(true);
      }),
    );
  });
});

describe('SeededRandom: distributions (loose bounds over many samples)', () => {
  it('uniform has mean 1/2 and variance 1/12', () => {
    const random = new SeededRandom(1);
    const { mean, variance } = moments(() => random.uniform());
    expect(mean).toBeCloseTo(0.5, 2);
    expect(Math.abs(variance - 1 / 12)).toBeLessThan(0.002);
  });

  it('normal has the requested mean and standard deviation', () => {
    const random = new SeededRandom(2);
    const { mean, variance } = moments(() => random.normal(3, 2));
    expect(Math.abs(mean - 3)).toBeLessThan(0.03);
    expect(Math.abs(Math.sqrt(variance) - 2)).toBeLessThan(0.03);
    const fresh = new SeededRandom(3);
    expect(fractionWhere(() => fresh.normal(), (x) => Math.abs(x) < 1.96)).toBeCloseTo(0.95, 2);
  });

  it('exponential has the requested mean and variance mean²', () => {
    const random = new SeededRandom(4);
    const { mean, variance } = moments(() => random.exponential(5));
    expect(Math.abs(mean - 5)).toBeLessThan(0.1);
    expect(Math.abs(variance - 25)).toBeLessThan(1.5);
  });

  it('pareto stays above its minimum, with mean α·xm/(α − 1) and the power-law tail', () => {
    const random = new SeededRandom(5);
    const draws = Float64Array.from({ length: SAMPLES }, () => random.pareto(2, 3));
    expect(draws.reduce((least, x) => Math.min(least, x), Number.POSITIVE_INFINITY)).toBeGreaterThanOrEqual(2);
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    expect(Math.abs(mean - 3)).toBeLessThan(0.05);
    const beyondTwiceMinimum = draws.filter((x) => x > 4).length / draws.length;
    expect(Math.abs(beyondTwiceMinimum - 0.125)).toBeLessThan(0.005);
  });

  it('lognormal has median exp(mu) and mean exp(mu + sigma²/2)', () => {
    const random = new SeededRandom(6);
    const draws = Float64Array.from({ length: SAMPLES }, () => random.lognormal(Math.log(10), 0.5)).sort();
    expect(Math.abs((draws[SAMPLES / 2] ?? 0) - 10)).toBeLessThan(0.15);
    const mean = draws.reduce((sum, x) => sum + x, 0) / draws.length;
    expect(Math.abs(mean - 10 * Math.exp(0.125))).toBeLessThan(0.1);
  });

  it('bernoulli hits at the requested rate, never at 0 and always at 1', () => {
    const random = new SeededRandom(7);
    expect(Math.abs(fractionWhere(() => (random.bernoulli(0.3) ? 1 : 0), (x) => x === 1) - 0.3)).toBeLessThan(0.005);
    for (let i = 0; i < 1000; i++) {
      expect(random.bernoulli(0)).toBe(false);
      expect(random.bernoulli(1)).toBe(true);
    }
  });
});
