import { randomUUID } from 'node:crypto';
import { unrefTimer, type Clock, type TimerHandle } from '../clock.js';
import type { Logger } from '../logger.js';
import { ThrottledWarnings } from '../throttledWarnings.js';
import { EVENT_SIGNATURE_HEADER, signEvent } from './eventSignature.js';

/** Where one app receives call events, and the secret their signatures use. */
export interface EventTarget {
  readonly url: string;
  readonly secret: string;
}

/** How hard delivery tries; every bound keeps a failing receiver from costing calls anything. */
export interface EventDeliveryOptions {
  /** Events waiting (for a first try or a retry) at most; past it the oldest waiting one is dropped. */
  readonly maxQueued: number;
  /** POSTs in flight at once. */
  readonly maxInFlight: number;
  /** Tries per event before it is abandoned. */
  readonly maxAttempts: number;
  /** Wait before the first retry; doubles each time up to `maxBackoffMs`, less a random part. */
  readonly baseBackoffMs: number;
  readonly maxBackoffMs: number;
  /** A POST without a response within this is a failed try. */
  readonly requestTimeoutMs: number;
}

/** Bounds that ride out a receiver down for about ten minutes without holding more than a few MB. */
export const DEFAULT_EVENT_DELIVERY: EventDeliveryOptions = {
  maxQueued: 2000,
  maxInFlight: 4,
  maxAttempts: 10,
  baseBackoffMs: 1000,
  maxBackoffMs: 120_000,
  requestTimeoutMs: 10_000,
};

/** What delivery has done so far. */
export interface EventDeliveryStats {
  delivered: number;
  /** Tries that failed and were scheduled again. */
  retried: number;
  /** Events given up on: refused for good (4xx other than 408/429) or out of tries. */
  abandoned: number;
  /** Events dropped unsent because the queue was full. */
  dropped: number;
}

interface PendingEvent {
  readonly id: string;
  readonly type: string;
  readonly callId: string | undefined;
  readonly body: string;
  attempts: number;
  /** Clock time before which the event is not tried again. */
  notBefore: number;
}

/**
 * Delivers signed JSON events to one app URL, in the background: `publish` only queues, so a slow
 * or failing receiver never blocks or slows a call. Retries with exponential backoff; memory is
 * bounded by `maxQueued`, the oldest waiting event being dropped (and counted) first.
 */
export class EventDelivery {
  readonly stats: EventDeliveryStats = { delivered: 0, retried: 0, abandoned: 0, dropped: 0 };
  readonly #target: EventTarget;
  readonly #options: EventDeliveryOptions;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #warnings: ThrottledWarnings;
  readonly #waiting: PendingEvent[] = [];
  readonly #inFlight = new Map<AbortController, Promise<void>>();
  #timer: TimerHandle | undefined;
  #timerDue = Number.POSITIVE_INFINITY;
  #idleWaiters: (() => void)[] = [];
  #closed = false;

  constructor(target: EventTarget, log: Logger, clock: Clock, options: EventDeliveryOptions = DEFAULT_EVENT_DELIVERY) {
    this.#target = target;
    this.#options = options;
    this.#log = log;
    this.#clock = clock;
    this.#warnings = new ThrottledWarnings(log, clock);
  }

  /** The URL events go to. */
  get url(): string {
    return this.#target.url;
  }

  /** Events not yet delivered or given up on (waiting or in flight). */
  get pending(): number {
    return this.#waiting.length + this.#inFlight.size;
  }

  /** Queues `data` as an event of `type`; returns its id (also sent as `id` and `callwire-event-id`). */
  publish(type: string, data: Readonly<Record<string, unknown>>, callId?: string): string {
    const id = randomUUID();
    if (this.#closed) {
      this.stats.dropped++;
      return id;
    }
    const body = JSON.stringify({ id, type, createdAt: new Date().toISOString(), data });
    if (this.#waiting.length >= this.#options.maxQueued) {
      const oldest = this.#waiting.shift();
      this.stats.dropped++;
      this.#warnings.warn('events:dropped', { url: this.#target.url, eventId: oldest?.id, type: oldest?.type, callId: oldest?.callId, dropped: this.stats.dropped }, 'call event dropped: the events queue is full');
    }
    this.#waiting.push({ id, type, callId, body, attempts: 0, notBefore: this.#clock.now() });
    this.#pump();
    return id;
  }

