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
      limits: { maxPayloadBytes: config.limits.maxPayloadBytes, maxQueuedAudioMs: config.limits.maxQueuedAudioMs },
      captureDir: options.captureDir,
      publicUrl: config.publicUrl,
      apiKeys: config.apiKeys,
      telnyx: config.telnyx,
    },
    { catalog, clock: systemClock, log },
  );
}

/** Stops the engine on SIGINT or SIGTERM: open calls end with reason `shutdown`, then the process exits 0. */
export function stopOnSignals(server: RunningServer, log: Logger): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    log.info({ signal, calls: server.calls.size }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (error: unknown) => {
        log.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
