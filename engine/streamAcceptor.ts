import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Admission, RefusalCause } from './admission.js';
import type { AgentDefinition } from './agent.js';
import type { AgentCatalog } from './agentCatalog.js';
import type { CallRegistry } from './callRegistry.js';
import { CallSession, type CallSessionDeps } from './session/callSession.js';
import type { EngineStats } from './engineStats.js';
import { closeRefused } from './closeRefused.js';
import { clip } from './logging/clip.js';
import { SUPPRESSED } from './logging/logBudget.js';
import type { Logger } from './logger.js';
import type { EngineMetrics, RejectionCause } from './metrics.js';
import { TELNYX_STREAM_PATH } from './publicUrl.js';
import { routeStream } from './routing.js';
import { admitStream, DIAL_KEY_PARAM, type StreamAdmission } from './streamAdmission.js';
import { StreamGate, type GateRefusal } from './streamGate.js';

/** Limits on media streams that have not started yet. */
export interface PendingStreamLimits {
  /** Streams open but not yet started (no `start` frame), authenticated or not. */
  readonly maxPendingStreams: number;
  /** Streams still waiting to present their agent's stream auth token. */
  readonly maxUnauthenticatedStreams: number;
  /** How long a stream has to present its token, in ms. */
  readonly authTimeoutMs: number;
  /**
   * How long a stream may go without starting before it can be closed to make room at a cap, in
   * ms: Telnyx sends `start` (and the token) within milliseconds, so at the cap the oldest pending
   * stream is almost surely not a carrier, while a burst of real calls never pushes out one another.
   */
  readonly evictionGraceMs: number;
}

/** Defaults: 500 pending streams, 100 of them unauthenticated, 3 s to authenticate, evictable after 1 s. */
export const DEFAULT_PENDING_STREAM_LIMITS: PendingStreamLimits = { maxPendingStreams: 500, maxUnauthenticatedStreams: 100, authTimeoutMs: 3000, evictionGraceMs: 1000 };

/** Milliseconds before the first TCP keep-alive probe on an idle media socket, so a vanished peer is noticed. */
const KEEP_ALIVE_DELAY_MS = 15_000;

/** What the acceptor needs from the engine. */
export interface StreamAcceptorDeps {
  readonly catalog: AgentCatalog;
  readonly calls: CallRegistry;
  readonly stats: EngineStats;
  readonly metrics: EngineMetrics;
  readonly admission: Admission;
  readonly wss: WebSocketServer;
  readonly log: Logger;
  readonly limits: PendingStreamLimits;
  /** The address a request counts against for per-address limits. */
  readonly clientAddress: (request: IncomingMessage) => string;
  /** Parameters held for a dial-out stream, by the URL's one-time key. */
  readonly heldParameters: (key: string | null) => Readonly<Record<string, string>>;
  /**
   * Parameters of a dial-out another node placed (shared state in Redis), for a `dial=` key this
   * process does not hold; undefined: not configured, streams use what this process holds.
   */
  readonly sharedParameters?: { readonly holds: (key: string) => boolean; readonly fetch: (key: string) => Promise<Readonly<Record<string, string>> | undefined> } | undefined;
  /** Everything a call session needs but its own `onStarted`/`onEnded`. */
  readonly session: Omit<CallSessionDeps, 'onStarted' | 'onEnded'> & {
    readonly onStarted: (session: CallSession) => void;
    readonly onEnded: CallSessionDeps['onEnded'];
  };
}

/**
 * The media endpoint's front door: takes a WebSocket upgrade through admission (draining, capacity,
 * event-loop delay, per-address rate, pending and unauthenticated stream caps), refusing with HTTP
 * 429/503 before any WebSocket exists, then routes it, holds it at a {@link StreamGate} while its
 * agent's token is outstanding, and only then starts a {@link CallSession}.
 */
export class StreamAcceptor {
  readonly #deps: StreamAcceptorDeps;
  /** Sessions not yet started, oldest first, with when they were admitted; they leave at `start` or when they end. */
  readonly #pendingSessions = new Map<CallSession, number>();
  /** Streams at the gate, oldest first, with when they arrived. */
  readonly #gates = new Map<StreamGate, number>();

