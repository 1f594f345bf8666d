/**
 * The goals every attack is judged by: what a concurrent good call keeps, what the engine process
 * costs and answers, and whether it comes back to its idle size afterwards.
 */
import type { ScenarioResult } from './scenarioResult.js';
import type { HealthFigures } from './runFigures.js';

/** The goal figures. */
export const GOALS = {
  /** Audio of the good call heard back, at least (%). */
  audioKeptPercent: 95,
  /** Longest silence in the good call's audio as Telnyx plays it, at most (ms). */
  maxGapMs: 100,
  /** Engine resident memory, below (MB). */
  peakRssMb: 300,
  /** Engine log written over the run, below (MB). */
  logMb: 20,
  /** Every `/healthz` probe answered within (ms). */
  healthzMs: 100,
  /** RSS after the recovery wait, at most this many times the idle RSS. */
  rssAfterToIdle: 2,
} as const;

/** Each goal: passed, failed, or (undefined) not applicable to this attack. */
export interface GoalVerdicts {
  readonly attackRan: boolean;
  readonly audio: boolean;
  readonly gap: boolean;
  readonly callSurvived: boolean;
  readonly engineAlive: boolean;
  readonly rss: boolean;
  readonly log: boolean;
  readonly healthz: boolean;
  /** Undefined when the engine has no admin listener. */
  readonly adminHealthz: boolean | undefined;
  readonly recovery: boolean;
  /** webhook-replay only: the replayed event was not handled a second time. */
  readonly replayRefused: boolean | undefined;
}

/** How the goals read in the report, by key. */
export const GOAL_LABELS: Readonly<Record<keyof GoalVerdicts, string>> = {
  attackRan: 'attack ran',
  audio: `audio kept ≥ ${GOALS.audioKeptPercent} %`,
  gap: `no gap over ${GOALS.maxGapMs} ms at Telnyx`,
  callSurvived: 'good call kept',
  engineAlive: 'engine alive',
  rss: `RSS under ${GOALS.peakRssMb} MB`,
  log: `log under ${GOALS.logMb} MB`,
  healthz: `/healthz under ${GOALS.healthzMs} ms`,
  adminHealthz: `admin /healthz under ${GOALS.healthzMs} ms`,
  recovery: `RSS after ≤ ${GOALS.rssAfterToIdle}× idle`,
  replayRefused: 'replay not handled twice',
};

/** Judges one scenario against {@link GOALS}. */
export function judge(result: ScenarioResult): GoalVerdicts {
  const { engine, goodCall } = result;
  const replay = (result.attack?.extra as { replay?: { status: number; answer: string } } | undefined)?.replay;
  return {
    attackRan: result.attackError === undefined,
    audio: goodCall !== undefined && goodCall.keptPercent >= GOALS.audioKeptPercent,
    gap: goodCall !== undefined && goodCall.maxSilenceMs <= GOALS.maxGapMs,
    callSurvived: goodCall?.survived === true,
    engineAlive: engine.alive,
    rss: engine.peakRssMb !== undefined && engine.peakRssMb < GOALS.peakRssMb,
    log: engine.logMb < GOALS.logMb,
    healthz: healthWithinGoal(engine.healthz),
    adminHealthz: engine.adminHealthz === undefined ? undefined : healthWithinGoal(engine.adminHealthz),
    recovery: engine.rssAfterToIdle !== undefined && engine.rssAfterToIdle <= GOALS.rssAfterToIdle,
    // Handled twice means a 200 that is not `duplicate`; a refusal (e.g. a stale signature) is fine.
    replayRefused: result.scenario === 'webhook-replay' ? replay !== undefined && !(replay.status === 200 && replay.answer !== 'duplicate') : undefined,
  };
}

/** The goals `verdicts` failed, as labels; empty when every goal passed. */
export function failedGoals(verdicts: GoalVerdicts): string[] {
  return (Object.keys(verdicts) as (keyof GoalVerdicts)[]).filter((key) => verdicts[key] === false).map((key) => GOAL_LABELS[key]);
}

function healthWithinGoal(health: HealthFigures): boolean {
  return health.probes > 0 && health.failures === 0 && (health.maxMs ?? Infinity) < GOALS.healthzMs;
}
