import type { EventDeliveryStats } from './events/eventDelivery.js';
import { aiConversationTotals, aiFailureCounts } from '../bots/ai/aiTallies.js';
import { upstreamTallies } from '../bots/upstream/upstreamTallies.js';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { RefusalCause } from './admission.js';
import type { ConnectionCloseCause } from './connectionGuard.js';
import type { BodyRefusalCause } from './http/bodiesInFlight.js';
import type { CallSummary } from './engineStats.js';
import { LOG_SINK_DROPS } from './logging/boundedSink.js';

/** What `/metrics` reads from live calls when it is scraped (never on the 20 ms path). */
export interface LiveCallView {
  /** `AGENT.ORG`. */
  readonly agentKey: string;
  /** The call actor's top-level state. */
  readonly state: string;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly concealedFrames: number;
  readonly playoutTicks: number;
}

/** What `/metrics` reads of the engine's edge when it is scraped. */
export interface EdgeView {
  readonly openConnections: number;
  readonly idleConnections: number;
  readonly pendingStreams: number;
  readonly unauthenticatedStreams: number;
}

/** Why a connection was refused before a call started. */
export type RejectionCause = RefusalCause | 'bad_service_host' | 'unknown_agent' | 'bad_auth_token' | 'not_found' | 'evicted_pending';

/**
 * The engine's Prometheus metrics, in a registry of their own (so several engines in one process,
 * as in tests, do not collide). Counters of ended calls are updated once per call; gauges and the
 * live part of the frame counters are read from the calls when scraped.
 */
export class EngineMetrics {
  /** The registry `GET /metrics` serialises. */
  readonly registry = new Registry();
  readonly #callsEnded: Counter<'agent' | 'reason'>;
  readonly #botErrors: Counter<'agent'>;
  readonly #rejected: Counter<'cause'>;
  readonly #rejectedFrames: Counter<'code'>;
  readonly #addedDelay: Histogram;
  readonly #pacingLateness: Histogram;
  #webhookIds: () => number = () => 0;
  #events: () => EventDeliveryStats = () => NO_EVENTS;
  readonly #concealedPercent: Histogram;
  readonly #guardClosed: Counter<'cause'>;
  readonly #redisErrors: Counter<'op'>;
  #endedFramesIn = 0;
  #endedFramesOut = 0;
  #endedConcealed = 0;
  #endedTicks = 0;

