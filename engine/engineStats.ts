import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import type { EndReason } from '../bots/api.js';
import type { JitterStatsSnapshot } from '../codecs/jitter/jitterStats.js';

/**
 * How a call's inbound playout ticks were filled, or the sum over ended calls: the part of the
 * jitter buffer's counters a call's summary and `/stats` share.
 */
export type PlayoutCounts = Pick<JitterStatsSnapshot, 'ticks' | 'concealedFrames' | 'silenceFrames' | 'underruns' | 'late' | 'lost' | 'addedDelayMeanMs'>;

/** What one ended call adds to the engine's totals; also the body of its last log line. */
export interface CallSummary {
  readonly reason: EndReason;
  readonly durationMs: number;
  readonly framesIn: number;
  readonly framesOut: number;
  readonly messagesOut: number;
  readonly rejectedFrames: number;
  /** Inbound playout ticks, and how they were filled. */
  readonly jitter: PlayoutCounts & Pick<JitterStatsSnapshot, 'addedDelayP95Ms'>;
}

/** The engine's counters as JSON, for `GET /stats` and the bench harness. */
export interface EngineStatsSnapshot {
  readonly uptimeMs: number;
  readonly cpu: { readonly userMicros: number; readonly systemMicros: number };
  readonly memory: { readonly rssBytes: number; readonly heapUsedBytes: number; readonly externalBytes: number };
  /** Event-loop delay since the last reset, in milliseconds. */
  readonly eventLoopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number; readonly mean: number };
  readonly calls: {
    readonly active: number;
    readonly started: number;
    readonly ended: number;
    readonly endedByReason: Readonly<Record<string, number>>;
  };
  readonly frames: { readonly in: number; readonly out: number; readonly messagesOut: number; readonly rejected: number };
  /** Inbound jitter buffers of ended calls, summed; the mean added delay is weighted by ticks. */
  readonly jitter: PlayoutCounts & {
    /** Largest per-call 95th percentile of added delay. */
    readonly addedDelayP95MaxMs: number;
  };
}

const NANOS_PER_MS = 1e6;

/**
 * Engine-wide counters: calls, frames, jitter-buffer totals of ended calls, CPU, memory and
 * event-loop delay. Updated once per call, never per frame.
 */
export class EngineStats {
  readonly #startedAt = performance.now();
  readonly #loopDelay: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  readonly #endedByReason = new Map<string, number>();
  #started = 0;
  #ended = 0;
  #framesIn = 0;
  #framesOut = 0;
  #messagesOut = 0;
  #rejected = 0;
  #ticks = 0;
  #concealed = 0;
  #silence = 0;
  #underruns = 0;
  #late = 0;
  #lost = 0;
  #delayWeighted = 0;
  #p95Max = 0;

  constructor() {
    this.#loopDelay.enable();
  }

  /** Counts a call that was admitted. */
  callStarted(): void {
    this.#started++;
  }

  /** Adds an ended call's summary to the totals. */
  callEnded(summary: CallSummary): void {
    this.#ended++;
    this.#endedByReason.set(summary.reason, (this.#endedByReason.get(summary.reason) ?? 0) + 1);
    this.#framesIn += summary.framesIn;
    this.#framesOut += summary.framesOut;
    this.#messagesOut += summary.messagesOut;
    this.#rejected += summary.rejectedFrames;
    const jitter = summary.jitter;
    this.#ticks += jitter.ticks;
    this.#concealed += jitter.concealedFrames;
    this.#silence += jitter.silenceFrames;
    this.#underruns += jitter.underruns;
    this.#late += jitter.late;
    this.#lost += jitter.lost;
    this.#delayWeighted += jitter.addedDelayMeanMs * jitter.ticks;
    if (jitter.addedDelayP95Ms > this.#p95Max) this.#p95Max = jitter.addedDelayP95Ms;
  }

  /** Starts a new event-loop delay window (the bench resets it after warm-up). */
  resetEventLoopDelay(): void {
    this.#loopDelay.reset();
  }

  /** Everything, as plain JSON-ready data. */
  snapshot(activeCalls: number): EngineStatsSnapshot {
    const cpu = process.cpuUsage();
    const memory = process.memoryUsage();
    const loop = this.#loopDelay;
    const loopMs = (nanos: number): number => (Number.isFinite(nanos) ? nanos / NANOS_PER_MS : 0);
    return {
      uptimeMs: performance.now() - this.#startedAt,
      cpu: { userMicros: cpu.user, systemMicros: cpu.system },
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, externalBytes: memory.external + memory.arrayBuffers },
      eventLoopDelayMs: {
        p50: loopMs(loop.percentile(50)),
        p99: loopMs(loop.percentile(99)),
        max: loopMs(loop.max),
        mean: loopMs(loop.mean),
      },
      calls: { active: activeCalls, started: this.#started, ended: this.#ended, endedByReason: Object.fromEntries(this.#endedByReason) },
      frames: { in: this.#framesIn, out: this.#framesOut, messagesOut: this.#messagesOut, rejected: this.#rejected },
      jitter: {
        ticks: this.#ticks,
        concealedFrames: this.#concealed,
        silenceFrames: this.#silence,
        underruns: this.#underruns,
        late: this.#late,
        lost: this.#lost,
        addedDelayMeanMs: this.#ticks === 0 ? 0 : this.#delayWeighted / this.#ticks,
        addedDelayP95MaxMs: this.#p95Max,
      },
    };
  }

  /** Stops the event-loop monitor. */
  close(): void {
    this.#loopDelay.disable();
  }
}
