import { callPreparationOf, type CallPreview, type PrepareCall, type PreparedCall } from '../bots/callPreparation.js';
import type { AgentDefinition } from './agent.js';
import type { Clock, TimerHandle } from './clock.js';
import { resolveBotSampleRate } from '../bots/botSampleRate.js';
import type { Logger } from './logger.js';

/** How long a preparation waits for its stream before it is disposed of (a call that rang out, a refused stream). */
export const PREPARED_CALL_TTL_MS = 60_000;

/** Most preparations held at once; beyond it, new calls start unprepared (a flood of webhooks cannot pile up sessions). */
export const MAX_PREPARED_CALLS = 1000;

interface Entry {
  readonly agent: AgentDefinition;
  readonly prepared: PreparedCall;
  readonly timer: TimerHandle;
}

/** What the engine knows of a coming call by itself; the agent's part of the preview is added from its definition. */
export type CallFacts = Pick<CallPreview, 'callControlId' | 'from' | 'to' | 'customParameters'>;

/** Disposes without letting a bot's failure escape into the engine. */
export function disposeQuietly(prepared: PreparedCall, log: Logger): void {
  try {
    prepared.dispose();
  } catch (error) {
    log.warn({ err: error }, 'a prepared call failed to dispose');
  }
}

/**
 * Work bots prepared for Call Control calls before their streams started, by a key the stream's URL
 * carries (`prepared=` or a dial-out's `dial=`). A stream takes its entry at `start`; entries no stream
 * takes are disposed of after {@link PREPARED_CALL_TTL_MS}.
 */
export class PreparedCalls {
  readonly #entries = new Map<string, Entry>();

  constructor(
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Entries held now. */
  get size(): number {
    return this.#entries.size;
  }

  /** Runs `agent`'s bot preparation for a coming call, if it has one, and holds the result under `key`. */
  prepare(agent: AgentDefinition, key: string, facts: CallFacts, log: Logger): void {
    const prepare = callPreparationOf(agent.bot);
    if (prepare === undefined || this.#entries.has(key) || this.#entries.size >= MAX_PREPARED_CALLS) return;
    const prepared = runPreparation(agent, prepare, facts, log);
    if (prepared === undefined) return;
    const timer = this.clock.setTimeout(() => this.#expire(key), PREPARED_CALL_TTL_MS);
    this.#entries.set(key, { agent, prepared, timer });
  }

  /** True when an entry for `agent` is held under `key` (this process prepared that call, and no stream took it yet). */
  holds(key: string, agent: AgentDefinition): boolean {
    return this.#entries.get(key)?.agent === agent;
  }

  /** Hands the entry under `key` to a stream of `agent` (an entry made for another agent stays). */
  take(key: string, agent: AgentDefinition): PreparedCall | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined || entry.agent !== agent) return undefined;
    this.#entries.delete(key);
    this.clock.clearTimeout(entry.timer);
    return entry.prepared;
  }

  /** Disposes of every entry (engine shutdown). */
  close(): void {
    for (const key of [...this.#entries.keys()]) this.#expire(key);
  }

  #expire(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.clock.clearTimeout(entry.timer);
    disposeQuietly(entry.prepared, this.log);
  }
}

/** Runs a bot's preparation with what the engine knows of the agent; a throwing preparation only costs the head start. */
export function runPreparation(
  agent: AgentDefinition,
  prepare: PrepareCall,
  facts: CallFacts,
  log: Logger,
): PreparedCall | undefined {
  const encoding = agent.media.outboundEncoding === 'inbound' ? 'PCMU' : agent.media.outboundEncoding;
  // Before the stream starts, the call's audio is expected to be what the agent sends.
  const expected = { encoding, sampleRate: agent.media.outboundSampleRate ?? (encoding === 'L16' ? 16000 : 8000) };
  try {
    return prepare({ ...facts, org: agent.org, agent: agent.name, options: agent.options, expectedEncoding: encoding, botSampleRate: resolveBotSampleRate(agent.media.botSampleRate, expected), log });
  } catch (error) {
    log.warn({ err: error }, 'call preparation failed; the bot starts without it');
    return undefined;
  }
}

