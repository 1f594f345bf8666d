/**
 * The `bench --jitter` experiment: the same impaired arrival traces through four playout
 * strategies, summarised per profile. Runs on simulated time: no sockets, no timers, deterministic
 * in its seed.
 */
import { createDecoder } from '../../codecs/createCodec.js';
import type { PlayoutOptions } from '../../codecs/jitter/playoutStage.js';
import type { ImpairmentProfile } from '../impair/index.js';
import { distribution } from '../support/quantiles.js';
import type { ArrivalTrace } from './arrivalTrace.js';
import type { CallMedia } from './callMedia.js';
import { CallReferences, scoreCallAudio } from './callQuality.js';
import { playWithCallwire } from './callwirePlayout.js';
import { playFixedDelay } from './fixedDelayPlayout.js';
import { playWithoutBuffer } from './noBufferPlayout.js';
import { oracleDelayMs } from './oracleDelay.js';
import type { PlayoutOutcome, StrategyName } from './playoutOutcome.js';
import { payloadOf, simulatedCall } from './simulatedCall.js';
import type { QualityScore } from './speechQuality.js';

/** Strategies in report order. */
export const STRATEGIES: readonly StrategyName[] = ['callwire', 'fixed-200', 'oracle', 'oracle-same-concealment', 'oracle-1pct', 'no-buffer'];

/** What to run. */
export interface JitterQualityOptions {
  readonly profiles: readonly ImpairmentProfile[];
  /** Run seed; call c uses `deriveSeed(seed, c)` under every profile, so profiles share the underlying calls. */
  readonly seed: number;
  /** Calls per profile. */
  readonly calls: number;
  /** Length of each call, ms (a multiple of 20). */
  readonly durationMs: number;
  /** Audio sources; call c carries `media[c % media.length]`, from a seeded starting frame, looped. */
  readonly media: readonly CallMedia[];
  /** Delay of the fixed buffer, ms. Default 200. */
  readonly fixedDelayMs?: number;
  /** Settings of callwire's buffer; default the engine's defaults (`PlayoutStage` with no options). */
  readonly playout?: PlayoutOptions;
  /** Called after each call of each profile. */
  readonly onProgress?: (done: number, total: number) => void;
}

/** One call under one profile. */
export interface CallResult {
  readonly call: number;
  readonly media: string;
  readonly phaseMs: number;
  readonly disconnected: boolean;
  /** Frames up to the last delivered one that the sender never sent. */
  readonly senderLost: number;
  /** Frames up to the last delivered one. */
  readonly span: number;
  /** The oracle's delay before rounding to the tick grid, ms. */
  readonly oracleExactDelayMs: number;
  /** The same-concealment oracle's delay before rounding to the tick grid, ms. */
  readonly sameConcealmentExactDelayMs: number;
  /** The best fixed delay with as many late frames as the fixed 200 ms buffer, played: the sum of its frames' added delays and their count. */
  readonly fixedMatch: { readonly delaySumMs: number; readonly played: number };
  readonly outcomes: Readonly<Record<StrategyName, PlayoutOutcome>>;
  /** Speech quality of each strategy's audio against the call's clean speech. */
  readonly quality: Readonly<Record<StrategyName, QualityScore>>;
}

/** One strategy pooled over a profile's calls. */
export interface StrategySummary {
  readonly strategy: StrategyName;
  readonly addedDelayMeanMs: number;
  readonly addedDelayP95Ms: number;
  /** Concealed ticks / window ticks, %. */
  readonly concealmentPct: number;
  /** Late frames / delivered frames, %. */
  readonly latePct: number;
  readonly played: number;
  readonly late: number;
  readonly windowTicks: number;
  readonly concealedTicks: number;
  readonly droppedQuiet: number;
  readonly insertedTicks: number;
  /** Speech quality (1–5, see `speechQuality`): mean over calls, and the worst call. */
  readonly qualityMean: number;
  readonly qualityWorst: number;
  /** Media time cut / added by time-stretching, ms. */
  readonly shortenedMs: number;
  readonly lengthenedMs: number;
  /** Per call: mean added delay (ms), concealment (%) and speech quality (1–5). */
  readonly perCall: readonly { readonly meanDelayMs: number; readonly concealmentPct: number; readonly quality: number }[];
}

/** callwire's quality goals, checked on one profile. */
export interface TargetCheck {
  /** Concealment beyond what the sender never sent, % (target ≤ 1). */
  readonly excessConcealmentPct: number;
  readonly concealmentOk: boolean;
  /** callwire mean added delay / the oracle's (same late frames); null if the oracle's is 0. */
  readonly ratioToOracle: number | null;
  /** callwire mean added delay / the same-concealment oracle's; null if that oracle's is 0. */
  readonly ratioToSameConcealmentOracle: number | null;
  /** The larger ratio is at most 1.3. */
  readonly ratioOk: boolean;
  /** On `clean` only: mean added delay ≤ 40 ms. */
  readonly cleanDelayOk: boolean | null;
  /** The fixed 200 ms buffer's mean added delay / callwire's. */
  readonly fixedOverCallwire: number | null;
  /**
   * The fixed 200 ms buffer's mean added delay / that of the best fixed delay with as many late
   * frames as it, chosen knowing the whole call: how far any fixed delay could beat it.
   */
  readonly fixedOverBestMatch: number | null;
}

