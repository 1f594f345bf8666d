import { getHeapStatistics } from 'node:v8';
import { WebSocket } from 'ws';

type Emit = (this: WebSocket, event: string | symbol, ...args: unknown[]) => boolean;

/**
 * Measures the memory outside the JS heap (array buffers) that the engine holds right after handling
 * each inbound message, by wrapping `ws`'s `emit` for server-side `message` events. Sampling after
 * the fact would miss a large buffer allocated and dropped in one message: the next GC frees it.
 *
 * @remarks Patches `WebSocket.prototype.emit` process-wide until {@link stop}; only one probe may run.
 */
export class MessageMemoryProbe {
  /** Largest growth of external memory across one message, in bytes. */
  maxGrowthBytes = 0;
  readonly #original: Emit;

  constructor() {
    const original = WebSocket.prototype.emit as Emit;
    this.#original = original;
    const probe = this;
    (WebSocket.prototype as { emit: Emit }).emit = function (this: WebSocket, event, ...args) {
      if (event !== 'message' || !(this as unknown as { _isServer: boolean })._isServer) return original.call(this, event, ...args);
      const before = getHeapStatistics().external_memory;
      const result = original.call(this, event, ...args);
      const growth = getHeapStatistics().external_memory - before;
      if (growth > probe.maxGrowthBytes) probe.maxGrowthBytes = growth;
      return result;
    };
  }

  /** Forgets the largest growth seen so far. */
  reset(): void {
    this.maxGrowthBytes = 0;
  }

  /** Restores `ws`. */
  stop(): void {
    (WebSocket.prototype as { emit: Emit }).emit = this.#original;
  }
}