  constructor(deps: StreamAcceptorDeps) {
    this.#deps = deps;
  }

  /** Streams open but not yet started, gated ones included. */
  get pending(): number {
    return this.#pendingSessions.size + this.#gates.size;
  }

  /** Streams waiting to authenticate. */
  get unauthenticated(): number {
    return this.#gates.size;
  }

  /** Handles the server's `upgrade` event. */
  handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    const deps = this.#deps;
    // Node takes its own error listener off a socket it hands over for an upgrade; a peer that
    // resets while we answer it (a refusal, say) would otherwise throw out of the event loop.
    socket.on('error', ignoreSocketError);
    const url = new URL(request.url ?? '/', 'http://callwire.invalid');
    if (url.pathname !== TELNYX_STREAM_PATH && url.pathname !== `${TELNYX_STREAM_PATH}/`) {
      deps.metrics.connectionRejected('not_found');
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const route = routeStream(url, deps.catalog);
    const dialKey = url.searchParams.get(DIAL_KEY_PARAM);
    const shared = deps.sharedParameters;
    if (route.ok && dialKey !== null && shared !== undefined && !shared.holds(dialKey)) {
      // A dial-out another node placed: its parameters come from the shared store first (a
      // bounded wait, at upgrade time, before any audio).
      shared
        .fetch(dialKey)
        .then((parameters) => {
          if (!socket.destroyed) this.#upgrade(request, socket, head, url, route, () => parameters ?? {});
        })
        .catch((error: unknown) => {
          deps.log.error({ err: error }, 'failed to start call');
          socket.destroy();
        });
      return;
    }
    this.#upgrade(request, socket, head, url, route, deps.heldParameters);
  }

