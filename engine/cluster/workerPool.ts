/** One worker as the primary sees it: its live calls, as the worker reported them, and readiness. */
export interface PooledWorker {
  readonly id: number;
  readonly pid: number;
  /** True once the worker's engine is up; it gets no connection before. */
  ready: boolean;
  /** Why the worker refuses new calls, as it last reported; undefined when it takes them. */
  unready: string | undefined;
  /** Live calls by call id: their `AGENT.ORG`. */
  readonly calls: Map<string, string>;
}

/** A call that was live in a worker when it died. */
export interface LostCall {
  readonly callId: string;
  readonly agent: string;
}

/**
 * The primary's view of its workers. Workers report call starts and ends over IPC; this keeps the
 * count per worker, picks where a connection goes, and says which calls a dead worker took with it.
 */
export class WorkerPool {
  readonly #workers = new Map<number, PooledWorker>();
  /** Worker id by call_control_id, and call_control_id by call id, for live calls that have one. */
  readonly #holders = new Map<string, number>();
  readonly #callControlIds = new Map<string, string>();
  #turn = 0;

  /** Workers known now, ready or not. */
  get size(): number {
    return this.#workers.size;
  }

  /** Live calls over every worker. */
  get calls(): number {
    let total = 0;
    for (const worker of this.#workers.values()) total += worker.calls.size;
    return total;
  }

  /** Adds a worker just forked (not ready yet). */
  add(id: number, pid: number): PooledWorker {
    const worker: PooledWorker = { id, pid, ready: false, unready: undefined, calls: new Map() };
    this.#workers.set(id, worker);
    return worker;
  }

  /** The worker with this id, if it is alive. */
  get(id: number): PooledWorker | undefined {
    return this.#workers.get(id);
  }

  /** Every worker, in the order they were added. */
  list(): PooledWorker[] {
    return [...this.#workers.values()];
  }

  /** Records a call start or end a worker reported; an end of a call never seen started is ignored. */
  callEvent(id: number, event: 'started' | 'ended', callId: string, agent: string, callControlId?: string): void {
    const worker = this.#workers.get(id);
    if (worker === undefined) return;
    if (event === 'started') {
      worker.calls.set(callId, agent);
      if (callControlId !== undefined) {
        this.#holders.set(callControlId, id);
        this.#callControlIds.set(callId, callControlId);
      }
      return;
    }
    worker.calls.delete(callId);
    const held = this.#callControlIds.get(callId);
    if (held === undefined) return;
    this.#callControlIds.delete(callId);
    this.#holders.delete(held);
  }

  /** The ready worker holding the live call `callControlId`, if any. */
  holderOf(callControlId: string): PooledWorker | undefined {
    const id = this.#holders.get(callControlId);
    const worker = id === undefined ? undefined : this.#workers.get(id);
    return worker?.ready === true ? worker : undefined;
  }

  /** Forgets a worker that exited and returns the calls it still had. */
  remove(id: number): LostCall[] {
    const worker = this.#workers.get(id);
    if (worker === undefined) return [];
    this.#workers.delete(id);
    for (const callId of worker.calls.keys()) {
      const callControlId = this.#callControlIds.get(callId);
      if (callControlId === undefined) continue;
      this.#callControlIds.delete(callId);
      this.#holders.delete(callControlId);
    }
    return [...worker.calls].map(([callId, agent]) => ({ callId, agent }));
  }

  /**
   * Where the next connection goes: the ready worker with the fewest live calls (a call's cost is
   * its 20 ms audio for as long as it lasts, so calls, not connections, are what to spread), ties
   * taken in turn. Undefined when no worker is ready.
   */
  pick(): PooledWorker | undefined {
    const ready = this.list().filter((worker) => worker.ready);
    if (ready.length === 0) return undefined;
    let fewest = Number.POSITIVE_INFINITY;
    for (const worker of ready) fewest = Math.min(fewest, worker.calls.size);
    const least = ready.filter((worker) => worker.calls.size === fewest);
    this.#turn = (this.#turn + 1) % 1_000_000;
    return least[this.#turn % least.length];
  }

  /**
   * Why the cluster takes no new calls, or undefined when at least one ready worker takes them: the
   * first worker's cause when every ready worker refuses, `no_workers` when none is ready.
   */
  unreadyCause(): string | undefined {
    const ready = this.list().filter((worker) => worker.ready);
    if (ready.length === 0) return 'no_workers';
    if (ready.some((worker) => worker.unready === undefined)) return undefined;
    return ready[0]!.unready;
  }
}
