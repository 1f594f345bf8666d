/**
 * A small seeded pseudo-random generator for the bench harness: xoshiro128** (Blackman and Vigna)
 * seeded through a splitmix32-style mixer, with the few distributions the impairment models need.
 *
 * The integer stream uses only 32-bit integer operations (`Math.imul`, shifts), so it is identical
 * on every platform and Node version. The continuous distributions go through `Math.log`,
 * `Math.sqrt`, `Math.cos` and `Math.pow`; V8 implements these with the same fdlibm port everywhere,
 * so in Node they are reproducible too, but another JavaScript engine could differ in the last bit.
 */

const TWO_POW_32 = 4294967296;
const GOLDEN_GAMMA = 0x9e3779b9;

/** The splitmix32 output function (the murmur3 32-bit finaliser): a bijection on uint32. */
function mix32(value: number): number {
  let z = value >>> 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

function assertSafeIntegerSeed(seed: number, what: string): void {
  if (!Number.isSafeInteger(seed)) throw new RangeError(`${what} must be a safe integer, got ${seed}`);
}

/** Folds a safe integer into 32 bits so that seeds above 2^32 still differ from their low half. */
function foldSeed(seed: number): number {
  const low = seed >>> 0;
  const high = Math.floor(seed / TWO_POW_32) >>> 0;
  return high === 0 ? low : (low ^ mix32(high + GOLDEN_GAMMA)) >>> 0;
}

/**
 * A seed for an independent sub-stream, e.g. one per call (`deriveSeed(runSeed, callIndex)`) or
 * one per impairment effect, so that changing one effect's parameters leaves the others' draws alone.
 */
export function deriveSeed(seed: number, stream: number): number {
  assertSafeIntegerSeed(seed, 'seed');
  assertSafeIntegerSeed(stream, 'stream');
  return mix32(mix32(foldSeed(seed) + GOLDEN_GAMMA) ^ mix32(foldSeed(stream) + Math.imul(GOLDEN_GAMMA, 3)));
}

/**
 * Seeded xoshiro128** with uniform, normal, exponential, Pareto, lognormal and Bernoulli draws.
 *
 * @remarks Same seed, same sequence, on every run and platform (see the module note for the
 * floating-point caveat). Not cryptographic. Period 2^128 − 1.
 * @example
 * const random = new SeededRandom(42);
 * const delayMs = random.pareto(5, 1.5);
 */
export class SeededRandom {
  #s0 = 0;
  #s1 = 0;
  #s2 = 0;
  #s3 = 0;
  // Box–Muller makes two normals per pair of uniforms; the second is kept for the next call.
  #spareNormal = 0;
  #hasSpareNormal = false;

  /** A generator whose four state words come from splitmix32 over `seed` (any safe integer). */
  constructor(seed: number) {
    assertSafeIntegerSeed(seed, 'seed');
    // splitmix32: a Weyl sequence through a bijective mixer gives four distinct words, so the
    // all-zero state (xoshiro's one forbidden state) cannot occur.
    let state = foldSeed(seed);
    state = (state + GOLDEN_GAMMA) >>> 0;
    this.#s0 = mix32(state);
    state = (state + GOLDEN_GAMMA) >>> 0;
    this.#s1 = mix32(state);
    state = (state + GOLDEN_GAMMA) >>> 0;
    this.#s2 = mix32(state);
    state = (state + GOLDEN_GAMMA) >>> 0;
    this.#s3 = mix32(state);
  }

  /** A generator started from raw xoshiro128** state words (for known-answer tests). */
  static fromState(s0: number, s1: number, s2: number, s3: number): SeededRandom {
    if (((s0 | s1 | s2 | s3) >>> 0) === 0) throw new RangeError('xoshiro128** state must not be all zero');
    const random = new SeededRandom(0);
    random.#s0 = s0 >>> 0;
    random.#s1 = s1 >>> 0;
    random.#s2 = s2 >>> 0;
    random.#s3 = s3 >>> 0;
    return random;
  }

  /** The next 32-bit output, as an integer in [0, 2^32). */
  nextUint32(): number {
    const s1 = this.#s1;
    const times5 = Math.imul(s1, 5);
    const result = Math.imul((times5 << 7) | (times5 >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return result;
  }

  /** Uniform in [0, 1), with 32 bits of resolution. */
  uniform(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  /** Uniform in [min, max). */
  uniformBetween(min: number, max: number): number {
    return min + (max - min) * this.uniform();
  }

  /** Uniform integer in [min, max], both inclusive (tiny modulo bias for ranges far below 2^32). */
  integerBetween(min: number, max: number): number {
    return min + Math.floor(this.uniform() * (max - min + 1));
  }

  /** True with probability `p` (0 never, 1 always). */
  bernoulli(p: number): boolean {
    return this.uniform() < p;
  }

  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean = 0, standardDeviation = 1): number {
    if (this.#hasSpareNormal) {
      this.#hasSpareNormal = false;
      return mean + standardDeviation * this.#spareNormal;
    }
    // 1 − u lies in (0, 1], so the logarithm is finite.
    const radius = Math.sqrt(-2 * Math.log(1 - this.uniform()));
    const angle = 2 * Math.PI * this.uniform();
    this.#spareNormal = radius * Math.sin(angle);
    this.#hasSpareNormal = true;
    return mean + standardDeviation * radius * Math.cos(angle);
  }

  /** Exponential with the given mean (inter-arrival time of a Poisson process of rate 1/mean). */
  exponential(mean: number): number {
    return -mean * Math.log(1 - this.uniform());
  }

  /**
   * Pareto (type I): values ≥ `minimum`, P(X > x) = (minimum / x)^shape. Mean is finite only for
   * shape > 1 and variance only for shape > 2, which is the point: a heavy tail.
   */
  pareto(minimum: number, shape: number): number {
    // exp(E / shape) with E ~ Exp(1) is the same law as (1 − u)^(−1/shape), and cheaper than Math.pow.
    return minimum * Math.exp(-Math.log(1 - this.uniform()) / shape);
  }

  /** Lognormal: exp(N(mu, sigma)); the median is exp(mu). */
  lognormal(mu: number, sigma: number): number {
    return Math.exp(this.normal(mu, sigma));
  }
}
