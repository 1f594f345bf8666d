import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { config as rxjsConfig } from 'rxjs';
import { WebSocketServer, type WebSocket } from 'ws';
import { Admission, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits, type RefusalCause } from './admission.js';
import type { AgentCatalog } from './agentCatalog.js';
import { CallRegistry } from './callRegistry.js';
import { clientAddress } from './clientAddress.js';
import { CallSession, type CallLimits } from './callSession.js';
import type { Clock } from './clock.js';
import type { TelnyxSettings } from './config.js';
import { EngineStats } from './engineStats.js';
import { handleHttp } from './http/router.js';
import { StreamOrigins } from './http/streamOrigins.js';
import type { Logger } from './logger.js';
import { EngineMetrics, type LiveCallView, type RejectionCause } from './metrics.js';
import { Pacer } from './pacer.js';
import { originPolicy } from './publicOrigin.js';
import { TELNYX_STREAM_PATH } from './publicUrl.js';
import { routeStream } from './routing.js';
import { admitStream } from './streamAdmission.js';
import { TelnyxCalls } from './telnyxCalls.js';
import { CallControl } from './telnyx/callControl.js';
import { SeenWebhookIds } from './telnyx/seenWebhookIds.js';
import { OutboundSerializer } from './telnyx/serializeOutbound.js';
import { webhookPublicKey } from './telnyx/webhookSignature.js';

/** Where and how the engine listens. */
export interface ServerOptions {
  readonly host: string;
  readonly port: number;
  /** Largest inbound WebSocket message, in bytes (ws defaults to 100 MiB; a Telnyx frame is far smaller). */
  readonly maxMessageBytes: number;
  readonly limits: CallLimits;
  /** Writes every call's capture into this folder (`serve --capture DIR`). */
  readonly captureDir?: string | undefined;
  /** Admission limits: concurrent calls, event-loop delay, connections per second per IP. */
  readonly admission?: Partial<AdmissionLimits> | undefined;
  /** How Telnyx reaches the engine; undefined: a request's host, when allowedHosts or a trusted proxy vouches for it. */
  readonly publicUrl?: string | undefined;
  /** Proxies whose X-Forwarded-Host, -Proto and -For are believed (addresses or CIDR blocks). */
  readonly trustedProxies?: readonly string[] | undefined;
  /** Hosts a stream URL may name when publicUrl is unset (names, `:port`, `*.domain`). */
  readonly allowedHosts?: readonly string[] | undefined;
  /** Bearer keys of the engine's HTTP API (`POST /v1/calls`); none: dial-out refuses everyone. */
  readonly apiKeys?: readonly string[] | undefined;
  /** Telnyx account settings: Call Control needs `apiKey`, webhooks need `publicKey`. */
  readonly telnyx?: Partial<TelnyxSettings> | undefined;
}

/** Services the server runs on. */
export interface ServerDeps {
  readonly catalog: AgentCatalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** Wall-clock milliseconds (webhook timestamps); default `Date.now`. */
  readonly now?: (() => number) | undefined;
}

/** A running engine: one HTTP server, the WebSocket endpoint, the call registry and the pacer. */
export interface RunningServer {
  readonly port: number;
  readonly host: string;
  readonly calls: CallRegistry;
  readonly pacer: Pacer;
  readonly stats: EngineStats;
  readonly metrics: EngineMetrics;
  /**
   * Graceful drain: refuses new calls at once, lets active calls run for up to `deadlineMs`, then
   * ends the rest with reason `shutdown` and closes the server.
   */
  drain(deadlineMs: number): Promise<void>;
  /** Call Control legs, webhooks and dial-out. */
  readonly telnyx: TelnyxCalls;
  /** Ends every call (reason `shutdown`), stops listening and resolves when all sockets are closed. */
  close(): Promise<void>;
}

export { TELNYX_STREAM_PATH };

