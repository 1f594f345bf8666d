/** The Markdown report of `callwire bench --abuse`: one row per attack, goal by goal. */
import { GOALS, failedGoals, judge } from './goals.js';
import { total } from './progressLine.js';
import type { HealthFigures } from './runFigures.js';
import type { ScenarioResult } from './scenarioResult.js';

/** How the run was set up, for the report's header. */
export interface RunDescription {
  /** ISO date and time the run started. */
  readonly startedAt: string;
  /** How the engine was started. */
  readonly engineCommand: string;
  readonly durationSeconds: number;
  readonly recoverySeconds: number;
  readonly sourceAddresses: number;
  /** Cores, CPU model, Node, platform, load average. */
  readonly machine: string;
  readonly pinning: string;
}

const FAIL = ' ✗';

/** `value` with thousands separators and `digits` decimals. */
export function formatNumber(value: number, digits = 0): string {
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

/** `{"429": 12, "503": 3}` as `429 ×12, 503 ×3`, or `–` for none. */
export function formatCounts(counts: Readonly<Record<string, number>>): string {
  const entries = Object.entries(counts).sort((a, b) => b[1] - a[1]);
  return entries.length === 0 ? '–' : entries.map(([key, n]) => `${key} ×${formatNumber(n)}`).join(', ');
}

const mark = (text: string, pass: boolean): string => (pass ? text : `${text}${FAIL}`);
const orDash = (value: number | undefined, digits = 0): string => (value === undefined ? '–' : formatNumber(value, digits));

const healthText = (health: HealthFigures): string => `${orDash(health.maxMs)} / ${orDash(health.p99Ms)}, ${formatNumber(health.failures)} of ${formatNumber(health.probes)} failed`;

/** The goals row of one scenario. */
function goalRow(result: ScenarioResult): string {
  const verdicts = judge(result);
  const { engine, goodCall } = result;
  const health = engine.healthz;
  const engineState = engine.alive ? 'alive' : `died at ${formatNumber(engine.diedAtSeconds ?? 0)} s`;
  const cells = [
    result.scenario,
    mark(goodCall === undefined ? '–' : `${formatNumber(goodCall.keptPercent, 1)} %`, verdicts.audio),
    mark(goodCall === undefined ? '–' : formatNumber(goodCall.maxSilenceMs), verdicts.gap),
    goodCall === undefined ? '–' : formatNumber(goodCall.maxGapMs),
    mark(goodCall?.survived === true ? 'kept' : 'dropped', verdicts.callSurvived),
    mark(engineState, verdicts.engineAlive),
    mark(orDash(engine.peakRssMb), verdicts.rss),
    mark(`${orDash(engine.rssAfterMb)} / ${orDash(engine.idleRssMb)} (${engine.rssAfterToIdle === undefined ? '–' : `${formatNumber(engine.rssAfterToIdle, 2)}×`})`, verdicts.recovery),
    mark(formatNumber(engine.logMb, 1), verdicts.log),
    mark(healthText(health), verdicts.healthz),
    engine.adminHealthz === undefined ? '–' : mark(healthText(engine.adminHealthz), verdicts.adminHealthz === true),
    `${orDash(engine.peakFds)} (idle ${orDash(engine.idleFds)})`,
    failedGoals(verdicts).join('; ') || 'none',
  ];
  return `| ${cells.join(' | ')} |`;
}

/** What the attack's own report adds, in words. */
function attackSpecifics(result: ScenarioResult): string {
  const extra = (result.attack?.extra ?? {}) as Record<string, unknown>;
  const parts: string[] = [];
  if (typeof extra['frameBytes'] === 'number') parts.push(`largest frame ${formatNumber(extra['frameBytes'])} bytes`);
  if (Array.isArray(extra['heldOverTime'])) {
    const held = (extra['heldOverTime'] as { held: number }[]).map((sample) => sample.held);
    parts.push(`held at most ${formatNumber(Math.max(0, ...held))} at once, ${formatNumber(held.at(-1) ?? 0)} at the end, by ${String(extra['workers'])} workers`);
  }
  if (typeof extra['abortedMidBody'] === 'number') parts.push(`${formatNumber(extra['abortedMidBody'])} given up mid-body; engine answers: ${formatCounts(extra['answeredByStatus'] as Record<string, number>)}`);
  if (typeof extra['eventsSent'] === 'number') {
    const replay = extra['replay'] as { status: number; answer: string; treatedAsDuplicate: boolean; secondsAfterFirst: number } | undefined;
    const replayText =
      replay === undefined ? 'no replay sent' : `replay ${formatNumber(replay.secondsAfterFirst)} s after the first: HTTP ${replay.status} \`${replay.answer}\`${replay.treatedAsDuplicate ? ' (recognised)' : replay.status === 200 ? ' (handled twice)' : ''}`;
    parts.push(`${formatNumber(extra['eventsSent'])} events, ${formatNumber(Number(extra['eventsAccepted']))} handled; ${replayText}`);
  }
  if (result.attackError !== undefined) parts.push(`attack failed: ${result.attackError}`);
  return parts.join('; ') || '–';
}

/** The attacks table row of one scenario. */
function attackRow(result: ScenarioResult): string {
  const attack = result.attack;
  const cells =
    attack === undefined
      ? [result.scenario, formatNumber(result.attackSeconds), '–', '–', '–', '–', '–', '–']
      : [
          result.scenario,
          formatNumber(result.attackSeconds),
          `${formatNumber(attack.connectionsOpened)} (peak ${formatNumber(attack.peakOpen)} open)`,
          formatCounts(attack.refusedByStatus),
          formatCounts(attack.closedByEngine),
          formatCounts(attack.connectErrors),
          formatNumber(attack.messagesSent),
          formatNumber(attack.bytesSent / 1e6, 1),
        ];
  return `| ${[...cells, attackSpecifics(result)].join(' | ')} |`;
}

/** The whole report. */
export function formatAbuseReport(results: readonly ScenarioResult[], run: RunDescription): string {
  const stalls = results.filter((result) => result.benchStallMaxMs > 50);
  const lines = [
    `## Abuse bench, ${run.startedAt}`,
    '',
    `Engine: ${run.engineCommand}, default configuration plus one agent with a stream auth token and a Telnyx webhook public key; a fresh engine for every attack. ` +
      `Each attack ran up to ${formatNumber(run.durationSeconds)} s from its own process, spread over ${formatNumber(run.sourceAddresses)} loopback source addresses, ` +
      `while one good echo call (127.0.0.1, started before the attack) streamed 20 ms PCMU frames; RSS after = ${formatNumber(run.recoverySeconds)} s after the attack. ${run.pinning}`,
    `Machine: ${run.machine}.`,
    '',
    `Goals (✗ marks a miss): audio kept ≥ ${GOALS.audioKeptPercent} %, no gap over ${GOALS.maxGapMs} ms in the good call's audio as Telnyx plays it (each message after what it holds; the pause between messages is given beside it), the good call kept, ` +
      `engine alive, RSS under ${GOALS.peakRssMb} MB, log under ${GOALS.logMb} MB, every /healthz (probed once a second on a new connection, 2 s timeout) under ${GOALS.healthzMs} ms, ` +
      `on the public port and, when the engine has one, on its admin listener (–: it has none), ` +
      `RSS after ≤ ${GOALS.rssAfterToIdle}× idle; for webhook-replay also that the replayed event is not handled twice.`,
    '',
    '| attack | audio kept | longest gap at Telnyx (ms) | longest pause between messages (ms) | good call | engine | peak RSS (MB) | RSS after / idle (MB) | log (MB) | /healthz max / p99 (ms), failed | admin /healthz max / p99 (ms), failed | peak fds | goals missed |',
    '| --- | ---: | ---: | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...results.map(goalRow),
    '',
    '| attack | ran (s) | connections opened | refused (HTTP status) | closed by engine (close code) | connect errors | messages sent | MB sent | details |',
    '| --- | ---: | ---: | --- | --- | --- | ---: | ---: | --- |',
    ...results.map(attackRow),
    '',
    ...results.map((result) => `- ${result.scenario}: ${result.summary}.`),
  ];
  if (stalls.length > 0) {
    lines.push('', `Note: the bench's own event loop stalled during ${stalls.map((result) => `${result.scenario} (${formatNumber(result.benchStallMaxMs)} ms)`).join(', ')}; gaps up to that long may be the bench's, not the engine's.`);
  }
  return `${lines.join('\n')}\n`;
}

/** True when every scenario met every goal. */
export function allGoalsMet(results: readonly ScenarioResult[]): boolean {
  return results.every((result) => failedGoals(judge(result)).length === 0);
}
