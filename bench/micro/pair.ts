/** One way of doing a benchmarked job; `op` returns its result so the JIT cannot drop the work. */
export interface Contender {
  readonly label: string;
  readonly op: () => unknown;
}

/**
 * A job measured our way and the baseline way in the same run.
 *
 * @remarks `ours[0]` is the engine's real path: its ratio and allocation check are what the table
 * and the exit code are about. Further entries are variants of ours (a kill switch, an extra step).
 */
export interface BenchPair {
  readonly name: string;
  readonly ours: readonly [Contender, ...Contender[]];
  readonly baseline: Contender;
  /** Heap bytes per op above which `ours[0]` fails the run; `undefined` when our path must allocate (strings). */
  readonly maxHeapBytesPerOp: number | undefined;
  /** Throws when ours and the baseline disagree on the input, so a fast wrong answer cannot pass. */
  verify(): void;
}

/** Throws unless `actual[0, length)` equals `expected` element by element. */
export function assertSameSamples(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, length = expected.length): void {
  if (actual.length < length || expected.length < length) throw new Error(`${what}: ${actual.length} vs ${expected.length} samples`);
  for (let i = 0; i < length; i++) {
    if (actual[i] !== expected[i]) throw new Error(`${what}: sample ${i} is ${actual[i]}, baseline says ${expected[i]}`);
  }
}

/** Throws unless `actual === expected`. */
export function assertSame(what: string, actual: unknown, expected: unknown): void {
  if (actual !== expected) throw new Error(`${what}: ${String(actual)} vs baseline ${String(expected)}`);
}
