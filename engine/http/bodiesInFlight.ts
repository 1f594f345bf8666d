import type { IncomingMessage, ServerResponse } from 'node:http';
import { BatchedSweep } from '../batchedSweep.js';
import type { Clock } from '../clock.js';

/**
 * Which deadline a body is read under. `carrier`: Telnyx's webhooks and TeXML fetches, which send
 * a small body with their headers; `api`: the engine's own HTTP API, whose callers may be slower.
 */
export type BodyLane = 'carrier' | 'api';

/** Limits on request bodies being read, before anything in them could be verified. */
export interface BodiesInFlightLimits {
  /** Bodies being read at once, engine-wide. */
  readonly maxBodies: number;
  /** Bodies one client address may have being read at once. */
  readonly maxBodiesPerAddress: number;
  /** Time each lane's body has to arrive, from its headers, in ms. */
  readonly deadlineMs: Readonly<Record<BodyLane, number>>;
}

/** Takes a request's body in under the engine's bounds; false: its connection was cut off instead. */
export type AdmitBody = (request: IncomingMessage, response: ServerResponse) => boolean;

/** Why a body's connection was cut off. */
export type BodyRefusalCause = 'requests_in_flight' | 'requests_per_address' | 'evicted_slow_request' | 'body_timeout';

/** What the bounds report to and read from the engine. */
export interface BodiesInFlightDeps {
  readonly clock: Clock;
  /** Called once for each connection cut off. */
  readonly onCutOff: (cause: BodyRefusalCause) => void;
  /** The address a request really comes from (behind trusted proxies, the forwarded one). */
  readonly clientAddress: (request: IncomingMessage) => string;
}

interface BodyEntry {
  readonly address: string;
  readonly startedAt: number;
  /** When it is cut off: its lane's deadline, stretched by up to half at random. */
  readonly expiresAt: number;
}

/** A body in flight this long may be cut off to make room at the engine-wide cap. */
const EVICTION_GRACE_MS = 500;

/** How often bodies are checked against their lane's deadline. */
const SWEEP_INTERVAL_MS = 250;

/** Connections one sweep cuts off before it yields to the event loop (the calls' pacing). */
const SWEEP_BATCH = 128;

const LANES: readonly BodyLane[] = ['carrier', 'api'];

/**
 * Bounds the request bodies being read before they can be verified: engine-wide, per client
 * address, and in time. A connection past a bound is cut off (no reply: an answer would cost a
 * write and keep-alive handling per refusal, and whoever trickles bodies reads no replies), and so
 * is one whose body misses its lane's deadline (stretched by up to half at random); deadlines are
 * checked a batch at a time, not by a timer per request.
 *
 * Each open body keeps Node's request, response, socket and parser alive (about 8 KB of heap) for
 * as long as its sender takes: the bounds keep that memory in proportion to them, not to whoever
 * opens the most connections. They do not make a flood free: a sender cut off and reconnecting at
 * once costs the engine an accept and a close each time (see bench/RESULTS.md).
 */
export class BodiesInFlight {
  readonly #limits: BodiesInFlightLimits;
  readonly #deps: BodiesInFlightDeps;
  /** Bodies per lane, oldest first (a Map iterates in insertion order; one deadline per lane keeps it sorted by deadline). */
  readonly #lanes: Readonly<Record<BodyLane, Map<IncomingMessage, BodyEntry>>> = { carrier: new Map(), api: new Map() };
  readonly #perAddress = new Map<string, number>();
  /** One listener shared by every response: a closure per request is heap a flood multiplies. */
  readonly #onResponseClose: (this: ServerResponse) => void;
  readonly #sweep: BatchedSweep;

