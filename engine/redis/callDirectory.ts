import type { ChainableCommander, Redis } from 'ioredis';
import type { Subscription } from 'xstate';
import type { CallSession } from '../session/callSession.js';
import type { CallEntry } from './directoryEntries.js';
import { callControlKey, callKey } from './redisKeys.js';
import type { RedisOutage } from './redisOutage.js';

/** Where this engine process sits in the cluster of nodes. */
export interface NodePlace {
  readonly node: string;
  readonly worker: number | undefined;
}

interface ListedCall {
  readonly entry: { -readonly [K in keyof CallEntry]: CallEntry[K] };
  subscription: Subscription | undefined;
  /** False until the first write, which waits for the actor to take in the `start`. */
  written: boolean;
}

/**
 * This process's part of the call directory: an entry per started call, by call id and by
 * `call_control_id`, written when the call starts and when its actor changes state, removed when
 * it ends, and rewritten with every heartbeat so that a node that dies takes its entries with it
 * within the TTL. Writes go out on control events only, never per frame, and nothing waits on them.
 */
export class CallDirectory {
  readonly #redis: Redis;
  readonly #place: NodePlace;
  readonly #ttlMs: number;
  readonly #outage: RedisOutage;
  readonly #calls = new Map<string, ListedCall>();
  /** Keys of ended calls that Redis could not remove yet: removed once it is back. */
  readonly #unremoved = new Set<string>();

  constructor(redis: Redis, place: NodePlace, ttlMs: number, outage: RedisOutage) {
    this.#redis = redis;
    this.#place = place;
    this.#ttlMs = ttlMs;
    this.#outage = outage;
  }

  /** Calls listed. */
  get size(): number {
    return this.#calls.size;
  }

  /** Lists a call whose `start` was accepted, and follows its state until it ends. */
  started(session: CallSession): void {
    if (this.#calls.has(session.id)) return;
    const listed: ListedCall = {
      entry: {
        callId: session.id,
        callControlId: session.callControlId ?? null,
        node: this.#place.node,
        worker: this.#place.worker ?? null,
        agent: `${session.agent.name}.${session.agent.org}`,
        state: session.liveView().state,
        startedAt: new Date().toISOString(),
      },
      subscription: undefined,
      written: false,
    };
    const { entry } = listed;
    listed.subscription = session.actor.subscribe((snapshot) => {
      const state = topLevelState(snapshot.value);
      if (state === entry.state || state === 'ended') return;
      entry.state = state;
      if (listed.written && this.#calls.get(entry.callId) === listed) this.#send((batch) => this.#write(batch, entry), 'call_write');
    });
    this.#calls.set(session.id, listed);
    // The session tells of its start just before its actor hears it: the first write, one turn
    // later, shows the call streaming rather than the state it is leaving.
    queueMicrotask(() => {
      if (this.#calls.get(entry.callId) !== listed) return;
      listed.written = true;
      this.#send((batch) => this.#write(batch, entry), 'call_write');
    });
  }

  /** Removes a call's entries; unknown calls are ignored. */
  ended(session: CallSession): void {
    const listed = this.#calls.get(session.id);
    if (listed === undefined) return;
    listed.subscription?.unsubscribe();
    this.#calls.delete(session.id);
    const keys = entryKeys(listed.entry);
    this.#send((batch) => batch.del(...keys), 'call_remove', () => {
      for (const key of keys) this.#unremoved.add(key);
    });
  }

  /** Adds every listed call's entries (fresh TTL) and the removals still owed to `batch`: a heartbeat, or the first write after an outage. */
  writeAll(batch: ChainableCommander): void {
    for (const { entry } of this.#calls.values()) this.#write(batch, entry);
    if (this.#unremoved.size > 0) {
      batch.del(...this.#unremoved);
      this.#unremoved.clear();
    }
  }

  /** Adds the removal of every listed call's entries to `batch` (the engine is closing) and stops following them. */
  removeAll(batch: ChainableCommander): void {
    for (const { entry, subscription } of this.#calls.values()) {
      subscription?.unsubscribe();
      batch.del(...entryKeys(entry));
    }
    this.#calls.clear();
  }

  #write(batch: ChainableCommander, entry: CallEntry): void {
    const value = JSON.stringify(entry);
    batch.set(callKey(entry.callId), value, 'PX', this.#ttlMs);
    if (entry.callControlId !== null) batch.set(callControlKey(entry.callControlId), entry.callId, 'PX', this.#ttlMs);
  }

  /** Sends one batch; a failure is counted and logged once per outage, never thrown, and the heartbeat repairs it. */
  #send(fill: (batch: ChainableCommander) => void, op: 'call_write' | 'call_remove', onFailure?: () => void): void {
    const batch = this.#redis.pipeline();
    fill(batch);
    batch.exec().then(
      (results) => {
        const error = results?.find(([failure]) => failure !== null)?.[0];
        if (error === undefined || error === null) return;
        onFailure?.();
        this.#outage.failed(op, error);
      },
      (error: unknown) => {
        onFailure?.();
        this.#outage.failed(op, error);
      },
    );
  }
}

function entryKeys(entry: CallEntry): string[] {
  return entry.callControlId === null ? [callKey(entry.callId)] : [callKey(entry.callId), callControlKey(entry.callControlId)];
}

/** The first level of an actor's state value, without allocating (the actor hears every mark). */
function topLevelState(value: string | object): string {
  if (typeof value === 'string') return value;
  for (const key in value) return key;
  return 'unknown';
}