/** One profile's results. */
export interface ProfileResult {
  readonly profile: string;
  readonly summary: string;
  readonly calls: number;
  readonly delivered: number;
  readonly senderLossPct: number;
  readonly disconnectedCalls: number;
  /** Mean over calls of the oracles' delays before grid rounding, ms. */
  readonly oracleExactDelayMeanMs: number;
  readonly sameConcealmentExactDelayMeanMs: number;
  readonly strategies: readonly StrategySummary[];
  readonly target: TargetCheck;
  readonly callResults: readonly CallResult[];
}

/** Runs every profile; see the module comment. */
export function runJitterQuality(options: JitterQualityOptions): ProfileResult[] {
  if (options.media.length === 0) throw new RangeError('runJitterQuality needs at least one audio source');
  if (!Number.isSafeInteger(options.calls) || options.calls < 1) throw new RangeError(`calls must be an integer ≥ 1, got ${options.calls}`);
  const frameCount = Math.round(options.durationMs / 20);
  if (frameCount < 1) throw new RangeError(`durationMs must be at least 20, got ${options.durationMs}`);
  const total = options.profiles.length * options.calls;
  let done = 0;
  const references = new CallReferences();
  return options.profiles.map((profile) => {
    const callResults: CallResult[] = [];
    for (let call = 0; call < options.calls; call++) {
      callResults.push(runCall(profile, call, frameCount, options, references));
      options.onProgress?.(++done, total);
    }
    return summarizeProfile(profile, callResults);
  });
}

function runCall(profile: ImpairmentProfile, call: number, frameCount: number, options: JitterQualityOptions, references: CallReferences): CallResult {
  const simulated = simulatedCall(profile, options.seed, call, frameCount, options.media);
  const { schedule, trace, grid, media, offset } = simulated;
  const phaseMs = grid.phaseMs;
  const decoder = createDecoder(media.format);
  const payloadOfFrame = (i: number): Uint8Array => payloadOf(simulated, i);
  let callwire: PlayoutOutcome;
  try {
    callwire = playWithCallwire(trace, payloadOfFrame, decoder, grid, options.playout);
  } finally {
    decoder.close();
  }
  const oracleExactDelayMs = oracleDelayMs(trace, callwire.late);
  const { senderLost, span } = senderLoss(trace);
  // A fixed buffer conceals the frames the sender never sent plus its late frames; give it as many
  // late frames as callwire concealed ticks beyond the sender's losses.
  const sameConcealmentExactDelayMs = oracleDelayMs(trace, Math.max(0, callwire.concealedTicks - senderLost));
  const fixed = playFixedDelay(trace, options.fixedDelayMs ?? 200, grid);
  const fixedMatchOutcome = playFixedDelay(trace, oracleDelayMs(trace, fixed.late), grid);
  let fixedMatchSumMs = 0;
  for (const delayMs of fixedMatchOutcome.addedDelayMs) fixedMatchSumMs += delayMs;
  const outcomes: Record<StrategyName, PlayoutOutcome> = {
    callwire,
    'fixed-200': fixed,
    oracle: playFixedDelay(trace, oracleExactDelayMs, grid),
    'oracle-same-concealment': playFixedDelay(trace, sameConcealmentExactDelayMs, grid),
    'oracle-1pct': playFixedDelay(trace, oracleDelayMs(trace, Math.floor(trace.delivered / 100)), grid),
    'no-buffer': playWithoutBuffer(trace, grid),
  };
  return {
    call,
    media: media.name,
    phaseMs,
    disconnected: schedule.disconnectAtMs !== undefined,
    senderLost,
    span,
    oracleExactDelayMs,
    sameConcealmentExactDelayMs,
    fixedMatch: { delaySumMs: fixedMatchSumMs, played: fixedMatchOutcome.addedDelayMs.length },
    outcomes,
    quality: scoreCallAudio(outcomes, trace, media.format, payloadOfFrame, references.of(media, offset)),
  };
}

function senderLoss(trace: ArrivalTrace): { senderLost: number; span: number } {
  let last = -1;
  for (let i = trace.frameCount - 1; i >= 0; i--) {
    if (!Number.isNaN(trace.firstArrivalMs[i] ?? Number.NaN)) {
      last = i;
      break;
    }
  }
  return { senderLost: last + 1 - trace.delivered, span: last + 1 };
}

