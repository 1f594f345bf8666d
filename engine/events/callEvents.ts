import type { RecordingSaved } from '../../bots/api.js';
import type { AgentDefinition } from '../agent.js';
import type { Clock } from '../clock.js';
import type { CallSummary } from '../engineStats.js';
import type { Logger } from '../logger.js';
import { resolveOutboundFormat } from '../mediaFormats.js';
import type { StreamStart } from '../telnyx/frames.js';
import { DEFAULT_EVENT_DELIVERY, EventDelivery, type EventDeliveryOptions, type EventDeliveryStats, type EventTarget } from './eventDelivery.js';

/** What a call event is built from: the parts of a call session it reads, once per call. */
export interface CallEventSource {
  readonly id: string;
  readonly agent: AgentDefinition;
  /** The stream's `start`; undefined for a stream that never started (no event is sent for it). */
  readonly streamStart: StreamStart | undefined;
  /** Where the bot transferred the call, if it did. */
  readonly transferTarget: string | undefined;
}

/** Ended calls remembered for late recordings: about the calls of ten busy minutes, a few hundred KB. */
const RECENTLY_ENDED_CALLS = 2048;

/** The kinds of event an app receives. */
export type CallEventType = 'call.started' | 'call.ended' | 'recording.saved' | 'transcript.ready';

/**
 * Turns call lifecycle moments into signed events for the user's app: each agent's own `events`
 * target, else the engine's. One delivery queue per distinct target, shared by the agents using it.
 * Called once per call moment, never per frame.
 */
export class CallEvents {
  readonly #engineTarget: EventTarget | undefined;
  readonly #log: Logger;
  readonly #clock: Clock;
  readonly #options: EventDeliveryOptions;
  readonly #deliveries = new Map<string, EventDelivery>();
  readonly #startedAt = new Map<string, string>();
  /** Ended calls by call_control_id, for Telnyx's `call.recording.saved`, which usually arrives after the hang-up. */
  readonly #recentlyEnded = new Map<string, CallEventSource>();

  constructor(engineTarget: EventTarget | undefined, log: Logger, clock: Clock, options: EventDeliveryOptions = DEFAULT_EVENT_DELIVERY) {
    this.#engineTarget = engineTarget;
    this.#log = log;
    this.#clock = clock;
    this.#options = options;
  }

