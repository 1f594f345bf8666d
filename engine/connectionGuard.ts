import type { Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { BatchedSweep } from './batchedSweep.js';
import type { Clock } from './clock.js';

/** Limits a {@link ConnectionGuard} enforces on TCP connections. */
export interface ConnectionGuardLimits {
  /** Most open connections, HTTP and media together. */
  readonly maxConnections: number;
  /**
   * Most connections idle at once (no request started): a carrier's connection is idle for a
   * round trip, so a few thousand slots are plenty, and silent connections cannot take more
   * memory than that many sockets.
   */
  readonly maxIdleConnections: number;
  /** Idle connections (no request started) one address may hold at once. */
  readonly maxIdlePerAddress: number;
  /** How long a connection may stay idle before it is closed, in ms. */
  readonly idleTimeoutMs: number;
}

/** Why the guard closed a connection. */
export type ConnectionCloseCause = 'connection_cap' | 'evicted_idle' | 'idle_per_address' | 'idle_timeout' | 'requests_per_address';

/** What the guard reports to the engine. */
export interface ConnectionGuardDeps {
  readonly clock: Clock;
  /** Called once for each connection the guard closes. */
  readonly onClosed: (cause: ConnectionCloseCause) => void;
  /** Connections from these addresses (proxies in front) are exempt from the per-address idle cap. */
  readonly isTrustedProxy?: ((address: string) => boolean) | undefined;
  /**
   * True for an address whose new connections are cut off as they arrive, before anything is read
   * from them (it already has its share of request bodies being read); trusted proxies are exempt.
   */
  readonly isSaturated?: ((address: string) => boolean) | undefined;
}

interface IdleEntry {
  readonly address: string;
  readonly since: number;
}

const REFUSED_BODY = '{"error":"too_many_connections"}';
const REFUSED_RESPONSE = `HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: ${REFUSED_BODY.length}\r\n\r\n${REFUSED_BODY}`;

/** Connections one sweep closes before it yields to the event loop (the calls' pacing). */
const SWEEP_BATCH = 128;

/** How often idle connections are checked against their deadline. */
const SWEEP_INTERVAL_MS = 1000;

/**
 * Keeps TCP connections from starving the engine: a cap on open connections set below the
 * file-descriptor limit, a smaller cap, a deadline and a per-address cap on connections that have
 * not started a request, and, at either cap, the oldest idle connection closed to make room for
 * the new one. A
 * carrier's connection sends its request within milliseconds, so an idle connection is the cheapest
 * to lose, and a flood of silent connections can only ever push out other silent connections.
 */
export class ConnectionGuard {
  readonly #limits: ConnectionGuardLimits;
  readonly #deps: ConnectionGuardDeps;
  /** Idle sockets, oldest first (a Map iterates in insertion order). */
  readonly #idle = new Map<Socket, IdleEntry>();
  readonly #idlePerAddress = new Map<string, number>();
  /** One listener shared by every response: a closure per request is heap a flood multiplies. */
  readonly #onResponseFinish: (this: ServerResponse) => void;
  #open = 0;
  readonly #sweep: BatchedSweep;

  constructor(limits: ConnectionGuardLimits, deps: ConnectionGuardDeps) {
    this.#limits = limits;
    this.#deps = deps;
    this.#sweep = new BatchedSweep(deps.clock, SWEEP_INTERVAL_MS, () => this.#sweepIdle(), () => this.#idle.size > 0);
    const markIdle = (socket: Socket): void => this.#markIdle(socket, socket.remoteAddress ?? 'unknown');
    this.#onResponseFinish = function (this: ServerResponse) {
      // A kept-alive connection waits for its next request: idle again, under the same deadline.
      const socket = this.req.socket;
      if (!socket.destroyed) markIdle(socket);
    };
  }

  /** Open connections now. */
  get open(): number {
    return this.#open;
  }

  /** Connections open but not carrying a request now. */
  get idle(): number {
    return this.#idle.size;
  }

  /** Starts guarding `server`'s connections; its request handler must call {@link requestStarted} first. */
  attach(server: Server): void {
    server.on('connection', this.#onConnection);
    server.on('upgrade', this.#onUpgrade);
  }

  /** A request arrived on `response`'s connection: busy until it is answered, then idle again. */
  requestStarted(response: ServerResponse): void {
    this.#markBusy(response.req.socket);
    response.once('finish', this.#onResponseFinish);
  }

  /** Stops the idle sweep (the server is closing). */
  close(): void {
    this.#sweep.close();
  }

  readonly #onConnection = (socket: Socket): void => {
    const address = socket.remoteAddress ?? 'unknown';
    const trusted = this.#deps.isTrustedProxy?.(address) === true;
    if (!trusted && this.#deps.isSaturated?.(address) === true) {
      // Before anything is evicted for it, and with no answer: a refusal parsed and answered costs
      // several times a connection cut off at accept.
      socket.destroy();
      this.#deps.onClosed('requests_per_address');
      return;
    }
    if (this.#open >= this.#limits.maxConnections && !this.#evictOldestIdle()) return this.#refuse(socket, 'connection_cap');
    if (this.#idle.size >= this.#limits.maxIdleConnections) this.#evictOldestIdle();
    if (!trusted && (this.#idlePerAddress.get(address) ?? 0) >= this.#limits.maxIdlePerAddress) return this.#refuse(socket, 'idle_per_address');
    this.#open++;
    socket.once('close', () => {
      this.#open--;
      this.#markBusy(socket);
    });
    this.#markIdle(socket, address);
  };

  readonly #onUpgrade = (request: { socket: Socket }): void => {
    this.#markBusy(request.socket);
  };

  /**
   * Answers a connection the engine will not take with a 503 and closes it: a client that sends a
   * request reads a clean refusal, a silent one costs a single write.
   */
  #refuse(socket: Socket, cause: ConnectionCloseCause): void {
    socket.end(REFUSED_RESPONSE);
    socket.destroySoon();
    this.#deps.onClosed(cause);
  }

  #markIdle(socket: Socket, address: string): void {
    if (this.#idle.has(socket)) return;
    this.#idle.set(socket, { address, since: this.#deps.clock.now() });
    this.#idlePerAddress.set(address, (this.#idlePerAddress.get(address) ?? 0) + 1);
    this.#sweep.schedule();
  }

  #markBusy(socket: Socket): void {
    const entry = this.#idle.get(socket);
    if (entry === undefined) return;
    this.#idle.delete(socket);
    const count = (this.#idlePerAddress.get(entry.address) ?? 1) - 1;
    if (count === 0) this.#idlePerAddress.delete(entry.address);
    else this.#idlePerAddress.set(entry.address, count);
  }

  /** Closes the connection idle the longest; false when none is idle. */
  #evictOldestIdle(): boolean {
    const oldest = this.#idle.keys().next();
    if (oldest.done === true) return false;
    this.#markBusy(oldest.value);
    oldest.value.destroy();
    this.#deps.onClosed('evicted_idle');
    return true;
  }

  /** Closes up to a batch of connections idle past the deadline; true when more are left (see {@link BatchedSweep}). */
  #sweepIdle(): boolean {
    const deadline = this.#deps.clock.now() - this.#limits.idleTimeoutMs;
    let closed = 0;
    for (const [socket, entry] of this.#idle) {
      if (entry.since > deadline) break; // oldest first: the rest are younger
      if (closed++ === SWEEP_BATCH) return true;
      this.#markBusy(socket);
      socket.destroy();
      this.#deps.onClosed('idle_timeout');
    }
    return false;
  }
}