/** Starts the engine's HTTP server and resolves once it listens. */
export async function startServer(options: ServerOptions, deps: ServerDeps): Promise<RunningServer> {
  const { catalog, clock, log } = deps;
  // rxjs rethrows a subscriber's uncaught error on a timer, which would kill every call in the
  // process; a bot's own audio subscription must only ever take down its own call.
  rxjsConfig.onUnhandledError = (error: unknown) => log.error({ err: error }, 'uncaught error in an audio subscriber');
  const calls = new CallRegistry();
  const stats = new EngineStats();
  const admission = new Admission({ ...DEFAULT_ADMISSION_LIMITS, ...definedOnly(options.admission ?? {}) }, clock);
  const metrics = new EngineMetrics(() => liveViews(calls.values()));
  const pacer = new Pacer(clock, log.child({ component: 'pacer' }), { onTimer: (lateness) => metrics.pacerTick(lateness) });
  // Admission control samples the event loop's delay every second: while it is late, new calls
  // would only make the admitted ones late too.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  const loopSampler = setInterval(() => {
    admission.noteEventLoopDelay(loopDelay.percentile(99) / 1e6);
    loopDelay.reset();
  }, 1000);
  loopSampler.unref();
  const refusals = new RefusalLog(log, clock);
  const refuse = (cause: RejectionCause, detail: Record<string, unknown>): void => {
    metrics.connectionRejected(cause);
    refusals.note(cause, detail);
  };
  const writer = new OutboundSerializer();
  const now = deps.now ?? Date.now;
  const telnyxSettings = options.telnyx ?? {};
  const apiKey = telnyxSettings.apiKey;
  const callControl = apiKey === undefined ? undefined : new CallControl({ apiKey, baseUrl: telnyxSettings.baseUrl });
  const telnyx = new TelnyxCalls({ catalog, calls, callControl, log, clock, now, refusing: () => admission.unreadyCause(calls.size) });
  const publicKey = telnyxSettings.publicKey === undefined ? undefined : webhookPublicKey(telnyxSettings.publicKey);
  const origins = new StreamOrigins(originPolicy(options), log.child({ component: 'origins' }), clock);
  const seenWebhooks = new SeenWebhookIds();
  metrics.watchWebhookIds(() => seenWebhooks.size);
  const httpContext = {
    catalog,
    calls,
    stats,
    telnyx,
    log,
    now,
    publicKey,
    seenWebhooks,
    origins,
    apiKeys: options.apiKeys ?? [],
    connectionId: telnyxSettings.connectionId,
    metrics,
    unready: () => admission.unreadyCause(calls.size),
  };
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false });
  const server: Server = createServer((request, response) => {
    handleHttp(request, response, httpContext).catch((error: unknown) => {
      log.error({ err: error, method: request.method, url: request.url }, 'http request failed');
      if (response.headersSent) {
        if (!response.writableEnded) response.end();
        return;
      }
      response.writeHead(500, { 'content-type': 'application/json' });
      response.end(JSON.stringify({ error: 'internal_error' }));
    });
  });

  const acceptStream = (ws: WebSocket, request: IncomingMessage, url: URL): void => {
    const route = routeStream(url, catalog);
    if (!route.ok) {
      metrics.connectionRejected(route.closeCode === 4404 ? 'unknown_agent' : 'bad_service_host');
      log.warn({ closeCode: route.closeCode, reason: route.reason, serviceHost: url.searchParams.get('serviceHost') }, 'refused media stream');
      ws.close(route.closeCode, route.reason);
      return;
    }
    const admitted = admitStream(route.agent, request.headers, url, (key) => telnyx.heldParameters(key));
    if (!admitted.ok) {
      metrics.connectionRejected('bad_auth_token');
      log.warn({ closeCode: 4401, detail: admitted.detail, agent: `${route.agent.name}.${route.agent.org}` }, 'refused media stream: missing or wrong stream auth token');
      ws.close(4401, 'stream_unauthorized');
      return;
    }
    const session = new CallSession(ws, route.agent, {
      clock,
      pacer,
      log,
      writer,
      limits: options.limits,
      captureDir: options.captureDir,
      callControl,
      onStarted: (started) => calls.indexByCallControlId(started),
      onEnded: (ended, output, summary) => {
        telnyx.callEnded(ended, output.reason);
        calls.delete(ended.id);
        stats.callEnded(summary);
        metrics.callEnded(`${ended.agent.name}.${ended.agent.org}`, summary, ended.stats.rejectedByCode);
      },
    }, admitted.admission);
    stats.callStarted();
    // The actor may already have ended inside its constructor (it never does today, but a registry
    // entry for a finished call would leak).
    if (session.actor.getSnapshot().status === 'active') calls.add(session);
  };

  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(request.url ?? '/', 'http://callwire.invalid');
    if (url.pathname !== TELNYX_STREAM_PATH && url.pathname !== `${TELNYX_STREAM_PATH}/`) {
      metrics.connectionRejected('not_found');
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const address = clientAddress(request, origins.policy.trustedProxies);
    const refusal = admission.admit(address, calls.size);
    if (refusal !== undefined) {
      refuse(refusal, { address });
      socket.end(refusalResponse(refusal));
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      try {
        acceptStream(ws, request, url);
      } catch (error) {
        log.error({ err: error }, 'failed to start call');
        ws.close(1011, 'internal_error');
      }
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  log.info(
    {
      host: address.address,
      port: address.port,
      path: TELNYX_STREAM_PATH,
      callControl: callControl !== undefined,
      webhooks: publicKey !== undefined,
      dialOut: httpContext.apiKeys.length > 0,
    },
    'callwire listening',
  );

  const close = async (): Promise<void> => {
    clearInterval(loopSampler);
    loopDelay.disable();
    for (const session of calls.values()) session.shutdown();
    for (const ws of wss.clients) ws.terminate();
    // Legs the engine owned are hung up as their calls end: give those commands a moment.
    await telnyx.settle(2_000);
    pacer.close();
    stats.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  };

  return {
    port: address.port,
    host: address.address,
    calls,
    pacer,
    stats,
    metrics,
    telnyx,
    close,
    drain: async (deadlineMs: number) => {
      admission.drain();
      log.info({ calls: calls.size, deadlineMs }, 'draining: new calls refused, active calls run on');
      const deadline = clock.now() + deadlineMs;
      while (calls.size > 0 && clock.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      if (calls.size > 0) log.info({ calls: calls.size }, 'drain deadline reached; ending the remaining calls');
      await close();
    },
  };
}

/** Keeps only the keys whose value is defined, so they can override defaults in a spread. */
function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

function liveViews(sessions: Iterable<CallSession>): LiveCallView[] {
  const views: LiveCallView[] = [];
  for (const session of sessions) views.push(session.liveView());
  return views;
}

/** The raw HTTP answer to a refused upgrade: 429 for a rate limit, 503 otherwise, both with Retry-After. */
function refusalResponse(cause: RefusalCause): string {
  const status = cause === 'rate_limited' ? '429 Too Many Requests' : '503 Service Unavailable';
  const body = JSON.stringify({ error: cause });
  return `HTTP/1.1 ${status}\r\nConnection: close\r\nRetry-After: 1\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body}`;
}

/**
 * Logs refused connections without letting a flood flood the log: the first refusal of each cause
 * at once, then one line per cause every 10 s with the count in between.
 */
class RefusalLog {
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #lastAt = new Map<string, number>();
  readonly #suppressed = new Map<string, number>();

  constructor(log: Logger, clock: Clock) {
    this.#log = log;
    this.#clock = clock;
  }

  note(cause: string, detail: Record<string, unknown>): void {
    const now = this.#clock.now();
    const last = this.#lastAt.get(cause);
    if (last !== undefined && now - last < 10_000) {
      this.#suppressed.set(cause, (this.#suppressed.get(cause) ?? 0) + 1);
      return;
    }
    this.#lastAt.set(cause, now);
    const suppressed = this.#suppressed.get(cause) ?? 0;
    this.#suppressed.delete(cause);
    this.#log.warn({ cause, ...detail, alsoRefusedSinceLastLine: suppressed }, 'refused new media connection');
  }
}
