import type { Socket } from 'node:net';
import { Counter, Gauge, Registry } from 'prom-client';
import type { EngineStatsSnapshot } from '../engineStats.js';
import type { RequestLine } from './requestHead.js';
import type { WorkerPool } from './workerPool.js';

/** Paths the primary answers itself (GET only), so they answer while every worker is busy. */
const PRIMARY_PATHS: ReadonlySet<string> = new Set(['/healthz', '/readyz', '/metrics', '/stats']);

/** True when the primary answers this request instead of a worker. */
export function answeredByPrimary(line: RequestLine): boolean {
  return line.method === 'GET' && PRIMARY_PATHS.has(line.path);
}

/** What the primary's endpoints read. */
export interface PrimaryView {
  readonly pool: WorkerPool;
  readonly draining: () => boolean;
  /** Every worker's metrics, aggregated, in Prometheus text. */
  readonly workerMetrics: () => Promise<string>;
  /** The cluster's `/stats`; `resetLoop` starts a new event-loop window in every worker. */
  readonly stats: (resetLoop: boolean) => Promise<EngineStatsSnapshot>;
  readonly metrics: PrimaryMetrics;
}

/** The primary's own metrics: what no worker can count, because it is about workers. */
export class PrimaryMetrics {
  readonly registry = new Registry();
  readonly #crashes: Counter;
  readonly #crashedCalls: Counter<'agent'>;

  constructor(pool: WorkerPool) {
    const registers = [this.registry];
    this.#crashes = new Counter({ name: 'callwire_worker_crashes_total', help: 'Worker processes that died without being asked to (each was replaced).', registers });
    this.#crashedCalls = new Counter({ name: 'callwire_worker_crashed_calls_total', help: 'Calls that were live in a worker when it died (end reason worker_crashed), by agent.', labelNames: ['agent'], registers });
    new Gauge({
      name: 'callwire_workers_ready',
      help: 'Worker processes taking connections.',
      registers,
      collect() {
        this.set(pool.list().filter((worker) => worker.ready).length);
      },
    });
  }

  /** Counts a worker that died, and the calls it took with it. */
  workerCrashed(lostAgents: readonly string[]): void {
    this.#crashes.inc();
    for (const agent of lostAgents) this.#crashedCalls.inc({ agent });
  }
}

/** Answers a request the primary serves; the connection closes after it, so a later request on it is a worker's. */
export async function answerInPrimary(socket: Socket, line: RequestLine, view: PrimaryView): Promise<void> {
  const { pool } = view;
  switch (line.path) {
    case '/healthz':
      return replyJson(socket, 200, {
        status: 'ok',
        calls: pool.calls,
        workers: pool.list().map((worker) => ({ id: worker.id, pid: worker.pid, ready: worker.ready, calls: worker.calls.size })),
      });
    case '/readyz': {
      const cause = view.draining() ? 'draining' : pool.unreadyCause();
      return replyJson(socket, cause === undefined ? 200 : 503, { status: cause === undefined ? 'ready' : 'unready', cause, calls: pool.calls });
    }
    case '/metrics': {
      let workers: string;
      try {
        workers = await view.workerMetrics();
      } catch (error) {
        return replyJson(socket, 503, { error: 'metrics_unavailable', detail: error instanceof Error ? error.message : String(error) });
      }
      const own = await view.metrics.registry.metrics();
      return reply(socket, 200, view.metrics.registry.contentType, `${workers}${workers === '' || workers.endsWith('\n') ? '' : '\n'}${own}`);
    }
    default:
      return replyJson(socket, 200, await view.stats(new URLSearchParams(line.query).get('reset') === 'loop'));
  }
}

/** Writes a JSON response and closes the connection. */
export function replyJson(socket: Socket, status: number, body: unknown): void {
  reply(socket, status, 'application/json', JSON.stringify(body));
}

function reply(socket: Socket, status: number, contentType: string, body: string): void {
  if (socket.destroyed) return;
  const payload = Buffer.from(body);
  socket.end(`HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Status'}\r\ncontent-type: ${contentType}\r\ncontent-length: ${payload.length}\r\nconnection: close\r\n\r\n${body}`);
}

const STATUS_TEXT: Readonly<Record<number, string>> = { 200: 'OK', 431: 'Request Header Fields Too Large', 503: 'Service Unavailable' };
