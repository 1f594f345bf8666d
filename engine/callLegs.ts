import type { AgentDefinition } from './agent.js';
import type { StreamRequest } from './telnyx/callControl.js';

/** A Telnyx call leg the engine itself answered (Call Control dial-in) or placed (dial-out). */
export interface CallLeg {
  readonly callControlId: string;
  readonly agent: AgentDefinition;
  readonly origin: 'answered' | 'dialed';
  /** `client_state` to carry into the stream, from `call.initiated`. */
  readonly clientState: string | undefined;
  /** A stream to start once Telnyx reports the call answered: `answer` cannot carry a token, a rate or parameters. */
  pendingStream: StreamRequest | undefined;
  /** Telnyx reported `call.hangup` for it. */
  hungUp: boolean;
  /** Key of the dial-out parameters this leg's stream URL names (`dial=`). */
  readonly streamKey: string | undefined;
  /** Key of the bot's early work for this call in the engine's prepared calls, if any (a stream here takes it). */
  readonly preparedKey: string | undefined;
  readonly createdAt: number;
}

/** Sizing of {@link CallLegs}. */
export interface CallLegsOptions {
  /** Most legs and held parameter sets remembered; the oldest go first. */
  readonly capacity: number;
  /** How long an entry is kept at most, in milliseconds (a leg normally leaves when its call ends). */
  readonly ttlMs: number;
}

/**
 * The legs the engine owns, by `call_control_id`, and the parameters held for dial-out streams, by
 * the one-time key in their stream URL. Owning a leg means nobody else drives it: when its stream
 * ends without a transfer, the engine hangs it up rather than leave a silent, billed call.
 *
 * @remarks Both live in this process and are bounded. With Redis, legs and parameters are also
 * recorded there, so that a stream reaching another engine finds its parameters and gets its leg
 * hung up (see `engine/redis/`); without it, such a stream must come back to this engine.
 */
export class CallLegs {
  readonly #legs = new Map<string, CallLeg>();
  readonly #held = new Map<string, { readonly parameters: Readonly<Record<string, string>>; readonly at: number }>();
  readonly #options: CallLegsOptions;

  constructor(options: CallLegsOptions = { capacity: 10_000, ttlMs: 12 * 3_600_000 }) {
    this.#options = options;
  }

  /** Number of legs tracked. */
  get size(): number {
    return this.#legs.size;
  }

  /** Tracks a leg (replacing one with the same id). */
  add(leg: CallLeg, nowMs: number): void {
    this.#legs.delete(leg.callControlId);
    this.#legs.set(leg.callControlId, leg);
    trim(this.#legs, this.#options, nowMs, (entry) => entry.createdAt, (entry) => this.#dropHeld(entry));
  }

  /** Every leg tracked, oldest first. */
  values(): IterableIterator<CallLeg> {
    return this.#legs.values();
  }

  /** The owned leg with this id. */
  get(callControlId: string): CallLeg | undefined {
    return this.#legs.get(callControlId);
  }

  /** Forgets a leg and the parameters held for its stream. */
  delete(callControlId: string): void {
    const leg = this.#legs.get(callControlId);
    if (leg === undefined) return;
    this.#legs.delete(callControlId);
    this.#dropHeld(leg);
  }

  /** Holds parameters for the dial-out stream whose URL carries `dial=key`. */
  holdParameters(key: string, parameters: Readonly<Record<string, string>>, nowMs: number): void {
    this.#held.set(key, { parameters, at: nowMs });
    trim(this.#held, this.#options, nowMs, (entry) => entry.at, () => undefined);
  }

  /** The parameters held under `key`; kept until the leg ends, since Telnyx may reconnect the stream. */
  heldParameters(key: string): Readonly<Record<string, string>> | undefined {
    return this.#held.get(key)?.parameters;
  }

  /** Drops parameters held under `key` (a dial that failed). */
  releaseParameters(key: string): void {
    this.#held.delete(key);
  }

  #dropHeld(leg: CallLeg): void {
    if (leg.streamKey !== undefined) this.#held.delete(leg.streamKey);
  }
}

/** Drops entries past their TTL, then the oldest beyond capacity (Maps iterate oldest first). */
function trim<V>(map: Map<string, V>, options: CallLegsOptions, nowMs: number, bornAt: (entry: V) => number, dropped: (entry: V) => void): void {
  for (const [key, entry] of map) {
    if (map.size <= options.capacity && nowMs - bornAt(entry) < options.ttlMs) break;
    map.delete(key);
    dropped(entry);
  }
}