  /** A call's stream started: `call.started`. */
  callStarted(call: CallEventSource): void {
    const start = call.streamStart;
    const delivery = this.#deliveryFor(call.agent);
    if (start === undefined || delivery === undefined) return;
    const startedAt = new Date().toISOString();
    this.#startedAt.set(call.id, startedAt);
    delivery.publish('call.started', { ...this.#identity(call, start), startedAt, customParameters: start.customParameters, inbound: start.mediaFormat }, call.id);
  }

  /** A started call ended: `call.ended` with its summary. */
  callEnded(call: CallEventSource, summary: CallSummary): void {
    const startedAt = this.#startedAt.get(call.id);
    this.#startedAt.delete(call.id);
    const start = call.streamStart;
    const delivery = this.#deliveryFor(call.agent);
    if (start === undefined || delivery === undefined) return;
    this.#rememberEnded({ id: call.id, agent: call.agent, streamStart: start, transferTarget: call.transferTarget });
    delivery.publish(
      'call.ended',
      {
        ...this.#identity(call, start),
        startedAt,
        endedAt: new Date().toISOString(),
        reason: summary.reason,
        durationMs: summary.durationMs,
        codecs: { inbound: start.mediaFormat, outbound: resolveOutboundFormat(call.agent.media, start.mediaFormat) },
        frames: { in: summary.framesIn, out: summary.framesOut, messagesOut: summary.messagesOut, rejected: summary.rejectedFrames },
        jitter: summary.jitter,
        ...(call.transferTarget === undefined ? {} : { transferTarget: call.transferTarget }),
      },
      call.id,
    );
  }

  /** A recording is ready: Telnyx's (`source: 'telnyx'`, with its links) or the engine's own WAV (`source: 'callwire'`, with its path). */
  recordingSaved(call: CallEventSource, recording: { readonly source: 'telnyx'; readonly saved: RecordingSaved } | { readonly source: 'callwire'; readonly path: string }): void {
    const start = call.streamStart;
    const delivery = this.#deliveryFor(call.agent);
    if (start === undefined || delivery === undefined) return;
    const detail = recording.source === 'telnyx' ? { recordingId: recording.saved.recordingId, urls: recording.saved.urls, publicUrls: recording.saved.publicUrls, channels: recording.saved.channels } : { path: recording.path };
    delivery.publish('recording.saved', { ...this.#identity(call, start), source: recording.source, ...detail }, call.id);
  }

  /** Telnyx saved a recording of the call `callControlId`: the live call's, or one that ended not long ago. */
  telnyxRecordingSaved(callControlId: string, live: CallEventSource | undefined, saved: RecordingSaved): void {
    const call = live ?? this.#recentlyEnded.get(callControlId);
    if (call !== undefined) this.recordingSaved(call, { source: 'telnyx', saved });
  }

  /** An AI agent's conversation ended: `transcript.ready` with its turns. */
  transcriptReady(call: CallEventSource, transcript: Readonly<Record<string, unknown>>): void {
    const start = call.streamStart;
    const delivery = this.#deliveryFor(call.agent);
    if (start === undefined || delivery === undefined) return;
    delivery.publish('transcript.ready', { ...this.#identity(call, start), ...transcript }, call.id);
  }

  /** Delivery counters summed over every target. */
  stats(): EventDeliveryStats {
    const total: EventDeliveryStats = { delivered: 0, retried: 0, abandoned: 0, dropped: 0 };
    for (const delivery of this.#deliveries.values()) {
      total.delivered += delivery.stats.delivered;
      total.retried += delivery.stats.retried;
      total.abandoned += delivery.stats.abandoned;
      total.dropped += delivery.stats.dropped;
    }
    return total;
  }

  /** Events not yet delivered or given up on, over every target. */
  get pending(): number {
    let pending = 0;
    for (const delivery of this.#deliveries.values()) pending += delivery.pending;
    return pending;
  }

  /** Resolves when nothing is pending anywhere. */
  async idle(): Promise<void> {
    while (this.pending > 0) await Promise.all([...this.#deliveries.values()].map((delivery) => delivery.idle()));
  }

  /** Gives pending events up to `timeoutMs` to go out (the engine's drain), then stops. */
  async close(timeoutMs: number): Promise<void> {
    await Promise.all([...this.#deliveries.values()].map((delivery) => delivery.close(timeoutMs)));
  }

  #rememberEnded(call: CallEventSource): void {
    const callControlId = call.streamStart?.callControlId;
    if (callControlId === undefined) return;
    this.#recentlyEnded.set(callControlId, call);
    // Insertion order is age order: the first key is the oldest.
    if (this.#recentlyEnded.size > RECENTLY_ENDED_CALLS) this.#recentlyEnded.delete(this.#recentlyEnded.keys().next().value!);
  }

  #identity(call: CallEventSource, start: StreamStart): Record<string, unknown> {
    return {
      callId: call.id,
      agent: `${call.agent.name}.${call.agent.org}`,
      callControlId: start.callControlId,
      callSessionId: start.callSessionId,
      streamId: start.streamId,
      from: start.from,
      to: start.to,
    };
  }

  #deliveryFor(agent: AgentDefinition): EventDelivery | undefined {
    const target = agent.events ?? this.#engineTarget;
    if (target === undefined) return undefined;
    const key = `${target.url}\n${target.secret}`;
    let delivery = this.#deliveries.get(key);
    if (delivery === undefined) {
      delivery = new EventDelivery(target, this.#log, this.#clock, this.#options);
      this.#deliveries.set(key, delivery);
    }
    return delivery;
  }
}
