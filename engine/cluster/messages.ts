import type { MetricObjectWithValues, MetricValue } from 'prom-client';
import type { EngineStatsSnapshot } from '../engineStats.js';

/** IPC between a cluster's primary and its workers: per-call events and control, never per frame. */

/** A worker has its engine up and takes connections. */
export interface WorkerReady {
  readonly type: 'callwire:ready';
}

/** A call's `start` was accepted (`started`) or the call ended (`ended`, with its end reason). */
export interface WorkerCallEvent {
  readonly type: 'callwire:call';
  readonly event: 'started' | 'ended';
  readonly callId: string;
  /** `AGENT.ORG`. */
  readonly agent: string;
  /** Telnyx's id of the call, from `start`. */
  readonly callControlId?: string | undefined;
  readonly reason?: string;
}

/** Whether the worker takes new calls, sent every second: the primary's `/readyz` reads it. */
export interface WorkerStatus {
  readonly type: 'callwire:status';
  /** Why the worker refuses new calls (draining, capacity, overload); null when it takes them. */
  readonly unready: string | null;
}

/** The worker's answer to {@link WorkerQuery} `requestId`. */
export interface WorkerReply {
  readonly type: 'callwire:reply';
  readonly requestId: number;
  /** For `stats`, an {@link EngineStatsSnapshot}; for `metrics`, its registry's `getMetricsAsJSON()`. */
  readonly value: EngineStatsSnapshot | MetricObjectWithValues<MetricValue<string>>[];
}

/** Every active call has ended (or the drain deadline ended it): the worker exits 0 next. */
export interface WorkerDrained {
  readonly type: 'callwire:drained';
}

/** What a worker sends its primary. */
export type WorkerMessage = WorkerReady | WorkerCallEvent | WorkerStatus | WorkerReply | WorkerDrained;

/** A connection for the worker to serve; its socket travels as the message's handle. */
export interface HandedConnection {
  readonly type: 'callwire:connection';
  /** Bytes the primary read from it to route it (the request line at least), base64. */
  readonly received: string;
}

/** Asks for the worker's `/stats` snapshot (`resetLoop`: then start a new event-loop window) or its metrics. */
export interface WorkerQuery {
  readonly type: 'callwire:query';
  readonly requestId: number;
  readonly query: 'stats' | 'metrics';
  readonly resetLoop: boolean;
}

/** Drain as a single process does on SIGTERM (`deadlineMs`), or, with `now`, end every call at once. */
export interface DrainRequest {
  readonly type: 'callwire:drain';
  readonly deadlineMs: number;
  readonly now: boolean;
}

/** What a primary sends its workers. */
export type PrimaryMessage = HandedConnection | WorkerQuery | DrainRequest;

/** True for a message of ours (other modules, such as prom-client's aggregation, share the channel). */
export function isCallwireMessage(message: unknown): message is { readonly type: `callwire:${string}` } {
  return typeof message === 'object' && message !== null && typeof (message as { type?: unknown }).type === 'string' && (message as { type: string }).type.startsWith('callwire:');
}
