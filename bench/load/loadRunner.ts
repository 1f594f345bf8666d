/**
 * Runs one load plan in the generator process: N calls started over the ramp, one shared timer
 * that wakes when the earliest call has something due and serves every due call, a settle period,
 * the measured window, then `stop` for every call and a wait for the server to close them.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { profileByName } from '../impair/index.js';
import type { FixtureFrames } from './fixtureFrames.js';
import { CallState, LoadCall, type CallSettings } from './loadCall.js';
import { LoadMetrics } from './loadMetrics.js';
import type { GeneratorResult, LoadPhase, LoadPlan, LoadProgress, TimelinePoint } from './protocol.js';

/** The longest the timer sleeps, so calls that just connected are picked up promptly. */
const MAX_SLEEP_MS = 5;
/** How long the server gets to close every call after `stop`. */
const CLOSE_TIMEOUT_MS = 5_000;
/** A timer this late means the generator itself stalled: what it reads next piled up meanwhile. */
const STALL_LAG_MS = 5;
/** Lead before the first call starts. */
const START_LEAD_MS = 20;
const PROGRESS_INTERVAL_MS = 500;

/** What the runner tells its owner while running. */
export interface RunnerEvents {
  progress(progress: LoadProgress): void;
  window(edge: 'start' | 'end'): void;
}

/** Runs `plan` with `fixtures` (already loaded) and resolves with what was measured. */
export async function runLoad(plan: LoadPlan, fixtures: readonly FixtureFrames[], events: RunnerEvents): Promise<GeneratorResult> {
  return new LoadRunner(plan, fixtures, events).run();
}

class LoadRunner {
  readonly #plan: LoadPlan;
  readonly #events: RunnerEvents;
  readonly #metrics = new LoadMetrics();
  readonly #calls: LoadCall[] = [];
  /** Calls the timer still serves; closed ones are swapped out. */
  readonly #live: LoadCall[] = [];
  readonly #timeline: TimelinePoint[] = [];
  readonly #t0: number;
  readonly #windowStartMs: number;
  readonly #windowEndMs: number;
  #phase: LoadPhase = 'ramp';
  #timer: NodeJS.Timeout | undefined;
  /** When the pending timer should run. */
  #wakeAtMs = 0;
  #cpuAtWindowStart: NodeJS.CpuUsage = { user: 0, system: 0 };
  #cpuPercent = 0;
  /** The generator's own event-loop delay over the window: when it lags, the arrival times it takes lag too. */
  readonly #loopDelay = monitorEventLoopDelay({ resolution: 10 });
  #loopDelayMs = { p50: 0, p99: 0, max: 0 };
  #stopAtMs = Number.NaN;
  #finish: (() => void) | undefined;

  constructor(plan: LoadPlan, fixtures: readonly FixtureFrames[], events: RunnerEvents) {
    this.#plan = plan;
    this.#events = events;
    this.#t0 = performance.now() + START_LEAD_MS;
    this.#windowStartMs = this.#t0 + plan.rampMs + plan.settleMs;
    this.#windowEndMs = this.#windowStartMs + plan.durationMs;
    const settings: CallSettings = {
      target: plan.target,
      url: plan.url,
      profile: profileByName(plan.profile),
      seed: plan.seed,
      outbound: plan.outbound,
      echoDelayMs: plan.echoDelayMs,
      endAtMs: this.#windowEndMs,
      metrics: this.#metrics,
    };
    const longest = this.#windowEndMs - this.#t0;
    for (const fixture of fixtures) fixture.ensureFrames(fixture.framesFor(longest) + 1);
    const spacing = plan.calls > 1 ? plan.rampMs / plan.calls : 0;
    for (let i = 0; i < plan.calls; i++) {
      const fixture = fixtures[i % fixtures.length] as FixtureFrames;
      const call = new LoadCall(i, this.#t0 + i * spacing, fixture, settings);
      this.#calls.push(call);
      this.#live.push(call);
    }
  }

  async run(): Promise<GeneratorResult> {
    const done = new Promise<void>((resolve) => {
      this.#finish = resolve;
    });
    const reporter = setInterval(() => this.#report(), PROGRESS_INTERVAL_MS);
    this.#schedule(this.#t0);
    await done;
    clearInterval(reporter);
    this.#report();
    return this.#result();
  }

  #schedule(atMs: number): void {
    const now = performance.now();
    const delay = atMs - now;
    // Node runs a timer 1 ms after the fact at the earliest.
    this.#wakeAtMs = delay > 1 ? atMs : now + 1;
    this.#timer = setTimeout(this.#tick, delay > 0 ? delay : 0);
  }

  readonly #backlogRead = (): void => {
    this.#metrics.readingBacklog = false;
  };

