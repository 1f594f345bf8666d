import type { Redis } from 'ioredis';
import { z } from 'zod';
import { parseEntry } from './directoryEntries.js';
import { replyWithin } from './boundedReply.js';
import { readyWithin } from './engineRedisClient.js';
import { dialParametersKey } from './redisKeys.js';
import type { RedisOutage } from './redisOutage.js';

/** How long a dial-out's parameters stay in Redis: its ringing, and the reconnects of a long call. */
export const DIAL_PARAMETERS_TTL_MS = 4 * 3_600_000;

/** Longest a dial-out waits to store its parameters, or a stream to read them, before going on without. */
const WAIT_MS = 1_000;

/** Most reads in flight at once: streams naming unknown `dial=` keys cannot pile requests onto Redis. */
const MAX_READS_IN_FLIGHT = 64;

const parametersSchema = z.record(z.string(), z.string());

/**
 * A dial-out's custom parameters in Redis, under the one-time key its stream URL carries
 * (`dial=`), so the stream may land on another node than the one that placed the call and still
 * hand its bot the parameters. Both sides wait a bounded time: a Redis that is away costs the
 * parameters of streams that land elsewhere, never a call.
 */
export class SharedDialParameters {
  readonly #redis: Redis;
  readonly #outage: RedisOutage;
  #readsInFlight = 0;

  constructor(redis: Redis, outage: RedisOutage) {
    this.#redis = redis;
    this.#outage = outage;
  }

  /** Stores the parameters of a call about to be dialed; resolves once stored, or failed, or after a second. */
  async hold(key: string, parameters: Readonly<Record<string, string>>): Promise<void> {
    const startedAt = performance.now();
    await this.#connected();
    const write = this.#redis.set(dialParametersKey(key), JSON.stringify(parameters), 'PX', DIAL_PARAMETERS_TTL_MS);
    await replyWithin(write, WAIT_MS - (performance.now() - startedAt), (error) => this.#outage.failed('dial_write', error));
  }

  /** Drops what {@link hold} stored (the dial failed). */
  release(key: string): void {
    this.#redis.del(dialParametersKey(key)).catch((error: unknown) => this.#outage.failed('dial_write', error));
  }

  /** The parameters stored under `key` by any node; undefined when there are none, Redis is away, or the value does not parse. */
  async fetch(key: string): Promise<Readonly<Record<string, string>> | undefined> {
    if (this.#readsInFlight >= MAX_READS_IN_FLIGHT) {
      this.#outage.failed('dial_read_busy', new Error(`${MAX_READS_IN_FLIGHT} reads already in flight`));
      return undefined;
    }
    this.#readsInFlight++;
    try {
      const startedAt = performance.now();
      await this.#connected();
      const outcome = await replyWithin(this.#redis.get(dialParametersKey(key)), WAIT_MS - (performance.now() - startedAt), (error) => this.#outage.failed('dial_read', error));
      if (!outcome.answered || outcome.value === null) return undefined;
      const parameters = parseEntry(parametersSchema, outcome.value);
      if (parameters === undefined) this.#outage.failed('bad_reply', new Error(`${dialParametersKey(key)} is not a JSON object of strings`));
      return parameters;
    } finally {
      this.#readsInFlight--;
    }
  }

  /**
   * Waits, within the one budget, for a connection still being made: a dial placed in the first
   * moments after start would otherwise be refused at once. Once an outage is known, it fails fast.
   */
  async #connected(): Promise<void> {
    if (!this.#outage.down) await readyWithin(this.#redis, WAIT_MS);
  }
}