  /** Resolves once nothing is pending, or after `timeoutMs`; then stops retrying and aborts what is in flight. */
  async close(timeoutMs: number): Promise<void> {
    if (this.pending > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        timer.unref();
        this.#idleWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    this.#closed = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    for (const controller of this.#inFlight.keys()) controller.abort();
    await Promise.all(this.#inFlight.values());
    const unsent = this.#waiting.length;
    this.#waiting.length = 0;
    if (unsent > 0) {
      this.stats.dropped += unsent;
      this.#log.warn({ url: this.#target.url, unsent }, 'call events left unsent at shutdown');
    }
  }

  /** Resolves the next time nothing is pending. */
  idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #pump(): void {
    if (this.#closed) return;
    const now = this.#clock.now();
    let nextDue = Number.POSITIVE_INFINITY;
    for (let index = 0; index < this.#waiting.length && this.#inFlight.size < this.#options.maxInFlight; ) {
      const event = this.#waiting[index]!;
      if (event.notBefore <= now) {
        this.#waiting.splice(index, 1);
        const controller = new AbortController();
        this.#inFlight.set(controller, this.#attempt(event, controller));
      } else {
        nextDue = Math.min(nextDue, event.notBefore);
        index++;
      }
    }
    if (this.#inFlight.size < this.#options.maxInFlight) this.#wakeAt(nextDue);
    if (this.pending === 0) this.#notifyIdle();
  }

  #wakeAt(due: number): void {
    if (due === Number.POSITIVE_INFINITY || due >= this.#timerDue) return;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timerDue = due;
    this.#timer = this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.#timerDue = Number.POSITIVE_INFINITY;
      this.#pump();
    }, Math.max(0, due - this.#clock.now()));
    // Retries wait in the background: a process with nothing else to do may exit (close() flushes first).
    unrefTimer(this.#timer);
  }

  async #attempt(event: PendingEvent, controller: AbortController): Promise<void> {
    event.attempts++;
    const timeout = setTimeout(() => controller.abort(), this.#options.requestTimeoutMs);
    let outcome: number | string;
    try {
      const response = await fetch(this.#target.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'callwire-events',
          'callwire-event-id': event.id,
          'callwire-event-type': event.type,
          [EVENT_SIGNATURE_HEADER]: signEvent(this.#target.secret, Math.floor(Date.now() / 1000), event.body),
        },
        body: event.body,
        signal: controller.signal,
        redirect: 'manual',
      });
      outcome = response.status;
      // The body is not read: draining it frees the connection for the next event.
      await response.body?.cancel().catch(() => undefined);
    } catch (error) {
      outcome = controller.signal.aborted ? 'timeout' : error instanceof Error ? (error.cause instanceof Error ? error.cause.message : error.message) : String(error);
    } finally {
      clearTimeout(timeout);
      this.#inFlight.delete(controller);
    }
    this.#settle(event, outcome);
    this.#pump();
  }

  #settle(event: PendingEvent, outcome: number | string): void {
    if (typeof outcome === 'number' && outcome >= 200 && outcome < 300) {
      this.stats.delivered++;
      return;
    }
    if (this.#closed) {
      this.stats.dropped++;
      return;
    }
    const refusedForGood = typeof outcome === 'number' && outcome >= 400 && outcome < 500 && outcome !== 408 && outcome !== 429;
    const detail = { url: this.#target.url, eventId: event.id, type: event.type, callId: event.callId, attempts: event.attempts, outcome };
    if (refusedForGood || event.attempts >= this.#options.maxAttempts) {
      this.stats.abandoned++;
      this.#warnings.warn(`events:abandoned`, detail, refusedForGood ? 'call event refused by the receiver; not retried' : 'call event abandoned after its last try');
      return;
    }
    this.stats.retried++;
    this.#warnings.warn('events:retry', detail, 'call event delivery failed; will retry');
    const backoff = Math.min(this.#options.maxBackoffMs, this.#options.baseBackoffMs * 2 ** (event.attempts - 1));
    // Half fixed, half random: receivers coming back are not hit by every engine at once.
    event.notBefore = this.#clock.now() + backoff / 2 + Math.random() * (backoff / 2);
    if (this.#waiting.length >= this.#options.maxQueued) {
      this.stats.dropped++;
      return;
    }
    this.#waiting.push(event);
  }

  #notifyIdle(): void {
    const waiters = this.#idleWaiters;
    this.#idleWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