  readonly #tick = (): void => {
    const now = performance.now();
    const metrics = this.#metrics;
    metrics.lastTickMs = now;
    if (now - this.#wakeAtMs > STALL_LAG_MS) {
      // Socket reads in this loop turn (poll phase, before setImmediate's check phase) are backlog.
      metrics.readingBacklog = true;
      setImmediate(this.#backlogRead);
    }
    this.#advancePhase(now);
    if (this.#phase === 'done') return;
    let next = now + MAX_SLEEP_MS;
    const live = this.#live;
    for (let i = 0; i < live.length; ) {
      const call = live[i] as LoadCall;
      if (call.nextDueMs <= now) call.service(now);
      if (call.state === CallState.Closed || call.state === CallState.Stopping) {
        live[i] = live[live.length - 1] as LoadCall;
        live.pop();
        continue;
      }
      if (call.nextDueMs < next) next = call.nextDueMs;
      i++;
    }
    if (this.#phase !== 'stopping' && this.#windowEndMs < next) next = this.#windowEndMs;
    if (this.#phase === 'settle' && this.#windowStartMs < next) next = this.#windowStartMs;
    metrics.lastTickMs = performance.now();
    this.#schedule(next);
  };

  #advancePhase(now: number): void {
    if (this.#phase === 'ramp' && now >= this.#t0 + this.#plan.rampMs) this.#phase = 'settle';
    if (this.#phase === 'settle' && now >= this.#windowStartMs) {
      this.#phase = 'measure';
      this.#metrics.measuring = true;
      this.#cpuAtWindowStart = process.cpuUsage();
      this.#loopDelay.enable();
      this.#events.window('start');
    }
    if (this.#phase === 'measure' && now >= this.#windowEndMs) {
      this.#metrics.measuring = false;
      const cpu = process.cpuUsage(this.#cpuAtWindowStart);
      this.#cpuPercent = ((cpu.user + cpu.system) / 1000 / (now - this.#windowStartMs)) * 100;
      this.#loopDelay.disable();
      const ms = (nanos: number): number => (Number.isFinite(nanos) ? nanos / 1e6 : 0);
      this.#loopDelayMs = { p50: ms(this.#loopDelay.percentile(50)), p99: ms(this.#loopDelay.percentile(99)), max: ms(this.#loopDelay.max) };
      this.#events.window('end');
      this.#phase = 'stopping';
      this.#stopAtMs = now;
      for (const call of this.#calls) call.stop(now);
    }
    if (this.#phase === 'stopping') {
      const open = this.#calls.some((call) => call.state !== CallState.Closed);
      if (open && now - this.#stopAtMs < CLOSE_TIMEOUT_MS) return;
      for (const call of this.#calls) call.forceClose(now);
      this.#phase = 'done';
      if (this.#timer !== undefined) clearTimeout(this.#timer);
      this.#finish?.();
    }
  }

  #report(): void {
    const metrics = this.#metrics;
    const now = performance.now();
    let open = 0;
    for (const call of this.#calls) if (call.state === CallState.Streaming || call.state === CallState.Stopping) open++;
    const second = metrics.secondPacing;
    if (this.#timeline.length < Math.floor((now - this.#t0) / 1000)) {
      this.#timeline.push({
        t: Math.round((now - this.#t0) / 100) / 10,
        openCalls: open,
        echoP50: metrics.secondEcho.percentile(50),
        echoP95: metrics.secondEcho.percentile(95),
        pacingP50: second.percentile(50),
        pacingP99: second.percentile(99),
        lateP99: metrics.secondLateness.percentile(99),
      });
      metrics.secondEcho.reset();
      metrics.secondPacing.reset();
      metrics.secondLateness.reset();
    }
    this.#events.progress({
      runId: this.#plan.runId,
      phase: this.#phase,
      elapsedMs: now - this.#t0,
      plannedMs: this.#windowEndMs - this.#t0,
      openCalls: open,
      mediaSent: metrics.mediaSent,
      messagesReceived: metrics.messagesReceived,
    });
  }

  #result(): GeneratorResult {
    const metrics = this.#metrics;
    const windowStart = this.#windowStartMs;
    const windowEnd = this.#windowEndMs;
    let connected = 0;
    let callMs = 0;
    let extraSpurts = 0;
    let echoEligible = 0;
    let echoLost = 0;
    let echoUnmatched = 0;
    const counts = { completed: 0, disconnected: 0, closedEarly: 0, connectFailed: 0, stopTimeout: 0 };
    const closedEarlyCodes: Record<string, number> = {};
    for (const call of this.#calls) {
      if (!Number.isNaN(call.openedAtMs)) connected++;
      const from = Math.max(call.openedAtMs, windowStart);
      const to = Math.min(Number.isNaN(call.closedAtMs) ? windowEnd : call.closedAtMs, windowEnd);
      if (to > from) callMs += to - from;
      if (call.pacing.spurts > 1) extraSpurts += call.pacing.spurts - 1;
      const echo = call.echoTotals();
      if (echo !== null) {
        echoEligible += echo.eligible;
        echoLost += echo.lost;
        echoUnmatched += echo.unmatched;
      }
      switch (call.end) {
        case 'completed':
          counts.completed++;
          break;
        case 'disconnected':
          counts.disconnected++;
          break;
        case 'closed_early':
          counts.closedEarly++;
          closedEarlyCodes[String(call.closeCode)] = (closedEarlyCodes[String(call.closeCode)] ?? 0) + 1;
          break;
        case 'connect_failed':
        case 'not_started':
          counts.connectFailed++;
          break;
        case 'stop_timeout':
          counts.stopTimeout++;
          break;
      }
    }
    return {
      runId: this.#plan.runId,
      target: this.#plan.target,
      calls: this.#plan.calls,
      connected,
      connectFailures: counts.connectFailed,
      completed: counts.completed,
      disconnectedByProfile: counts.disconnected,
      closedEarly: counts.closedEarly,
      closedEarlyCodes,
      stopTimeouts: counts.stopTimeout,
      mediaSent: metrics.mediaSent,
      dtmfSent: metrics.dtmfSent,
      messagesReceived: metrics.messagesReceived,
      mediaReceived: metrics.mediaReceived,
      windowMs: windowEnd - windowStart,
      callSecondsInWindow: callMs / 1000,
      sendLateness: metrics.sendLateness.summary(),
      cpuPercent: this.#cpuPercent,
      loopDelayMs: this.#loopDelayMs,
      pacing: metrics.pacing.summary(),
      pacingBins: metrics.pacing.bins(0.5, 60),
      pacingUnderruns: metrics.pacingUnderruns,
      unscoredMessages: metrics.unscoredMessages,
      extraSpurts,
      echo: metrics.echo.summary(),
      echoBins: metrics.echo.bins(5, 100),
      echoEligible,
      echoLost,
      echoUnmatched,
      timeline: this.#timeline,
    };
  }
}
