import { AgentCatalog } from './agentCatalog.js';
import { systemClock } from './clock.js';
import type { EngineConfig } from './config.js';
import { createLogger, type Logger } from './logger.js';
import { startServer, type RunningServer } from './server.js';

/** Process-level options that are not configuration. */
export interface ServeOptions {
  /** Folder for per-call captures; none when undefined. */
  readonly captureDir?: string | undefined;
}

/** Starts the engine for a resolved configuration. */
export async function serve(config: EngineConfig, log: Logger = createLogger(config.logLevel), options: ServeOptions = {}): Promise<RunningServer> {
  const catalog = new AgentCatalog(config.agents);
  if (options.captureDir !== undefined) log.info({ dir: options.captureDir }, 'capturing every call');
  log.info({ source: config.source, agents: catalog.agents().map((agent) => `${agent.name}.${agent.org}`) }, 'configuration loaded');
  return startServer(
    {
      host: config.host,
      port: config.port,
      maxMessageBytes: config.limits.maxMessageBytes,
      limits: {
        maxPayloadBytes: config.limits.maxPayloadBytes,
        maxQueuedAudioMs: config.limits.maxQueuedAudioMs,
        maxInboundMessagesPerSecond: config.limits.maxInboundMessagesPerSecond,
      },
      admission: {
        maxCalls: config.limits.maxCalls,
        maxEventLoopDelayMs: config.limits.maxEventLoopDelayMs,
        connectionsPerSecondPerIp: config.limits.connectionsPerSecondPerIp,
      },
      captureDir: options.captureDir,
      publicUrl: config.publicUrl,
      trustedProxies: config.trustedProxies,
      allowedHosts: config.allowedHosts,
      apiKeys: config.apiKeys,
      telnyx: config.telnyx,
    },
    { catalog, clock: systemClock, log },
  );
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
      void server.close().then(() => process.exit(0));
      return;
    }
    stopping = true;
    log.info({ signal, calls: server.calls.size, drainTimeoutMs }, 'shutting down');
    server.drain(drainTimeoutMs).then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}
