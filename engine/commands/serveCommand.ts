import { parseArgs } from 'node:util';
import { checkoutOfBuild, staleBuildWarning } from '../buildFreshness.js';
import { loadConfig } from '../config.js';
import { limitHeapGrowth } from '../heapGrowth.js';
import { createLogger, stdoutLogDestination, type LogLevel } from '../logger.js';
import { chooseLogFormat } from '../logging/logFormat.js';
import { serve, stopOnSignals } from '../serve.js';
import { runClusterPrimary } from '../cluster/primary.js';
import { isClusterWorker, runClusterWorker } from '../cluster/worker.js';
import { resolveWorkerCount } from '../cluster/workerCount.js';

/** Usage of `callwire serve`. */
export const SERVE_USAGE = `  callwire serve [--port N] [--host ADDR] [--admin-port N] [--config FILE] [--log-level LEVEL] [--log-format json|pretty] [--capture DIR] [--workers N]
      Starts the engine: HTTP on --port (default 8080, or CALLWIRE_PORT), Telnyx media streams at
      /ws/telnyx?serviceHost=AGENT.ORG, health at /healthz, counters at /stats. Unless its config
      file (callwire.config.{ts,js,json} in the working directory, --config or CALLWIRE_CONFIG)
      defines organizations, it serves org "default" with the shipped agents "echo" and "menu".
      --capture DIR writes every call's frames, as they arrived and as sent, to
      DIR/<call id>.capture.jsonl (bench/capture/FORMAT.md); a capture replays as is. Logs are
      readable lines on a terminal and JSON lines otherwise; --log-format (or CALLWIRE_LOG_FORMAT)
      chooses. --workers N (or CALLWIRE_WORKERS) runs N engine processes behind one port, a call in
      one of them (default: one per core; one when Telnyx Call Control or webhooks are configured,
      whose state is not shared between processes). --admin-port N (or CALLWIRE_ADMIN_PORT, or the
      file's admin.port) adds a listener serving only /healthz, /readyz and /metrics, for probes
      that must not queue behind traffic on the public port (one engine process only).`;

/** `callwire serve`: runs until SIGINT or SIGTERM; returns -1 (the process keeps running). */
export async function runServeCommand(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      'admin-port': { type: 'string' },
      config: { type: 'string' },
      'log-level': { type: 'string' },
      'log-format': { type: 'string' },
      capture: { type: 'string' },
      workers: { type: 'string' },
    },
    strict: true,
  });
  const port = values.port === undefined ? undefined : Number(values.port);
  if (port !== undefined && (!Number.isInteger(port) || port < 0 || port > 65_535)) {
    process.stderr.write(`callwire: --port must be a port number, got "${values.port}"\n`);
    return 2;
  }
  const adminPort = values['admin-port'] === undefined ? undefined : Number(values['admin-port']);
  if (adminPort !== undefined && (!Number.isInteger(adminPort) || adminPort < 0 || adminPort > 65_535)) {
    process.stderr.write(`callwire: --admin-port must be a port number, got "${values['admin-port']}"\n`);
    return 2;
  }
  const logFormat = chooseLogFormat(values['log-format'] ?? process.env['CALLWIRE_LOG_FORMAT'], process.stdout.isTTY === true);
  const config = await loadConfig({
    cwd: process.cwd(),
    env: process.env,
    path: values.config,
    port,
    host: values.host,
    adminPort,
    logLevel: values['log-level'] as LogLevel | undefined,
  });
  // Only a build run inside its checkout can be older than its sources (`npm start` after an edit or a pull).
  const checkout = isClusterWorker() ? undefined : checkoutOfBuild(import.meta.url);
  const stale = checkout === undefined ? undefined : staleBuildWarning(checkout);
  if (stale !== undefined) process.stderr.write(stale);
  limitHeapGrowth();
  const log = createLogger(config.logLevel, await stdoutLogDestination(logFormat));
  if (isClusterWorker()) {
    await runClusterWorker(config, log, { captureDir: values.capture });
    return -1;
  }
  const count = resolveWorkerCount(values.workers ?? process.env.CALLWIRE_WORKERS, config);
  if (typeof count === 'string') {
    process.stderr.write(`callwire: ${count}\n`);
    return 2;
  }
  if (count.workers > 1) {
    log.info({ workers: count.workers, why: count.why }, 'running one engine per worker process');
    await runClusterPrimary(config, log, count.workers);
    return -1;
  }
  const server = await serve(config, log, { captureDir: values.capture });
  stopOnSignals(server, log, config.limits.drainTimeoutMs);
  return -1;
}
