import type { Clock } from './clock.js';

/** Why a new call was refused. */
export type RefusalCause = 'draining' | 'capacity' | 'overload' | 'rate_limited' | 'too_many_pending' | 'too_many_unauthenticated';

/** Limits a new call must pass. */
export interface AdmissionLimits {
  /** Most concurrent calls. */
  readonly maxCalls: number;
  /** Event-loop delay p99 (ms, over the last window) above which new calls are refused, so admitted calls keep their pacing. */
  readonly maxEventLoopDelayMs: number;
  /** New connections one IP address may open per second (a token bucket with a burst of the same size). */
  readonly connectionsPerSecondPerIp: number;
}

/** Default limits: 1000 calls, 20 ms event-loop p99, 20 connections per second per IP. */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxCalls: 1000, maxEventLoopDelayMs: 20, connectionsPerSecondPerIp: 20 };

interface Bucket {
  tokens: number;
  updatedAt: number;
}

/** Buckets kept at most; the oldest are forgotten first (a flood of distinct addresses must not grow memory). */
const MAX_TRACKED_ADDRESSES = 10_000;

/**
 * Decides whether a new call may start: not while draining, not beyond `maxCalls`, not while the
 * event loop is already late (admission control: the calls already admitted keep their pacing), and
 * not beyond an address's connection rate.
 */
export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #clock: Clock;
  readonly #buckets = new Map<string, Bucket>();
  #draining = false;
  #eventLoopP99Ms = 0;

  constructor(limits: AdmissionLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** True once {@link drain} was called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Refuse every new call from now on (graceful shutdown). */
  drain(): void {
    this.#draining = true;
  }

  /** Latest event-loop delay p99 in ms; the engine samples it every second. */
  noteEventLoopDelay(p99Ms: number): void {
    this.#eventLoopP99Ms = p99Ms;
  }

  /** Why the engine is not ready for new calls, or undefined when it is (for `/readyz`). */
  unreadyCause(activeCalls: number): RefusalCause | undefined {
    if (this.#draining) return 'draining';
    if (activeCalls >= this.#limits.maxCalls) return 'capacity';
    if (this.#eventLoopP99Ms > this.#limits.maxEventLoopDelayMs) return 'overload';
    return undefined;
  }

  /** Admits a new connection from `address`, or says why not. Takes a token from the address's bucket when admitted. */
  admit(address: string, activeCalls: number): RefusalCause | undefined {
    const cause = this.unreadyCause(activeCalls);
    if (cause !== undefined) return cause;
    return this.#takeToken(address) ? undefined : 'rate_limited';
  }

  #takeToken(address: string): boolean {
    const rate = this.#limits.connectionsPerSecondPerIp;
    const now = this.#clock.now();
    let bucket = this.#buckets.get(address);
    if (bucket === undefined) {
      if (this.#buckets.size >= MAX_TRACKED_ADDRESSES) {
        const oldest = this.#buckets.keys().next().value;
        if (oldest !== undefined) this.#buckets.delete(oldest);
      }
      bucket = { tokens: rate, updatedAt: now };
    } else {
      // Re-inserting keeps the map in least-recently-seen order for the eviction above.
      this.#buckets.delete(address);
      bucket.tokens = Math.min(rate, bucket.tokens + ((now - bucket.updatedAt) / 1000) * rate);
      bucket.updatedAt = now;
    }
    this.#buckets.set(address, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