  constructor(limits: BodiesInFlightLimits, deps: BodiesInFlightDeps) {
    this.#limits = limits;
    this.#deps = deps;
    this.#sweep = new BatchedSweep(deps.clock, SWEEP_INTERVAL_MS, () => this.#sweepExpired(), () => this.size > 0);
    const release = (request: IncomingMessage): void => this.#release(request);
    this.#onResponseClose = function (this: ServerResponse) {
      release(this.req);
    };
  }

  /** Bodies being read now. */
  get size(): number {
    return this.#lanes.carrier.size + this.#lanes.api.size;
  }

  /**
   * Takes in `request`'s body, to be read under `lane`'s deadline until `response` closes; false
   * when its connection was cut off instead. At the engine-wide cap, the oldest body is cut off to
   * make room when it has been in flight over half a second (a carrier's body arrives with its
   * headers), otherwise the new one.
   */
  admit(request: IncomingMessage, response: ServerResponse, lane: BodyLane): boolean {
    const address = this.#deps.clientAddress(request);
    const fromAddress = this.#perAddress.get(address) ?? 0;
    if (fromAddress >= this.#limits.maxBodiesPerAddress) return this.#cutOff(request, 'requests_per_address');
    if (this.size >= this.#limits.maxBodies && !this.#evictOldest()) return this.#cutOff(request, 'requests_in_flight');
    const now = this.#deps.clock.now();
    // Bodies that began together (a flood) would all expire together and their senders come back
    // together, every deadline; spread over half the deadline again, they come back a few at a time.
    this.#lanes[lane].set(request, { address, startedAt: now, expiresAt: now + this.#limits.deadlineMs[lane] * (1 + Math.random() / 2) });
    this.#perAddress.set(address, fromAddress + 1);
    response.once('close', this.#onResponseClose);
    this.#sweep.schedule();
    return true;
  }

  /** True when `address` (as {@link BodiesInFlightDeps.clientAddress} gives it) has its share of bodies in flight. */
  isSaturated(address: string): boolean {
    return (this.#perAddress.get(address) ?? 0) >= this.#limits.maxBodiesPerAddress;
  }

  /** {@link admit} for one lane, made once (a closure per request is heap a flood multiplies). */
  admitter(lane: BodyLane): AdmitBody {
    return (request, response) => this.admit(request, response, lane);
  }

  /** Stops the deadline sweep (the server is closing). */
  close(): void {
    this.#sweep.close();
  }

  #cutOff(request: IncomingMessage, cause: BodyRefusalCause): false {
    this.#release(request);
    request.socket.destroy();
    this.#deps.onCutOff(cause);
    return false;
  }

  #release(request: IncomingMessage): void {
    for (const lane of LANES) {
      const entry = this.#lanes[lane].get(request);
      if (entry === undefined) continue;
      this.#lanes[lane].delete(request);
      const count = (this.#perAddress.get(entry.address) ?? 1) - 1;
      if (count === 0) this.#perAddress.delete(entry.address);
      else this.#perAddress.set(entry.address, count);
      return;
    }
  }

  /** Cuts off the body in flight the longest, when past the grace; false otherwise. */
  #evictOldest(): boolean {
    let oldest: [IncomingMessage, BodyEntry] | undefined;
    for (const lane of LANES) {
      const first = this.#lanes[lane].entries().next();
      if (first.done !== true && (oldest === undefined || first.value[1].startedAt < oldest[1].startedAt)) oldest = first.value;
    }
    if (oldest === undefined || this.#deps.clock.now() - oldest[1].startedAt < EVICTION_GRACE_MS) return false;
    this.#cutOff(oldest[0], 'evicted_slow_request');
    return true;
  }

  /** Cuts off up to a batch of bodies past their deadline; true when more are left (see {@link BatchedSweep}). */
  #sweepExpired(): boolean {
    const now = this.#deps.clock.now();
    let cut = 0;
    for (const lane of LANES) {
      const startedBy = now - this.#limits.deadlineMs[lane];
      for (const [request, entry] of this.#lanes[lane]) {
        if (entry.startedAt > startedBy) break; // oldest first: the rest cannot have expired yet
        if (entry.expiresAt > now) continue;
        if (cut++ === SWEEP_BATCH) return true;
        this.#cutOff(request, 'body_timeout');
      }
    }
    return false;
  }
}