function summarizeProfile(profile: ImpairmentProfile, callResults: readonly CallResult[]): ProfileResult {
  const strategies = STRATEGIES.map((strategy) =>
    summarizeStrategy(
      strategy,
      callResults.map((result) => result.outcomes[strategy]),
      callResults.map((result) => result.quality[strategy].score),
    ),
  );
  let delivered = 0;
  let senderLost = 0;
  let span = 0;
  let oracleExact = 0;
  let sameConcealmentExact = 0;
  let fixedMatchSumMs = 0;
  let fixedMatchPlayed = 0;
  for (const result of callResults) {
    fixedMatchSumMs += result.fixedMatch.delaySumMs;
    fixedMatchPlayed += result.fixedMatch.played;
    sameConcealmentExact += result.sameConcealmentExactDelayMs;
    delivered += result.outcomes.callwire.delivered;
    senderLost += result.senderLost;
    span += result.span;
    oracleExact += result.oracleExactDelayMs;
  }
  const senderLossPct = percent(senderLost, span);
  const [callwire, fixed, oracle, sameConcealment] = strategies as [StrategySummary, StrategySummary, StrategySummary, StrategySummary];
  const fixedMatchMeanMs = fixedMatchPlayed > 0 ? fixedMatchSumMs / fixedMatchPlayed : 0;
  const excessConcealmentPct = Math.max(0, callwire.concealmentPct - senderLossPct);
  const ratioToOracle = ratio(callwire, oracle);
  const ratioToSameConcealmentOracle = ratio(callwire, sameConcealment);
  return {
    profile: profile.name,
    summary: profile.summary,
    calls: callResults.length,
    delivered,
    senderLossPct,
    disconnectedCalls: callResults.filter((result) => result.disconnected).length,
    oracleExactDelayMeanMs: oracleExact / callResults.length,
    sameConcealmentExactDelayMeanMs: sameConcealmentExact / callResults.length,
    strategies,
    target: {
      excessConcealmentPct,
      concealmentOk: excessConcealmentPct <= 1,
      ratioToOracle,
      ratioToSameConcealmentOracle,
      ratioOk: ratioToOracle !== null && ratioToSameConcealmentOracle !== null && Math.max(ratioToOracle, ratioToSameConcealmentOracle) <= 1.3,
      cleanDelayOk: profile.name === 'clean' ? callwire.addedDelayMeanMs <= 40 : null,
      fixedOverCallwire: callwire.addedDelayMeanMs > 0 ? fixed.addedDelayMeanMs / callwire.addedDelayMeanMs : null,
      fixedOverBestMatch: fixedMatchMeanMs > 0 ? fixed.addedDelayMeanMs / fixedMatchMeanMs : null,
    },
    callResults,
  };
}

function summarizeStrategy(strategy: StrategyName, outcomes: readonly PlayoutOutcome[], quality: readonly number[]): StrategySummary {
  let played = 0;
  let delivered = 0;
  let late = 0;
  let windowTicks = 0;
  let concealedTicks = 0;
  let droppedQuiet = 0;
  let insertedTicks = 0;
  let shortenedMs = 0;
  let lengthenedMs = 0;
  for (const outcome of outcomes) {
    played += outcome.played;
    delivered += outcome.delivered;
    late += outcome.late;
    windowTicks += outcome.windowTicks;
    concealedTicks += outcome.concealedTicks;
    droppedQuiet += outcome.droppedQuiet;
    insertedTicks += outcome.insertedTicks;
    shortenedMs += outcome.shortenedMs;
    lengthenedMs += outcome.lengthenedMs;
  }
  const pooled = new Float64Array(played);
  let filled = 0;
  for (const outcome of outcomes) {
    pooled.set(outcome.addedDelayMs, filled);
    filled += outcome.addedDelayMs.length;
  }
  const delays = distribution(pooled);
  return {
    strategy,
    addedDelayMeanMs: delays.mean,
    addedDelayP95Ms: delays.p95,
    concealmentPct: percent(concealedTicks, windowTicks),
    latePct: percent(late, delivered),
    played,
    late,
    windowTicks,
    concealedTicks,
    droppedQuiet,
    insertedTicks,
    qualityMean: quality.reduce((sum, score) => sum + score, 0) / Math.max(1, quality.length),
    qualityWorst: Math.min(...quality),
    shortenedMs,
    lengthenedMs,
    perCall: outcomes.map((outcome, call) => ({
      meanDelayMs: distribution(outcome.addedDelayMs).mean,
      concealmentPct: percent(outcome.concealedTicks, outcome.windowTicks),
      quality: quality[call] ?? Number.NaN,
    })),
  };
}

function ratio(ours: StrategySummary, oracle: StrategySummary): number | null {
  return oracle.addedDelayMeanMs > 0 ? ours.addedDelayMeanMs / oracle.addedDelayMeanMs : null;
}

function percent(part: number, whole: number): number {
  return whole > 0 ? (100 * part) / whole : 0;
}
