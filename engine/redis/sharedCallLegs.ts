import type { Redis } from 'ioredis';
import type { NodePlace } from './callDirectory.js';
import { callControlKey, legKey } from './redisKeys.js';
import type { RedisOutage } from './redisOutage.js';

/**
 * Deletes the leg's record (KEYS[2]) unless the call directory (KEYS[1]) lists a stream of the call
 * other than the one that ended (ARGV[1]; its own entry may not be removed yet): 1 when deleted.
 */
const CLAIM_SCRIPT = "local live = redis.call('get', KEYS[1]) if live and live ~= ARGV[1] then return 0 end return redis.call('del', KEYS[2])";

/** How long a leg's record stays in Redis at most: as long as the engine remembers the leg itself. */
export const LEG_RECORD_TTL_MS = 12 * 3_600_000;

/**
 * The Call Control legs this process answered or dialed, recorded in Redis by `call_control_id`, so
 * that whichever process their stream ends on can hang them up: a load balancer may send the
 * stream to another process than the one that took the call. The record is a one-time token:
 * the process that deletes it (`DEL` answering 1) is the one that hangs the leg up, and a
 * `call.hangup` seen anywhere deletes it, so a leg is hung up at most once across processes. A call
 * whose stream came back elsewhere meanwhile (the call directory lists it) is not taken.
 */
export class SharedCallLegs {
  readonly #redis: Redis;
  readonly #place: NodePlace;
  readonly #outage: RedisOutage;

  constructor(redis: Redis, place: NodePlace, outage: RedisOutage) {
    this.#redis = redis;
    this.#place = place;
    this.#outage = outage;
  }

  /** Records that this process holds the leg; nothing waits on it. */
  held(callControlId: string, origin: 'answered' | 'dialed'): void {
    const record = JSON.stringify({ node: this.#place.node, worker: this.#place.worker ?? null, origin });
    this.#redis.set(legKey(callControlId), record, 'PX', LEG_RECORD_TTL_MS).catch((error: unknown) => this.#outage.failed('leg_write', error));
  }

  /** The leg is gone or needs no hang-up (ended by Telnyx, transferred, hung up here): drops its record. */
  forget(callControlId: string): void {
    this.#redis.del(legKey(callControlId)).catch((error: unknown) => this.#outage.failed('leg_write', error));
  }

  /** Takes the leg's record after the stream `endedCallId` ended; true for the one caller that took it, false when none was held (or is any more), its call streams elsewhere again, or Redis is away. */
  async claim(callControlId: string, endedCallId: string): Promise<boolean> {
    try {
      return (await this.#redis.eval(CLAIM_SCRIPT, 2, callControlKey(callControlId), legKey(callControlId), endedCallId)) === 1;
    } catch (error) {
      this.#outage.failed('leg_claim', error);
      return false;
    }
  }
}
