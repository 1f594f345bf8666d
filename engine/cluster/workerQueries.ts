import cluster, { type Worker } from 'node:cluster';
import type { WorkerQuery, WorkerReply } from './messages.js';
import type { WorkerPool } from './workerPool.js';

/**
 * Asks every ready worker the same question over IPC and gathers the answers. A worker still
 * starting is not asked (it could not answer yet), and one that dies or stalls past `timeoutMs`
 * is left out rather than holding up the answer.
 */
export class WorkerQueries {
  readonly #pending = new Map<number, { readonly values: WorkerReply['value'][]; waiting: number; readonly done: () => void }>();
  #next = 0;

  constructor(
    private readonly pool: WorkerPool,
    private readonly timeoutMs: number,
  ) {}

  /** The answers of the ready workers to `query`. */
  ask(query: WorkerQuery['query'], resetLoop = false): Promise<WorkerReply['value'][]> {
    return new Promise((resolve) => {
      const requestId = this.#next++;
      const values: WorkerReply['value'][] = [];
      const done = (): void => {
        clearTimeout(timer);
        this.#pending.delete(requestId);
        resolve(values);
      };
      const timer = setTimeout(done, this.timeoutMs);
      const asked = Object.values(cluster.workers ?? {}).filter((worker): worker is Worker => worker !== undefined && worker.isConnected() && this.pool.get(worker.id)?.ready === true);
      this.#pending.set(requestId, { values, waiting: asked.length, done });
      if (asked.length === 0) done();
      const message: WorkerQuery = { type: 'callwire:query', requestId, query, resetLoop };
      for (const worker of asked) worker.send(message);
    });
  }

  /** Takes a worker's reply. */
  replied(reply: WorkerReply): void {
    const pending = this.#pending.get(reply.requestId);
    if (pending === undefined) return;
    pending.values.push(reply.value);
    if (--pending.waiting === 0) pending.done();
  }
}
