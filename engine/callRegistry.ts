import type { CallSession } from './callSession.js';
import type { CallId } from './ids.js';

/** The engine's live calls, by id. A call leaves it when its actor reaches `ended`. */
export class CallRegistry {
  readonly #calls = new Map<CallId, CallSession>();

  /** Number of live calls. */
  get size(): number {
    return this.#calls.size;
  }

  /** Tracks a new call. */
  add(session: CallSession): void {
    this.#calls.set(session.id, session);
  }

  /** Forgets a call; unknown ids are ignored. */
  delete(id: CallId): void {
    this.#calls.delete(id);
  }

  /** The live call with this id. */
  get(id: CallId): CallSession | undefined {
    return this.#calls.get(id);
  }

  /** A snapshot of the live calls, safe to iterate while calls end. */
  values(): CallSession[] {
    return [...this.#calls.values()];
  }
}
