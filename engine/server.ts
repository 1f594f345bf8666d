import { PreparedCalls } from './preparedCalls.js';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { hostname } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Duplex } from 'node:stream';
import { config as rxjsConfig } from 'rxjs';
import { WebSocketServer } from 'ws';
import { Admission, DEFAULT_ADMISSION_LIMITS, type AdmissionLimits } from './admission.js';
import type { AgentCatalog } from './agentCatalog.js';
import { CallRegistry } from './callRegistry.js';
import { clientAddress } from './clientAddress.js';
import { normalizeAddress } from './trustedProxies.js';
import type { EndReason } from '../bots/api.js';
import type { CallLimits } from './session/callLimits.js';
import type { CallSession } from './session/callSession.js';
import type { Clock } from './clock.js';
import type { TelnyxSettings } from './config.js';
import { ConnectionGuard, type ConnectionGuardLimits } from './connectionGuard.js';
import { EngineStats } from './engineStats.js';
import { defaultMaxConnections, openFileLimit } from './fdLimit.js';
import { startAdminServer, type AdminListen, type AdminServer } from './http/adminServer.js';
import { BodiesInFlight } from './http/bodiesInFlight.js';
import { DEFAULT_HTTP_TIMEOUTS, isClientAbort, type HttpTimeouts } from './http/httpTimeouts.js';
import { handleHttp, routeLoggers } from './http/router.js';
import { StreamOrigins } from './http/streamOrigins.js';
import type { Logger } from './logger.js';
import { SUPPRESSED } from './logging/logBudget.js';
import { engineLogBudgets } from './logging/sharedLogBudget.js';
import { EngineMetrics, type LiveCallView } from './metrics.js';
import { Pacer } from './pacer.js';
import { originPolicy } from './publicOrigin.js';
import { TELNYX_STREAM_PATH } from './publicUrl.js';
import { tryPageEnabled } from './try/tryAccess.js';
import { DEFAULT_PENDING_STREAM_LIMITS, StreamAcceptor, type PendingStreamLimits } from './streamAcceptor.js';
import { TelnyxCalls } from './telnyxCalls.js';
import { CallControl } from './telnyx/callControl.js';
import { SeenWebhookIds } from './telnyx/seenWebhookIds.js';
import { OutboundSerializer } from './telnyx/serializeOutbound.js';
import { webhookPublicKey } from './telnyx/webhookSignature.js';
import type { TelnyxWebhookEvent } from './telnyx/webhookEvents.js';
import { CallEvents } from './events/callEvents.js';
import { DEFAULT_EVENT_DELIVERY, type EventDeliveryOptions, type EventTarget } from './events/eventDelivery.js';
import type { RedisSettings } from './redis/redisSettings.js';
import type { RedisPresence } from './redis/redisPresence.js';

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
  /** Caps on streams that have not started (or not authenticated) yet. */
  readonly pendingStreams?: Partial<PendingStreamLimits> | undefined;
  /** Caps on TCP connections; `maxConnections` defaults to a share of the file-descriptor limit. */
  readonly connections?: { readonly [K in keyof ConnectionGuardLimits]?: ConnectionGuardLimits[K] | undefined } | undefined;
  /** Bounds on request bodies being read (before they could be verified), engine-wide and per client address. */
  readonly requestBodies?: { readonly maxInFlight?: number | undefined; readonly maxInFlightPerAddress?: number | undefined } | undefined;
  /** HTTP header, request and keep-alive timeouts. */
  readonly httpTimeouts?: Partial<HttpTimeouts> | undefined;
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
  /** Where call events go unless an agent sets its own target; undefined: nowhere. */
  readonly events?: EventTarget | undefined;
  /** Retry and queue bounds of event delivery; the defaults suit production. */
  readonly eventDelivery?: Partial<EventDeliveryOptions> | undefined;
  /** Listen on no port: connections arrive through {@link RunningServer.adopt} (a cluster worker). */
  readonly handedConnections?: boolean | undefined;
  /** Serve the browser softphone at `/try`; undefined: only when `host` is a loopback address. */
  readonly tryPage?: boolean | undefined;
  /** Shared call state: call directory and node registry in this Redis; undefined: no Redis code is loaded. */
  readonly redis?: RedisSettings | undefined;
  /** A second listener for `/healthz`, `/readyz` and `/metrics` only; undefined: none (they are on the public port as well). */
  readonly admin?: AdminListen | undefined;
}

