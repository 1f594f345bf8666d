import { AddressRate } from './addressRate.js';
import type { Clock } from './clock.js';

/** Why a new call was refused. */
export type RefusalCause = 'draining' | 'capacity' | 'overload' | 'rate_limited' | 'too_many_pending' | 'too_many_unauthenticated';

/** Limits a new call must pass. */
export interface AdmissionLimits {
  /** Most concurrent calls. */
  readonly maxCalls: number;
  /** Event-loop delay p99 (ms, over the last window) above which new calls are refused, so admitted calls keep their pacing. */
  readonly maxEventLoopDelayMs: number;
  /** Unverified upgrades one client address may open per second (a token bucket with a burst of the same size). */
  readonly connectionsPerSecondPerIp: number;
  /**
   * Verified upgrades one client address may open per second; 0: no limit. Carriers open every
   * call from a few addresses (and behind a load balancer without `trustedProxies`, all from one),
   * so a rate on them refuses real calls in a burst: the stream auth token is their gate.
   */
  readonly streamsPerSecondPerIp: number;
}

/**
 * Which per-address rate a media upgrade counts against. `verified`: it names an agent and shows
 * its stream auth token (or the agent has none). `unverified`: no such agent, a wrong token, or the
 * token still to come in `connected`: what a stranger's flood looks like before it has cost a call.
 */
export type UpgradeStanding = 'verified' | 'unverified';

/** Default limits: 1000 calls, 20 ms event-loop p99, 20 unverified upgrades per second per address, verified ones unlimited. */
export const DEFAULT_ADMISSION_LIMITS: AdmissionLimits = { maxCalls: 1000, maxEventLoopDelayMs: 20, connectionsPerSecondPerIp: 20, streamsPerSecondPerIp: 0 };

/**
 * Decides whether a new call may start: not while draining, not beyond `maxCalls`, not while the
 * event loop is already late (admission control: the calls already admitted keep their pacing), and
 * not beyond its address's rate for upgrades of its standing.
 */
export class Admission {
  readonly #limits: AdmissionLimits;
  readonly #rates: Readonly<Record<UpgradeStanding, AddressRate>>;
  #draining = false;
  #eventLoopP99Ms = 0;

  constructor(limits: AdmissionLimits, clock: Clock) {
    this.#limits = limits;
    this.#rates = { verified: new AddressRate(limits.streamsPerSecondPerIp, clock), unverified: new AddressRate(limits.connectionsPerSecondPerIp, clock) };
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

  /** Admits a new upgrade from `address`, or says why not. Takes a token from the address's bucket for `standing` when admitted. */
  admit(address: string, activeCalls: number, standing: UpgradeStanding): RefusalCause | undefined {
    const cause = this.unreadyCause(activeCalls);
    if (cause !== undefined) return cause;
    return this.#rates[standing].take(address) ? undefined : 'rate_limited';
  }
}
