import type { CallSession } from './session/callSession.js';
import type { CallId } from './ids.js';

/** The engine's live calls, by id. A call leaves it when its actor reaches `ended`. */
export class CallRegistry {
  readonly #calls = new Map<CallId, CallSession>();
  /** Live calls by Telnyx `call_control_id`, known once their `start` arrived; a reconnect takes over. */
  readonly #byCallControlId = new Map<string, CallSession>();

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
    const session = this.#calls.get(id);
    this.#calls.delete(id);
    const callControlId = session?.callControlId;
    if (callControlId !== undefined && this.#byCallControlId.get(callControlId) === session) this.#byCallControlId.delete(callControlId);
  }

  /** Indexes a live call by its `call_control_id` (call once its `start` has been accepted). */
  indexByCallControlId(session: CallSession): void {
    const callControlId = session.callControlId;
    if (callControlId !== undefined && this.#calls.has(session.id)) this.#byCallControlId.set(callControlId, session);
  }

  /** The live call whose stream carries Telnyx call `callControlId`. */
  byCallControlId(callControlId: string): CallSession | undefined {
    return this.#byCallControlId.get(callControlId);
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
