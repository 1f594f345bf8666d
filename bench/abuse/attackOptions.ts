/**
 * Options every attack takes, and the guards that keep an attack on this machine and bounded: the
 * target host is always 127.0.0.1 (only the port is given), source addresses must be loopback, and
 * counts and durations have hard ceilings, so no option can turn the bench into a real attack.
 */
import type { AttackTally } from './attackTally.js';

/** The only host an attack ever connects to. */
export const TARGET_HOST = '127.0.0.1';
/** No attack runs longer than this, whatever it is asked. */
export const MAX_ATTACK_DURATION_MS = 30 * 60_000;

/** What every attack is given. */
export interface AttackBaseOptions {
  /** The engine's port on 127.0.0.1. */
  readonly port: number;
  /** How many connections the attack keeps going (its meaning per attack is in its options). */
  readonly count: number;
  /** The attack stops by itself after this long. */
  readonly durationMs: number;
  /**
   * Loopback addresses to connect from, used round robin (see {@link loopbackAddresses}): a botnet
   * comes from many addresses, so per-address limits alone cannot stop it. Default: 127.0.0.1 only.
   */
  readonly sourceAddresses?: readonly string[] | undefined;
  /** Counters to watch while the attack runs; a fresh tally when omitted. */
  readonly tally?: AttackTally | undefined;
}

/**
 * `count` loopback source addresses from 127.0.0.2 on (127.0.0.1 is left to the good call).
 * Linux routes all of 127.0.0.0/8 to the loopback interface, so any of them can be bound.
 */
export function loopbackAddresses(count: number, first = 2): string[] {
  if (!Number.isInteger(count) || count < 1 || count > 60_000) throw new RangeError(`source address count must be 1..60000, got ${count}`);
  const addresses: string[] = [];
  for (let i = 0; i < count; i++) {
    const n = first + i;
    addresses.push(`127.${(n >> 16) & 255}.${(n >> 8) & 255}.${n & 255}`);
  }
  return addresses;
}

/** True for a dotted IPv4 address in 127.0.0.0/8 (not the network or broadcast address). */
export function isLoopbackAddress(address: string): boolean {
  const parts = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(address);
  if (parts === null) return false;
  const octets = parts.slice(1).map(Number);
  if (octets.some((octet) => octet > 255)) return false;
  const host = octets.join('.');
  return host !== '0.0.0' && host !== '255.255.255';
}

/** Hands out source addresses round robin; one rotation per attack, shared by all its connections. */
export class AddressRotation {
  readonly #addresses: readonly string[];
  #next = 0;

  constructor(addresses: readonly string[]) {
    this.#addresses = addresses.length === 0 ? [TARGET_HOST] : addresses;
  }

  /** The address the next connection binds to. */
  next(): string {
    const address = this.#addresses[this.#next % this.#addresses.length] as string;
    this.#next++;
    return address;
  }
}

/**
 * Checks the options shared by every attack.
 *
 * @throws RangeError for a port that is not one, a count outside 1..`maxCount`, a duration outside
 * 1 ms..{@link MAX_ATTACK_DURATION_MS}, or a source address outside 127.0.0.0/8.
 */
export function checkBaseOptions(options: AttackBaseOptions, maxCount: number): void {
  if (!Number.isInteger(options.port) || options.port < 1 || options.port > 65_535) throw new RangeError(`port must be 1..65535, got ${options.port}`);
  if (!Number.isInteger(options.count) || options.count < 1 || options.count > maxCount) throw new RangeError(`count must be 1..${maxCount}, got ${options.count}`);
  if (!(options.durationMs > 0 && options.durationMs <= MAX_ATTACK_DURATION_MS)) {
    throw new RangeError(`durationMs must be within 1..${MAX_ATTACK_DURATION_MS}, got ${options.durationMs}`);
  }
  for (const address of options.sourceAddresses ?? []) {
    if (!isLoopbackAddress(address)) throw new RangeError(`source address ${address} is not a loopback address (127.0.0.0/8)`);
  }
}

/** Checks that `value` is an integer within `min..max`; `name` is for the message. */
export function checkRange(name: string, value: number, min: number, max: number): void {
  if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`${name} must be an integer within ${min}..${max}, got ${value}`);
}
