/** The parent's handle on the load-generator child: starts it, hands it plans, relays what it says. */
import { spawnGenerator, type ChildHandle } from './processes.js';
import type { GeneratorMessage, GeneratorResult, LoadPlan, LoadProgress, ParentMessage } from './protocol.js';

/** Callbacks of one run. */
export interface RunHooks {
  progress?(progress: LoadProgress): void;
  /** The measured window starts or ends; the returned promise is awaited before the result is handed back. */
  window?(edge: 'start' | 'end'): Promise<void>;
}

/** A running generator process; one run at a time. */
export class GeneratorClient {
  readonly #handle: ChildHandle;
  #current: { runId: number; hooks: RunHooks; pending: Promise<void>[]; resolve(result: GeneratorResult): void; reject(error: Error): void } | undefined;

  private constructor(handle: ChildHandle) {
    this.#handle = handle;
    handle.child.on('message', (message: GeneratorMessage) => this.#onMessage(message));
    void handle.exited.then((code) => {
      this.#current?.reject(new Error(`load generator exited (code ${code}) during a run:\n${handle.tail()}`));
      this.#current = undefined;
    });
  }

  /** Starts the generator, pinned to `core` when not null, and waits for it to say it is ready. */
  static async start(core: number | null): Promise<GeneratorClient> {
    const handle = spawnGenerator(core);
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: GeneratorMessage): void => {
        if (message.type !== 'ready') return;
        handle.child.off('message', onMessage);
        resolve();
      };
      handle.child.on('message', onMessage);
      void handle.exited.then((code) => reject(new Error(`load generator exited (code ${code}) at start:\n${handle.tail()}`)));
    });
    return new GeneratorClient(handle);
  }

  /** Pid of the generator process. */
  get pid(): number | undefined {
    return this.#handle.child.pid;
  }

  /** Runs `plan` and resolves with the generator's measurements once every window hook has finished. */
  async run(plan: LoadPlan, hooks: RunHooks = {}): Promise<GeneratorResult> {
    if (this.#current !== undefined) throw new Error('the load generator is already running a plan');
    const result = await new Promise<GeneratorResult>((resolve, reject) => {
      this.#current = { runId: plan.runId, hooks, pending: [], resolve, reject };
      this.#send({ type: 'run', plan });
    });
    return result;
  }

  /** Asks the generator to exit and waits for it. */
  async close(): Promise<void> {
    if (this.#handle.hasExited) return;
    if (this.#handle.child.connected) this.#send({ type: 'exit' });
    const timer = setTimeout(() => void this.#handle.stop(), 2_000);
    await this.#handle.exited;
    clearTimeout(timer);
  }

  #send(message: ParentMessage): void {
    this.#handle.child.send(message);
  }

  #onMessage(message: GeneratorMessage): void {
    const current = this.#current;
    if (current === undefined) return;
    switch (message.type) {
      case 'progress':
        if (message.progress.runId === current.runId) current.hooks.progress?.(message.progress);
        return;
      case 'window':
        if (message.runId === current.runId && current.hooks.window !== undefined) {
          const pending = current.hooks.window(message.edge);
          // Handled when the result arrives (Promise.all); until then a rejection must not count as unhandled.
          pending.catch(() => undefined);
          current.pending.push(pending);
        }
        return;
      case 'result':
        if (message.result.runId !== current.runId) return;
        this.#current = undefined;
        Promise.all(current.pending).then(
          () => current.resolve(message.result),
          (error: unknown) => current.reject(error instanceof Error ? error : new Error(String(error))),
        );
        return;
      case 'error':
        if (message.runId !== current.runId) return;
        this.#current = undefined;
        current.reject(new Error(`load generator: ${message.message}`));
        return;
      case 'ready':
        return;
    }
  }
}