  constructor(liveCalls: () => Iterable<LiveCallView>, edge: () => EdgeView = () => NO_EDGE) {
    const registers = [this.registry];
    // Includes callwire_process_process_open_fds and callwire_process_process_max_fds on Linux.
    collectDefaultMetrics({ register: this.registry, prefix: 'callwire_process_' });
    const edgeGauge = (name: string, help: string, read: (view: EdgeView) => number): void => {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          this.set(read(edge()));
        },
      });
    };
    edgeGauge('callwire_connections_open', 'Open TCP connections, HTTP and media.', (view) => view.openConnections);
    edgeGauge('callwire_connections_idle', 'Open TCP connections not carrying a request.', (view) => view.idleConnections);
    edgeGauge('callwire_streams_pending', 'Media streams open but not yet started.', (view) => view.pendingStreams);
    edgeGauge('callwire_streams_unauthenticated', 'Media streams still to present their stream auth token.', (view) => view.unauthenticatedStreams);
    this.#guardClosed = new Counter({
      name: 'callwire_connections_closed_total',
      help: 'TCP connections the engine closed to protect itself, by cause (cap, idle deadline, per-address idle cap, evicted to make room, request bodies past their bounds or deadline).',
      labelNames: ['cause'],
      registers,
    });
    new Counter({
      name: 'callwire_log_lines_dropped_total',
      help: 'Log lines dropped because the log destination could not keep up.',
      registers,
      collect() {
        this.reset();
        this.inc(LOG_SINK_DROPS.lines);
      },
    });
    new Gauge({
      name: 'callwire_calls_active',
      help: 'Live calls by agent and call state.',
      labelNames: ['agent', 'state'],
      registers,
      collect() {
        this.reset();
        for (const call of liveCalls()) this.inc({ agent: call.agentKey, state: call.state });
      },
    });
    const metrics = this;
    new Gauge({
      name: 'callwire_webhook_ids_remembered',
      help: 'Webhook event ids remembered to handle redeliveries and replays once (each until its signature expires).',
      registers,
      collect() {
        this.set(metrics.#webhookIds());
      },
    });
    new Counter({
      name: 'callwire_events_total',
      help: "Call events for the user's app, by outcome: delivered, retried (a failed try), abandoned (refused or out of tries), dropped (queue full or shutdown).",
      labelNames: ['outcome'],
      registers,
      collect() {
        this.reset();
        const events = metrics.#events();
        this.inc({ outcome: 'delivered' }, events.delivered);
        this.inc({ outcome: 'retried' }, events.retried);
        this.inc({ outcome: 'abandoned' }, events.abandoned);
        this.inc({ outcome: 'dropped' }, events.dropped);
      },
    });
    this.#callsEnded = new Counter({ name: 'callwire_calls_ended_total', help: 'Calls ended, by agent and end reason.', labelNames: ['agent', 'reason'], registers });
    this.#botErrors = new Counter({ name: 'callwire_bot_errors_total', help: 'Calls ended because their bot failed.', labelNames: ['agent'], registers });
    this.#rejected = new Counter({ name: 'callwire_connections_rejected_total', help: 'Media connections refused before a call started, by cause.', labelNames: ['cause'], registers });
    this.#redisErrors = new Counter({
      name: 'callwire_redis_errors_total',
      help: 'Redis operations that failed or replies that did not parse (calls go on without shared state), by operation.',
      labelNames: ['op'],
      registers,
    });
    this.#rejectedFrames = new Counter({ name: 'callwire_inbound_frames_rejected_total', help: 'Inbound frames dropped at the protocol edge, by error code.', labelNames: ['code'], registers });
    new Counter({
      name: 'callwire_ai_session_failures_total',
      help: 'AI agent provider sessions that failed (callers heard the fallback), by provider and error code.',
      labelNames: ['provider', 'code'],
      registers,
      collect() {
        this.reset();
        for (const failure of aiFailureCounts()) this.inc({ provider: failure.provider, code: failure.code }, failure.count);
      },
    });
    new Counter({
      name: 'callwire_ai_turns_total',
      help: 'Turns of ended AI agent conversations, by provider and role (user, assistant).',
      labelNames: ['provider', 'role'],
      registers,
      collect() {
        this.reset();
        for (const [provider, totals] of aiConversationTotals()) {
          this.inc({ provider, role: 'user' }, totals.userTurns);
          this.inc({ provider, role: 'assistant' }, totals.assistantTurns);
        }
      },
    });
    new Counter({
      name: 'callwire_ai_interruptions_total',
      help: 'Times callers cut an AI agent off (ended conversations), by provider.',
      labelNames: ['provider'],
      registers,
      collect() {
        this.reset();
        for (const [provider, totals] of aiConversationTotals()) this.inc({ provider }, totals.interruptions);
      },
    });
    new Counter({
      name: 'callwire_ai_tokens_total',
      help: 'Tokens AI providers reported for ended conversations, by provider and kind (input, output).',
      labelNames: ['provider', 'kind'],
      registers,
      collect() {
        this.reset();
        for (const [provider, totals] of aiConversationTotals()) {
          this.inc({ provider, kind: 'input' }, totals.inputTokens);
          this.inc({ provider, kind: 'output' }, totals.outputTokens);
        }
      },
    });
    new Counter({
      name: 'callwire_upstream_failures_total',
      help: 'Connections to bot servers (upstream agents) that failed, so callers heard the fallback, by cause.',
      labelNames: ['cause'],
      registers,
      collect() {
        this.reset();
        for (const [cause, count] of upstreamTallies.failures) this.inc({ cause }, count);
      },
    });
    new Counter({
      name: 'callwire_upstream_messages_refused_total',
      help: 'Messages from bot servers that were refused (not JSON, unknown event, bad base64, oversized), by code.',
      labelNames: ['code'],
      registers,
      collect() {
        this.reset();
        for (const [code, count] of upstreamTallies.refusedMessages) this.inc({ code }, count);
      },
    });
    new Counter({
      name: 'callwire_upstream_caller_frames_dropped_total',
      help: 'Frames of caller audio dropped because a bot server did not read them in time.',
      registers,
      collect() {
        this.reset();
        this.inc(upstreamTallies.droppedCallerFrames);
      },
    });
    new Counter({
      name: 'callwire_upstream_bot_audio_dropped_seconds_total',
      help: "Seconds of audio from bot servers dropped because the call's outbound queue was full.",
      registers,
      collect() {
        this.reset();
        this.inc(upstreamTallies.droppedBotAudioMs / 1000);
      },
    });
    new Counter({
      name: 'callwire_frames_in_total',
      help: 'Inbound media frames accepted.',
      registers,
      collect() {
        this.reset();
        let live = 0;
        for (const call of liveCalls()) live += call.framesIn;
        this.inc(metrics.#endedFramesIn + live);
      },
    });
    new Counter({
      name: 'callwire_frames_out_total',
      help: 'Outbound 20 ms media frames sent.',
      registers,
      collect() {
        this.reset();
        let live = 0;
        for (const call of liveCalls()) live += call.framesOut;
        this.inc(metrics.#endedFramesOut + live);
      },
    });
    new Counter({
      name: 'callwire_jitter_concealed_frames_total',
      help: 'Inbound frames made up by loss concealment.',
      registers,
      collect() {
        this.reset();
        let live = 0;
        for (const call of liveCalls()) live += call.concealedFrames;
        this.inc(metrics.#endedConcealed + live);
      },
    });
    new Counter({
      name: 'callwire_jitter_playout_ticks_total',
      help: 'Inbound playout ticks (one frame each); concealed / ticks is the concealment ratio.',
      registers,
      collect() {
        this.reset();
        let live = 0;
        for (const call of liveCalls()) live += call.playoutTicks;
        this.inc(metrics.#endedTicks + live);
      },
    });
    this.#addedDelay = new Histogram({
      name: 'callwire_jitter_added_delay_ms',
      help: "Mean delay each ended call's jitter buffer added, in ms.",
      buckets: [10, 20, 30, 40, 60, 80, 100, 150, 200, 300],
      registers,
    });
    this.#concealedPercent = new Histogram({
      name: 'callwire_jitter_concealed_percent',
      help: 'Share of each ended call\'s playout ticks that were concealed, in percent.',
      buckets: [0.1, 0.5, 1, 2, 5, 10, 25],
      registers,
    });
    this.#pacingLateness = new Histogram({
      name: 'callwire_pacing_lateness_ms',
      help: 'How late each tick of the shared 20 ms pacer fired, in ms.',
      buckets: [0.5, 1, 2, 5, 10, 20, 50, 100],
      registers,
    });
  }

  /** Adds an ended call. */
  callEnded(agentKey: string, summary: CallSummary, rejectedByCode: ReadonlyMap<string, number>): void {
    this.#callsEnded.inc({ agent: agentKey, reason: summary.reason });
    if (summary.reason === 'bot_error') this.#botErrors.inc({ agent: agentKey });
    this.#endedFramesIn += summary.framesIn;
    this.#endedFramesOut += summary.framesOut;
    this.#endedConcealed += summary.jitter.concealedFrames;
    this.#endedTicks += summary.jitter.ticks;
    if (summary.jitter.ticks > 0) {
      this.#addedDelay.observe(summary.jitter.addedDelayMeanMs);
      this.#concealedPercent.observe((summary.jitter.concealedFrames / summary.jitter.ticks) * 100);
    }
    for (const [code, count] of rejectedByCode) this.#rejectedFrames.inc({ code }, count);
  }

  /** Counts a refused connection. */
  connectionRejected(cause: RejectionCause): void {
    this.#rejected.inc({ cause });
  }

  /** Counts a TCP connection the engine closed to protect itself. */
  connectionClosedByGuard(cause: ConnectionCloseCause | BodyRefusalCause): void {
    this.#guardClosed.inc({ cause });
  }

  /** Counts a Redis operation that failed (or whose reply did not parse); never on the audio path. */
  redisError(op: string): void {
    this.#redisErrors.inc({ op });
  }

  /** Where `callwire_webhook_ids_remembered` reads its value when scraped. */
  watchWebhookIds(count: () => number): void {
    this.#webhookIds = count;
  }

  /** Reads call-event delivery counters when scraped. */
  watchEvents(stats: () => EventDeliveryStats): void {
    this.#events = stats;
  }

  /** Records one pacer tick's lateness; called once per tick for the whole engine, not per call. */
  pacerTick(latenessMs: number): void {
    this.#pacingLateness.observe(latenessMs < 0 ? 0 : latenessMs);
  }
}

const NO_EVENTS: EventDeliveryStats = { delivered: 0, retried: 0, abandoned: 0, dropped: 0 };

const NO_EDGE: EdgeView = { openConnections: 0, idleConnections: 0, pendingStreams: 0, unauthenticatedStreams: 0 };