/** Hears each call start (its `start` frame was accepted) and end; once per call, never per frame. */
export interface CallLifecycle {
  /** The call's `start` frame was accepted. */
  started(session: CallSession): void;
  /** The call ended (also told for a stream that ended before its `start`). */
  ended(session: CallSession, reason: EndReason): void;
}

/** Services the server runs on. */
export interface ServerDeps {
  readonly catalog: AgentCatalog;
  readonly clock: Clock;
  readonly log: Logger;
  /** Wall-clock milliseconds (webhook timestamps); default `Date.now`. */
  readonly now?: (() => number) | undefined;
  /** Told of every call's start and end (a cluster worker reports them to its primary). */
  readonly callLifecycle?: CallLifecycle | undefined;
}

/** A running engine: one HTTP server, the WebSocket endpoint, the call registry and the pacer. */
export interface RunningServer {
  readonly port: number;
  readonly host: string;
  /** The admin listener's port (`/healthz`, `/readyz`, `/metrics`), or undefined when there is none. */
  readonly adminPort: number | undefined;
  readonly calls: CallRegistry;
  readonly pacer: Pacer;
  readonly stats: EngineStats;
  readonly metrics: EngineMetrics;
  /** TCP connections: open and idle counts. */
  readonly connections: ConnectionGuard;
  /** The media endpoint's admission: pending and unauthenticated streams. */
  readonly streams: StreamAcceptor;
  /**
   * Graceful drain: refuses new calls at once, lets active calls run for up to `deadlineMs`, then
   * ends the rest with reason `shutdown` and closes the server.
   */
  drain(deadlineMs: number): Promise<void>;
  /** Call Control legs, webhooks and dial-out. */
  readonly telnyx: TelnyxCalls;
  /** Call events on their way to the user's app. */
  readonly events: CallEvents;
  /** Ends every call (reason `shutdown`), stops listening and resolves when all sockets are closed. */
  close(): Promise<void>;
  /** Why the engine takes no new calls now (draining, capacity, overload), or undefined when ready. */
  unready(): string | undefined;
  /** Serves a connection accepted elsewhere, whose first bytes `received` were already read from it. */
  adopt(socket: Socket, received: Buffer): void;
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
  const logBudgets = engineLogBudgets(log, clock);
  // The acceptor and the guard exist once the server does; the metrics read them lazily when scraped.
  let streams: StreamAcceptor | undefined;
  let connections: ConnectionGuard | undefined;
  const metrics = new EngineMetrics(() => liveViews(calls.values()), () => ({
    openConnections: connections?.open ?? 0,
    idleConnections: connections?.idle ?? 0,
    pendingStreams: streams?.pending ?? 0,
    unauthenticatedStreams: streams?.unauthenticated ?? 0,
  }));
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
  const writer = new OutboundSerializer();
  const now = deps.now ?? Date.now;
  const telnyxSettings = options.telnyx ?? {};
  const apiKey = telnyxSettings.apiKey;
  const callControl = apiKey === undefined ? undefined : new CallControl({ apiKey, baseUrl: telnyxSettings.baseUrl });
  const preparedCalls = new PreparedCalls(clock, log.child({ component: 'prepared-calls' }));
  const events = new CallEvents(options.events, log.child({ component: 'events' }), clock, { ...DEFAULT_EVENT_DELIVERY, ...definedOnly(options.eventDelivery ?? {}) });
  metrics.watchEvents(() => events.stats());
  let listeningPort = options.port;
  // Loaded only when configured: an engine without Redis never loads its client.
  const presence: RedisPresence | undefined = options.redis === undefined
    ? undefined
    : new (await import('./redis/redisPresence.js')).RedisPresence(
        options.redis,
        { address: () => options.publicUrl ?? `${hostname()}:${listeningPort}`, calls: () => calls.size, draining: () => admission.draining },
        log.child({ component: 'redis' }),
        (op) => metrics.redisError(op),
      );
  const telnyx = new TelnyxCalls({
    catalog,
    calls,
    callControl,
    log,
    clock,
    now,
    refusing: () => admission.unreadyCause(calls.size),
    preparedCalls,
    onRecordingSaved: (callControlId, session, recording) => events.telnyxRecordingSaved(callControlId, session, recording),
    sharedParameters: presence?.dialParameters,
    sharedLegs: presence?.legs,
  });
  const publicKey = telnyxSettings.publicKey === undefined ? undefined : webhookPublicKey(telnyxSettings.publicKey);
  const origins = new StreamOrigins(originPolicy(options), log.child({ component: 'origins' }), clock);
  const seenWebhooks = new SeenWebhookIds();
  metrics.watchWebhookIds(() => seenWebhooks.size);
  const timeouts = { ...DEFAULT_HTTP_TIMEOUTS, ...definedOnly(options.httpTimeouts ?? {}) };
  const bodies = new BodiesInFlight(
    {
      maxBodies: options.requestBodies?.maxInFlight ?? DEFAULT_BODIES_IN_FLIGHT,
      maxBodiesPerAddress: options.requestBodies?.maxInFlightPerAddress ?? DEFAULT_BODIES_IN_FLIGHT_PER_ADDRESS,
      deadlineMs: { carrier: timeouts.webhookBodyTimeoutMs, api: timeouts.bodyTimeoutMs },
    },
    { clock, onCutOff: (cause) => metrics.connectionClosedByGuard(cause), clientAddress: (request) => clientAddress(request, origins.policy.trustedProxies) },
  );
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
    edgeLog: logBudgets.edge,
    admitBody: { carrier: bodies.admitter('carrier'), api: bodies.admitter('api') },
    routeLogs: routeLoggers(log),
    tryPage: tryPageEnabled(options.tryPage, options.host),
    webhookClaims: presence?.webhookClaims,
    // A webhook for a call this process does not run may be for one another node runs.
    forwardWebhook: presence === undefined
      ? undefined
      : (event: TelnyxWebhookEvent, rawBody: Buffer, acceptedUntilMs: number) => {
          const callControlId = event.callControlId;
          if (callControlId === undefined || event.type === 'call.initiated' || calls.byCallControlId(callControlId) !== undefined) return;
          presence.webhooks.forward(callControlId, rawBody.toString('utf8'), acceptedUntilMs);
        },
  };
  // Redis came back (restarted empty, perhaps): the legs this process holds are recorded again.
  presence?.onRecovered(() => telnyx.shareLegsAgain());
  presence?.onForwardedWebhook((event, acceptedUntilMs) => {
    // Telnyx may also have redelivered it here directly: each event is applied once per process.
    if (seenWebhooks.check(event.id, acceptedUntilMs, now())) return;
    // No stream URL is built for a forwarded event: answering calls is the receiving node's part.
    telnyx.handleEvent(event, () => undefined);
  });
  // ws's UTF-8 check of every text message is skipped: Telnyx sends ASCII JSON, the frame parser
  // rejects whatever is not a well-formed frame, and the check is about 0.1 µs of the 2 to 3 µs ws
  // spends receiving a media message (bench/micro, "inbound media message through ws").
  const wss = new WebSocketServer({ ...WS_LIMITS, noServer: true, maxPayload: options.maxMessageBytes, perMessageDeflate: false, skipUTF8Validation: true });
  const server: Server = createServer(
    {
      // The guard closes connections that have not sent their headers in time, a batch per turn of
      // the event loop; Node's own check, which closes every late connection at once, is the backstop.
      headersTimeout: timeouts.headersTimeoutMs * 2,
      requestTimeout: timeouts.requestTimeoutMs,
      keepAliveTimeout: timeouts.keepAliveTimeoutMs,
      // Node checks the two timeouts above on this interval (30 s by default).
      connectionsCheckingInterval: 1000,
    },
    (request, response) => {
      guard.requestStarted(response);
      handleHttp(request, response, httpContext).catch((error: unknown) => {
        if (isClientAbort(error)) {
          // The client went away mid-request (a dropped connection, or a body that never came): nothing to answer.
          if (logBudgets.edge.take('http_client_abort') !== SUPPRESSED) log.info({ method: request.method, path: pathOf(request) }, 'http client went away before its request was read');
        } else if (logBudgets.edge.take('http_request_failed') !== SUPPRESSED) {
          log.error({ err: error, method: request.method, path: pathOf(request) }, 'http request failed');
        }
        if (response.headersSent) {
          if (!response.writableEnded) response.end();
          return;
        }
        if (response.destroyed) return;
        response.writeHead(500, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ error: 'internal_error' }));
      });
    },
  );
  const guard = new ConnectionGuard(
    {
      maxConnections: options.connections?.maxConnections ?? defaultMaxConnections(openFileLimit()),
      maxIdleConnections: options.connections?.maxIdleConnections ?? 2048,
      maxIdlePerAddress: options.connections?.maxIdlePerAddress ?? 256,
      idleTimeoutMs: options.connections?.idleTimeoutMs ?? timeouts.headersTimeoutMs,
    },
    {
      clock,
      onClosed: (cause) => metrics.connectionClosedByGuard(cause),
      isTrustedProxy: (address) => origins.policy.trustedProxies.trusts(address),
      isSaturated: (address) => bodies.isSaturated(normalizeAddress(address)),
    },
  );
  connections = guard;
  guard.attach(server);
  const acceptor = new StreamAcceptor({
    catalog,
    calls,
    stats,
    metrics,
    admission,
    wss,
    log,
    limits: { ...DEFAULT_PENDING_STREAM_LIMITS, ...definedOnly(options.pendingStreams ?? {}) },
    clientAddress: (request) => clientAddress(request, origins.policy.trustedProxies),
    heldParameters: (key) => telnyx.heldParameters(key),
    sharedParameters: presence === undefined ? undefined : { holds: (key) => telnyx.holdsParameters(key), fetch: (key) => presence.dialParameters.fetch(key) },
    session: {
      clock,
      pacer,
      log,
      writer,
      limits: options.limits,
      captureDir: options.captureDir,
      callControl,
      logBudgets,
      preparedCalls,
      onStarted: (started) => {
        calls.indexByCallControlId(started);
        events.callStarted(started);
        presence?.started(started);
        deps.callLifecycle?.started(started);
      },
      onTranscript: (session, transcript) => events.transcriptReady(session, transcript),
      onRecordingWritten: (session, path) => events.recordingSaved(session, { source: 'callwire', path }),
      onEnded: (ended, output, summary) => {
        events.callEnded(ended, summary);
        deps.callLifecycle?.ended(ended, output.reason);
        presence?.ended(ended);
        telnyx.callEnded(ended, output.reason);
        calls.delete(ended.id);
        stats.callEnded(summary);
        metrics.callEnded(`${ended.agent.name}.${ended.agent.org}`, summary, ended.stats.rejectedByCode);
      },
    },
  });
  streams = acceptor;
  server.on('upgrade', (request: IncomingMessage, socket: Duplex, head: Buffer) => acceptor.handleUpgrade(request, socket, head));

  if (options.handedConnections !== true) await new Promise<void>((resolve, reject) => {
    const failed = (error: Error): void => {
      // A port already taken: the engine never ran, so it leaves nothing in Redis behind it.
      void presence?.close();
      reject(error);
    };
    server.once('error', failed);
    // The accept queue (the kernel caps it at net.core.somaxconn): deeper than Node's 511, so a burst
    // of connections drops fewer SYNs (each dropped one waits a second for its retry), but not so
    // deep that draining it in one go stalls the calls' pacing (about 40 µs a connection).
    server.listen({ port: options.port, host: options.host, backlog: LISTEN_BACKLOG }, () => {
      server.off('error', failed);
      resolve();
    });
  });
  const address = (server.address() as AddressInfo | null) ?? { address: options.host, port: 0 };
  if (options.handedConnections !== true) listeningPort = address.port;
  const close = async (): Promise<void> => {
    clearInterval(loopSampler);
    loopDelay.disable();
    guard.close();
    bodies.close();
    for (const session of calls.values()) session.shutdown();
    for (const ws of wss.clients) ws.terminate();
    // Legs the engine owned are hung up as their calls end: give those commands a moment.
    await telnyx.settle(2_000);
    // The calls just ended have their events queued: give them a moment to reach the app.
    await events.close(2_000);
    await presence?.close();
    pacer.close();
    preparedCalls.close();
    stats.close();
    logBudgets.edge.close();
    logBudgets.calls.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await adminServer?.close();
  };

  let adminServer: AdminServer | undefined;
  if (options.admin !== undefined && options.handedConnections !== true) {
    try {
      adminServer = await startAdminServer(options.admin, httpContext);
    } catch (error) {
      // An engine whose probes cannot reach it is not left running half-way.
      await close();
      throw error;
    }
  }
  if (options.handedConnections !== true) log.info(
    {
      host: address.address,
      port: address.port,
      path: TELNYX_STREAM_PATH,
      callControl: callControl !== undefined,
      webhooks: publicKey !== undefined,
      dialOut: httpContext.apiKeys.length > 0,
      events: options.events?.url,
      tryPage: httpContext.tryPage,
      adminPort: adminServer?.port,
      redis: presence === undefined ? undefined : `node ${presence.place.node}`,
    },
    'callwire listening',
  );


  return {
    port: address.port,
    host: address.address,
    adminPort: adminServer?.port,
    calls,
    pacer,
    stats,
    metrics,
    connections: guard,
    streams: acceptor,
    telnyx,
    events,
    close,
    unready: () => admission.unreadyCause(calls.size),
    adopt: (socket, received) => {
      // Node's HTTP server takes a socket handed to it as it takes one it accepted; the bytes the
      // primary read to route the connection go to its parser first.
      server.emit('connection', socket);
      if (received.length > 0) socket.emit('data', received);
    },
    drain: async (deadlineMs: number) => {
      admission.drain();
      presence?.refresh();
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

/** Request bodies read at once: a memory bound (see `maxRequestsInFlight` in shippedBots.ts). */
const DEFAULT_BODIES_IN_FLIGHT = 8192;

/** Request bodies one client address may have read at once: as high, by default. */
const DEFAULT_BODIES_IN_FLIGHT_PER_ADDRESS = 8192;

/** Connections the kernel may queue for accept (capped by net.core.somaxconn). */
const LISTEN_BACKLOG = 1024;

/**
 * ws options its type declarations do not list yet (ws 8.23 has them): a peer that ignores our close
 * frame is cut off after 3 s, not 30; Telnyx sends each frame whole, so thousands of fragments or
 * buffered slivers are someone else.
 */
const WS_LIMITS = { closeTimeout: 3000, maxFragments: 64, maxBufferedChunks: 4096 } as Record<string, number>;

/** A request's path without its query, which may carry a token. */
function pathOf(request: IncomingMessage): string {
  const url = request.url ?? '/';
  const query = url.indexOf('?');
  return (query < 0 ? url : url.slice(0, query)).slice(0, 128);
}
