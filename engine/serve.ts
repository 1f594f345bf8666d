import { AgentCatalog } from './agentCatalog.js';
import { systemClock } from './clock.js';
import type { EngineConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { whenLogsWritten } from './logging/boundedSink.js';
import { startServer, type CallLifecycle, type RunningServer } from './server.js';

/** Process-level options that are not configuration. */
export interface ServeOptions {
  /** Folder for per-call captures; none when undefined. */
  readonly captureDir?: string | undefined;
  /** Listen on no port: a cluster worker gets its connections from the primary. */
  readonly handedConnections?: boolean | undefined;
  /** Told of every call's start and end (a cluster worker reports them to the primary). */
  readonly callLifecycle?: CallLifecycle | undefined;
}

/** Starts the engine for a resolved configuration. */
export async function serve(config: EngineConfig, log: Logger = createLogger(config.logLevel), options: ServeOptions = {}): Promise<RunningServer> {
  const catalog = new AgentCatalog(config.agents);
  if (options.captureDir !== undefined) log.info({ dir: options.captureDir }, 'capturing every call');
  log.info({ source: config.source, agents: catalog.agents().map((agent) => `${agent.name}.${agent.org}`) }, 'configuration loaded');
  const warning = publicUrlWarning(config);
  if (warning !== undefined) log.warn(warning, 'publicUrl is not set');
  return startServer(
    {
      host: config.host,
      port: config.port,
      maxMessageBytes: config.limits.maxMessageBytes,
      limits: {
        maxPayloadBytes: config.limits.maxPayloadBytes,
        maxQueuedAudioMs: config.limits.maxQueuedAudioMs,
        maxInboundMessagesPerSecond: config.limits.maxInboundMessagesPerSecond,
        maxRejectedFramesPer10s: config.limits.maxRejectedFramesPer10s,
      },
      pendingStreams: {
        maxPendingStreams: config.limits.maxPendingStreams,
        maxUnauthenticatedStreams: config.limits.maxUnauthenticatedStreams,
        authTimeoutMs: config.limits.authTimeoutMs,
      },
      connections: {
        maxConnections: config.limits.maxConnections,
        maxIdleConnections: config.limits.maxIdleConnections,
        maxIdlePerAddress: config.limits.maxIdleConnectionsPerIp,
        idleTimeoutMs: config.limits.httpHeadersTimeoutMs,
      },
      requestBodies: {
        maxInFlight: config.limits.maxRequestsInFlight,
        maxInFlightPerAddress: config.limits.maxRequestsInFlightPerIp,
      },
      httpTimeouts: {
        headersTimeoutMs: config.limits.httpHeadersTimeoutMs,
        requestTimeoutMs: config.limits.httpRequestTimeoutMs,
        webhookBodyTimeoutMs: config.limits.webhookBodyTimeoutMs,
      },
      admission: {
        maxCalls: config.limits.maxCalls,
        maxEventLoopDelayMs: config.limits.maxEventLoopDelayMs,
        connectionsPerSecondPerIp: config.limits.connectionsPerSecondPerIp,
        streamsPerSecondPerIp: config.limits.streamsPerSecondPerIp,
      },
      captureDir: options.captureDir,
      publicUrl: config.publicUrl,
      trustedProxies: config.trustedProxies,
      allowedHosts: config.allowedHosts,
      apiKeys: config.apiKeys,
      telnyx: config.telnyx,
      events: config.events,
      handedConnections: options.handedConnections,
      tryPage: config.tryPage,
      redis: config.redis,
      admin: config.admin,
    },
    { catalog, clock: systemClock, log, callLifecycle: options.callLifecycle },
  );
}

/** What the engine will do about stream URLs without `publicUrl`, and how to fix it (the fields of a log line). */
export interface PublicUrlWarning {
  readonly effect: string;
  readonly fix: string;
  readonly allowedHosts: readonly string[];
  readonly trustedProxies: readonly string[];
}

/**
 * The start-up warning for an engine set up for Telnyx (an API key or a webhook public key) but
 * without `publicUrl`: stream URLs then depend on each request's host and on `allowedHosts` and
 * `trustedProxies`. Undefined when `publicUrl` is set or Telnyx is not configured.
 */
export function publicUrlWarning(config: Pick<EngineConfig, 'publicUrl' | 'allowedHosts' | 'trustedProxies' | 'telnyx'>): PublicUrlWarning | undefined {
  if (config.publicUrl !== undefined || (config.telnyx.apiKey === undefined && config.telnyx.publicKey === undefined)) return undefined;
  const { allowedHosts, trustedProxies } = config;
  let effect: string;
  if (allowedHosts.length > 0) {
    effect = `stream URLs will name the request's Host (or, from a trusted proxy, its X-Forwarded-Host) only when it matches allowedHosts; calls that reach the engine under another name are left unanswered, and TeXML and dial-out requests refused`;
  } else if (trustedProxies.length > 0) {
    effect = `stream URLs will name whatever host the trusted proxies forward (X-Forwarded-Host, else Host), unchecked; requests from any other address get no stream URL`;
  } else {
    effect = `no stream URL will be built: Call Control calls are left unanswered, and TeXML and dial-out requests are refused (500), because nothing vouches for a request's Host header`;
  }
  const fix = `set publicUrl (CALLWIRE_PUBLIC_URL) to the URL Telnyx reaches this engine at, e.g. https://cw.example.com${allowedHosts.length > 0 ? '' : '; or list the host names Telnyx uses in allowedHosts (CALLWIRE_ALLOWED_HOSTS)'}`;
  return { effect, fix, allowedHosts, trustedProxies };
}

/**
 * Drains the engine on SIGINT or SIGTERM: new calls are refused at once (upgrades get 503, new
 * Telnyx calls are not answered), active calls run on for up to `drainTimeoutMs`, the rest end
 * with reason `shutdown`, and the process exits 0. A second signal skips the wait.
 */
export function stopOnSignals(server: RunningServer, log: Logger, drainTimeoutMs: number): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal, calls: server.calls.size }, 'second signal: ending every call now');
      void server.close().then(() => exitWhenLogsWritten(0));
      return;
    }
    stopping = true;
    log.info({ signal, calls: server.calls.size, drainTimeoutMs }, 'shutting down');
    server.drain(drainTimeoutMs).then(
      () => exitWhenLogsWritten(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        exitWhenLogsWritten(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Exits with `code` once the log lines written so far have left the process (the drain's last lines included). */
function exitWhenLogsWritten(code: number): void {
  void whenLogsWritten().then(() => process.exit(code));
}
