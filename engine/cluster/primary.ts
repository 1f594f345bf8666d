import cluster, { type Worker } from 'node:cluster';
import { createServer, type AddressInfo } from 'node:net';
import { AggregatorRegistry, type MetricObjectWithValues, type MetricValue } from 'prom-client';
import type { EngineConfig } from '../config.js';
import type { EngineStatsSnapshot } from '../engineStats.js';
import type { Logger } from '../logger.js';
import { isCallwireMessage, type PrimaryMessage, type WorkerMessage } from './messages.js';
import { sumSnapshots, thisProcessShare } from './clusterStats.js';
import { createConnectionRouter } from './connectionRouter.js';
import { PrimaryMetrics, type PrimaryView } from './primaryEndpoints.js';
import { WORKER_ENV } from './worker.js';
import { WorkerPool } from './workerPool.js';
import { WorkerQueries } from './workerQueries.js';

/** Workers that die before they are ready, in a row, before the primary gives up (a config that cannot start). */
const MAX_FAILED_STARTS = 3;
/** How long the primary waits for workers' `/stats` and metrics before answering without a late one. */
const QUERY_TIMEOUT_MS = 5_000;

/**
 * Runs the primary of `callwire serve --workers N`. The primary owns the port and runs no call: it
 * reads each connection's request line, answers `/healthz`, `/readyz`, `/metrics` and `/stats`
 * itself (so they answer while workers are busy), and hands every other connection, with the bytes
 * read, to the worker with the fewest live calls. Workers report each call's start and end; a
 * worker that dies has its calls logged as ended `worker_crashed` and is replaced. SIGTERM or SIGINT
 * drains every worker and the primary exits 0 once all have; a second signal ends the calls now.
 */
export async function runClusterPrimary(config: EngineConfig, log: Logger, workers: number): Promise<void> {
  const pool = new WorkerPool();
  const metrics = new PrimaryMetrics(pool);
  const queries = new WorkerQueries(pool, QUERY_TIMEOUT_MS);
  let draining = false;
  let failedStarts = 0;
  let allReady: (() => void) | undefined;

  const send = (worker: Worker, message: PrimaryMessage): void => {
    if (worker.isConnected()) worker.send(message);
  };
  const drainMessage = (now: boolean): PrimaryMessage => ({ type: 'callwire:drain', deadlineMs: config.limits.drainTimeoutMs, now });
  const fork = (): void => {
    const worker = cluster.fork({ [WORKER_ENV]: '1' });
    if (worker.process.pid !== undefined) pool.add(worker.id, worker.process.pid);
  };

  cluster.on('message', (worker: Worker, message: unknown) => {
    if (!isCallwireMessage(message)) return;
    const report = message as WorkerMessage;
    const pooled = pool.get(worker.id);
    switch (report.type) {
      case 'callwire:ready':
        if (pooled === undefined) return;
        pooled.ready = true;
        failedStarts = 0;
        log.info({ worker: worker.id, pid: pooled.pid }, 'worker ready');
        if (draining) send(worker, drainMessage(false));
        if (allReady !== undefined && pool.list().every((each) => each.ready)) allReady();
        return;
      case 'callwire:call':
        pool.callEvent(worker.id, report.event, report.callId, report.agent, report.callControlId);
        return;
      case 'callwire:status':
        if (pooled !== undefined) pooled.unready = report.unready ?? undefined;
        return;
      case 'callwire:reply':
        queries.replied(report);
        return;
      case 'callwire:drained':
        if (pooled !== undefined) pooled.ready = false;
        return;
    }
  });

  cluster.on('exit', (worker: Worker, code: number | null, signal: string | null) => {
    const pooled = pool.get(worker.id);
    const wasReady = pooled?.ready === true;
    const lost = pool.remove(worker.id);
    const clean = draining && code === 0;
    if (!clean) {
      log.error({ worker: worker.id, pid: pooled?.pid, code, signal, calls: lost.length }, 'worker died');
      for (const call of lost) log.warn({ callId: call.callId, agent: call.agent, reason: 'worker_crashed', worker: worker.id, pid: pooled?.pid }, 'call ended');
      metrics.workerCrashed(lost.map((call) => call.agent));
    }
    if (draining) {
      if (pool.size === 0) {
        log.info('every worker has drained; exiting');
        process.exit(0);
      }
      return;
    }
    if (!wasReady && ++failedStarts >= MAX_FAILED_STARTS) {
      log.fatal({ failedStarts }, 'workers keep dying before they are ready; stopping');
      process.exit(1);
    }
    fork();
  });

  const view: PrimaryView = {
    pool,
    metrics,
    draining: () => draining,
    workerMetrics: async () => {
      const registries = (await queries.ask('metrics')) as MetricObjectWithValues<MetricValue<string>>[][];
      return AggregatorRegistry.aggregate(registries).metrics();
    },
    stats: async (resetLoop) => sumSnapshots((await queries.ask('stats', resetLoop)) as EngineStatsSnapshot[], thisProcessShare()),
  };

  const listener = createConnectionRouter(view, { headersTimeoutMs: config.limits.httpHeadersTimeoutMs, maxRouting: config.limits.maxIdleConnections }, log);

  // The port opens once every worker is up, as a single engine listens once it can take calls; a
  // port already in use is reported before the workers start, not seconds later.
  if (config.port !== 0) await portIsFree(config.port, config.host);
  const started = new Promise<void>((resolve) => {
    allReady = resolve;
  });
  for (let i = 0; i < workers; i++) fork();
  await started;
  allReady = undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      listener.once('error', reject);
      listener.listen({ port: config.port, host: config.host, backlog: 1024 }, () => {
        listener.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // No port, no engine: the workers go too (not replaced), or they would keep the process alive after the error is reported.
    cluster.removeAllListeners('exit');
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGKILL');
    throw error;
  }
  const address = listener.address() as AddressInfo;
  log.info({ host: address.address, port: address.port, workers }, 'callwire listening');

  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) {
      log.warn({ signal, calls: pool.calls }, 'second signal: ending every call now');
      for (const worker of Object.values(cluster.workers ?? {})) if (worker !== undefined) send(worker, drainMessage(true));
      return;
    }
    stopping = true;
    draining = true;
    log.info({ signal, calls: pool.calls, workers: pool.size, drainTimeoutMs: config.limits.drainTimeoutMs }, 'shutting down: draining every worker');
    if (pool.size === 0) process.exit(0);
    for (const worker of Object.values(cluster.workers ?? {})) if (worker !== undefined && pool.get(worker.id)?.ready === true) send(worker, drainMessage(false));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

/** Resolves when `port` can be listened on now, rejects with the listen error (EADDRINUSE, EACCES) otherwise. */
function portIsFree(port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen({ port, host }, () => probe.close(() => resolve()));
  });
}