  /** The rest of {@link handleUpgrade}, once the stream's held parameters are at hand. */
  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, url: URL, route: ReturnType<typeof routeStream>, heldParameters: StreamAcceptorDeps['heldParameters']): void {
    const deps = this.#deps;
    const address = deps.clientAddress(request);
    const admission = route.ok ? admitStream(route.agent, request.headers, url, heldParameters) : undefined;
    const needsGate = admission?.ok === true && !admission.admission.authenticated;
    const standing = admission?.ok === true && admission.admission.authenticated ? 'verified' : 'unverified';
    const refusal = deps.admission.admit(address, deps.calls.size, standing) ?? this.#pendingRefusal(needsGate);
    if (refusal !== undefined) {
      this.#refused(refusal, { address });
      socket.end(refusalResponse(refusal));
      return;
    }
    (socket as Socket).setKeepAlive?.(true, KEEP_ALIVE_DELAY_MS);
    deps.wss.handleUpgrade(request, socket, head, (ws) => {
      try {
        if (!route.ok) {
          this.#refused(route.closeCode === 4404 ? 'unknown_agent' : 'bad_service_host', { closeCode: route.closeCode, serviceHost: clip(url.searchParams.get('serviceHost') ?? '') });
          closeRefused(ws, route.closeCode, route.reason);
        } else if (admission?.ok !== true) {
          this.#refused('bad_auth_token', { closeCode: 4401, detail: admission?.detail, agent: agentKey(route.agent) });
          closeRefused(ws, 4401, 'stream_unauthorized');
        } else if (admission.admission.authenticated) {
          this.#startSession(ws, route.agent, admission.admission);
        } else {
          this.#gate(ws, route.agent, admission.admission);
        }
      } catch (error) {
        deps.log.error({ err: error }, 'failed to start call');
        ws.close(1011, 'internal_error');
      }
    });
  }

  /** Why a new stream cannot be admitted now; at a cap, first makes room by closing the oldest pending stream if it is past its grace. */
  #pendingRefusal(needsGate: boolean): RefusalCause | undefined {
    const { limits } = this.#deps;
    if (needsGate && this.#gates.size >= limits.maxUnauthenticatedStreams && !this.#evictOldestGate()) return 'too_many_unauthenticated';
    if (this.pending >= limits.maxPendingStreams && !this.#evictOldestPending()) return 'too_many_pending';
    return undefined;
  }

  #evictOldestGate(): boolean {
    const oldest = firstEntry(this.#gates);
    if (oldest === undefined || this.#now() - oldest[1] < this.#deps.limits.evictionGraceMs) return false;
    this.#deps.metrics.connectionRejected('evicted_pending');
    oldest[0].evict();
    return true;
  }

  #evictOldestPending(): boolean {
    const gate = firstEntry(this.#gates);
    const session = firstEntry(this.#pendingSessions);
    if (gate !== undefined && (session === undefined || gate[1] <= session[1])) return this.#evictOldestGate();
    if (session === undefined || this.#now() - session[1] < this.#deps.limits.evictionGraceMs) return false;
    this.#deps.metrics.connectionRejected('evicted_pending');
    // Leaves the map at once, whether or not its actor has ended by the time this returns.
    this.#pendingSessions.delete(session[0]);
    session[0].evictBeforeStart();
    return true;
  }

  #now(): number {
    return this.#deps.session.clock.now();
  }

  #gate(ws: WebSocket, agent: AgentDefinition, admission: StreamAdmission): void {
    const gate: StreamGate = new StreamGate(ws, agent, {
      clock: this.#deps.session.clock,
      deadlineMs: this.#deps.limits.authTimeoutMs,
      onAuthenticated: (connectedFrame) => {
        this.#gates.delete(gate);
        const session = this.#startSession(ws, agent, { ...admission, authenticated: true });
        session.receiveEarlyMessage(connectedFrame);
      },
      onRefused: (why: GateRefusal) => {
        this.#gates.delete(gate);
        this.#refused('bad_auth_token', { closeCode: 4401, detail: why, agent: agentKey(agent) });
      },
      onClosed: () => {
        this.#gates.delete(gate);
      },
    });
    this.#gates.set(gate, this.#now());
  }

  #startSession(ws: WebSocket, agent: AgentDefinition, admission: StreamAdmission): CallSession {
    const deps = this.#deps;
    const session = new CallSession(
      ws,
      agent,
      {
        ...deps.session,
        onStarted: (started) => {
          this.#pendingSessions.delete(started);
          deps.session.onStarted(started);
        },
        onEnded: (ended, output, summary) => {
          this.#pendingSessions.delete(ended);
          deps.session.onEnded(ended, output, summary);
        },
      },
      admission,
    );
    deps.stats.callStarted();
    // The actor may already have ended inside its constructor (it never does today, but a registry
    // entry for a finished call would leak).
    if (session.actor.getSnapshot().status === 'active') {
      deps.calls.add(session);
      this.#pendingSessions.set(session, this.#now());
    }
    return session;
  }

  #refused(cause: RejectionCause, detail: Record<string, unknown>): void {
    this.#deps.metrics.connectionRejected(cause);
    const heldBack = this.#deps.session.logBudgets.edge.take(`refused:${cause}`);
    if (heldBack !== SUPPRESSED) this.#deps.log.warn({ cause, ...detail, alsoRefusedSinceLastLine: heldBack }, 'refused media stream');
  }
}

/** A reset or broken pipe on a socket being refused or upgraded: its close is all that matters. */
function ignoreSocketError(): void {}

function firstEntry<K, V>(map: Map<K, V>): [K, V] | undefined {
  const first = map.entries().next();
  return first.done === true ? undefined : first.value;
}

function agentKey(agent: AgentDefinition): string {
  return `${agent.name}.${agent.org}`;
}

/** The raw HTTP answer to a refused upgrade: 429 for a rate limit, 503 otherwise, both with Retry-After. */
function refusalResponse(cause: RefusalCause): string {
  const status = cause === 'rate_limited' ? '429 Too Many Requests' : '503 Service Unavailable';
  const body = JSON.stringify({ error: cause });
  return `HTTP/1.1 ${status}\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}
