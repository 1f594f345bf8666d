import { callPreparationOf, type PreparedCall } from '../../bots/callPreparation.js';
import type { AgentDefinition } from '../agent.js';
import type { Logger } from '../logger.js';
import { disposeQuietly, runPreparation, type PreparedCalls } from '../preparedCalls.js';

/**
 * What the agent's bot prepared for one call before its `start`, held until the bot takes it: work
 * begun when the engine answered a Call Control call (kept in the engine's {@link PreparedCalls}
 * under the stream's key), or begun here at `connected` for a stream the engine did not start
 * itself (TeXML) or whose early work another engine holds (its stream was routed here). Whatever
 * the bot never takes is disposed of.
 */
export class CallPreparation {
  readonly #agent: AgentDefinition;
  readonly #log: Logger;
  readonly #preparedCalls: PreparedCalls | undefined;
  readonly #preparedKey: string | undefined;
  /** Custom parameters the stream's URL brought (a dial-out's, from whichever engine placed it). */
  readonly #heldParameters: Readonly<Record<string, string>>;
  #prepared: PreparedCall | undefined;

  constructor(agent: AgentDefinition, log: Logger, preparedCalls: PreparedCalls | undefined, preparedKey: string | undefined, heldParameters: Readonly<Record<string, string>> = {}) {
    this.#agent = agent;
    this.#log = log;
    this.#preparedCalls = preparedCalls;
    this.#preparedKey = preparedKey;
    this.#heldParameters = heldParameters;
  }

  /**
   * The stream said `connected`: a stream whose early preparation is not held here starts its
   * bot's now, a few round trips before `start`. The engine that prepared a call whose stream went
   * elsewhere disposes of its own once it expires.
   */
  connected(): void {
    if (this.#prepared !== undefined || this.#preparedCalls === undefined) return;
    if (this.#preparedKey !== undefined && this.#preparedCalls.holds(this.#preparedKey, this.#agent)) return;
    const prepare = callPreparationOf(this.#agent.bot);
    if (prepare === undefined) return;
    const customParameters = { ...this.#agent.customParameters, ...this.#heldParameters };
    this.#prepared = runPreparation(this.#agent, prepare, { callControlId: undefined, from: undefined, to: undefined, customParameters }, this.#log);
  }

  /** The stream started: the preparation made for it before the stream, if any, is now this call's. */
  started(): void {
    const key = this.#preparedKey;
    const early = key === undefined ? undefined : this.#preparedCalls?.take(key, this.#agent);
    if (early === undefined) return;
    if (this.#prepared !== undefined) disposeQuietly(this.#prepared, this.#log);
    this.#prepared = early;
  }

  /** Hands the preparation over, once; the bot owns it from then on. */
  take(): PreparedCall | undefined {
    const prepared = this.#prepared;
    this.#prepared = undefined;
    return prepared;
  }

  /** Disposes of what the bot never took (a call refused or closed before its bot started). */
  dispose(): void {
    if (this.#prepared !== undefined) disposeQuietly(this.#prepared, this.#log);
    this.#prepared = undefined;
  }
}
