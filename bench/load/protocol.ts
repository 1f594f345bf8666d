/** Messages between the bench's orchestrator (parent) and its load-generator child, over Node IPC. */
import type { HistogramBins, HistogramSummary } from './histogram.js';
import type { OutboundFormat } from './outboundPacing.js';

/** Which server a run loads: the engine (echo bot) or the bare WebSocket echo baseline. */
export type LoadTarget = 'callwire' | 'baseline';

/** One run's load, as the parent asks for it. */
export interface LoadPlan {
  readonly runId: number;
  readonly target: LoadTarget;
  /** Stream URL including the `serviceHost` query; the same for every call. */
  readonly url: string;
  /** Capture files the calls play, round robin by call index. */
  readonly fixtures: readonly string[];
  readonly calls: number;
  readonly rampMs: number;
  /** Time after the last call opened before measuring starts. */
  readonly settleMs: number;
  /** Measured window: all calls up. */
  readonly durationMs: number;
  /** Impairment profile name (bench/impair). */
  readonly profile: string;
  readonly seed: number;
  /** What the engine sends back, to turn payload bytes into milliseconds. */
  readonly outbound: OutboundFormat;
  /** The echo bot's own delay, taken off the round trip. */
  readonly echoDelayMs: number;
}

/** Parent → generator. */
export type ParentMessage = { readonly type: 'run'; readonly plan: LoadPlan } | { readonly type: 'exit' };

/** What the generator reports every half second. */
export interface LoadProgress {
  readonly runId: number;
  readonly phase: LoadPhase;
  readonly elapsedMs: number;
  /** Planned length of the run (ramp + settle + duration). */
  readonly plannedMs: number;
  readonly openCalls: number;
  readonly mediaSent: number;
  readonly messagesReceived: number;
}

/** Where a run is. */
export type LoadPhase = 'ramp' | 'settle' | 'measure' | 'stopping' | 'done';

/** One second of a run, for charts over time. */
export interface TimelinePoint {
  /** Seconds since the run started. */
  readonly t: number;
  readonly openCalls: number;
  /** Echo round trip minus the bot's delay, this second. */
  readonly echoP50: number;
  readonly echoP95: number;
  /** Outbound pacing error, this second. */
  readonly pacingP50: number;
  readonly pacingP99: number;
  /** Generator send lateness, this second. */
  readonly lateP99: number;
}

/** Everything the generator measured in one run. */
export interface GeneratorResult {
  readonly runId: number;
  readonly target: LoadTarget;
  readonly calls: number;
  /** Calls whose socket opened. */
  readonly connected: number;
  readonly connectFailures: number;
  /** Calls that ended as planned: `stop` sent, then the server closed the socket. */
  readonly completed: number;
  /** Calls the profile cut with a socket.destroy (abrupt disconnect). */
  readonly disconnectedByProfile: number;
  /** Calls the server closed before the generator sent `stop` (not by the profile). */
  readonly closedEarly: number;
  /** Close codes of the calls in {@link closedEarly}. */
  readonly closedEarlyCodes: Readonly<Record<string, number>>;
  /** Calls that had to be terminated because the server did not close after `stop`. */
  readonly stopTimeouts: number;
  readonly mediaSent: number;
  readonly dtmfSent: number;
  readonly messagesReceived: number;
  readonly mediaReceived: number;
  /** Measured window, generator clock. */
  readonly windowMs: number;
  /** Sum over calls of the time each was open during the window. */
  readonly callSecondsInWindow: number;
  /** How late frames left against their schedule, in the window. */
  readonly sendLateness: HistogramSummary;
  /** Generator CPU during the window, % of one core. */
  readonly cpuPercent: number;
  /** The generator's own event-loop delay in the window, as monitorEventLoopDelay reports it (10 ms resolution included). */
  readonly loopDelayMs: { readonly p50: number; readonly p99: number; readonly max: number };
  /** Outbound pacing error in the window (engine runs only). */
  readonly pacing: HistogramSummary;
  readonly pacingBins: HistogramBins;
  /** Messages that arrived after the audio in front of them had run out, in the window. */
  readonly pacingUnderruns: number;
  /** Outbound messages not timed because the generator read them late (after a stall of its own), in the window. */
  readonly unscoredMessages: number;
  /** Talk spurts beyond the first, per call, summed (gaps > 100 ms in outbound audio). */
  readonly extraSpurts: number;
  /** Echo round trip minus the bot's delay (PCMU fixtures only). */
  readonly echo: HistogramSummary;
  readonly echoBins: HistogramBins;
  /** Traceable frames whose echo was due before their call ended. */
  readonly echoEligible: number;
  readonly echoLost: number;
  readonly echoUnmatched: number;
  readonly timeline: readonly TimelinePoint[];
}

/** Generator → parent. */
export type GeneratorMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'progress'; readonly progress: LoadProgress }
  /** The measured window starts (all calls up and settled) or ends. */
  | { readonly type: 'window'; readonly runId: number; readonly edge: 'start' | 'end' }
  | { readonly type: 'result'; readonly result: GeneratorResult }
  | { readonly type: 'error'; readonly runId: number; readonly message: string };
