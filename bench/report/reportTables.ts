/** The report's tables as plain rows of text, rendered by both the Markdown and the HTML builders. */
import type { CpuProfileSummary } from '../load/cpuProfile.js';
import type { RunMetrics } from '../load/runMetrics.js';
import type { BenchReport, FindMaxRecord, RunRecord } from './reportModel.js';

/** A table: a title, column headers, rows of cells; `emphasis` rows are ratios or verdicts. */
export interface ReportTable {
  readonly title: string;
  readonly headers: readonly string[];
  readonly rows: readonly (readonly string[])[];
  /** Indices of rows to emphasise. */
  readonly emphasis: readonly number[];
  /** A sentence under the table. */
  readonly note?: string;
}

/** What callwire is designed to sustain, checked in the report's Goals table. */
export const TARGET_CALLS_PER_CORE = 1000;
export const TARGET_PACING_P99_MS = 5;
export const TARGET_CPU_RATIO = 1.3;
export const TARGET_RSS_PER_CALL_KB = 60;

/** A number with `digits` decimals, or `–` for NaN / missing. */
export function num(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '–';
  return value.toFixed(digits);
}

function ratio(value: number | null | undefined): string {
  return value === null || value === undefined || !Number.isFinite(value) ? '–' : `${value.toFixed(2)}×`;
}

function costRow(label: string, metrics: RunMetrics): string[] {
  return [
    label,
    metrics.target,
    String(metrics.calls),
    num(metrics.cpuPercent, 1),
    num(metrics.cpuMsPerCallSecond, 3),
    num(metrics.rssPerCallKB, 0),
    num(metrics.rssMB, 0),
    `${num(metrics.loop.p50, 1)} / ${num(metrics.loop.p99, 1)} / ${num(metrics.loop.max, 1)}`,
  ];
}

/** Engine cost against the baseline, run by run. */
export function costTable(report: BenchReport): ReportTable {
  const rows: string[][] = [];
  const emphasis: number[] = [];
  for (const run of report.runs) {
    rows.push(costRow(run.label, run.callwire.metrics));
    if (run.baseline !== null) rows.push(costRow(run.label, run.baseline));
    if (run.ratios !== null) {
      emphasis.push(rows.length);
      rows.push([run.label, 'callwire ÷ baseline', '', '', ratio(run.ratios.cpuPerCallSecond), ratio(run.ratios.rssPerCall), '', `p99 ${ratio(run.ratios.loopP99)}`]);
    }
  }
  return {
    title: 'Server cost',
    headers: ['run', 'server', 'calls', 'CPU (% of a core)', 'CPU ms per call-second', 'RSS per call (KB)', 'RSS (MB)', 'event loop p50 / p99 / max (ms)'],
    rows,
    emphasis,
    note: 'CPU is user + system over the measured window (from /stats); RSS per call is (RSS at the end of the window − idle RSS) ÷ calls. Event-loop delay is what /stats reports less the monitor’s 10 ms sampling interval, which Node’s histogram includes (an idle loop reads 10 ms).',
  };
}

function qualityRow(label: string, metrics: RunMetrics): string[] {
  const pacing = metrics.pacing;
  const echo = metrics.echo;
  const jitter = metrics.jitter;
  const lost = metrics.framesLost;
  return [
    label,
    pacing === null ? '–' : `${num(pacing.p50, 2)} / ${num(pacing.p99, 2)} / ${num(pacing.max, 1)}`,
    pacing === null ? '–' : `${pacing.underruns} / ${pacing.extraSpurts} / ${pacing.unscored}`,
    echo === null ? '–' : `${num(echo.p50, 0)} / ${num(echo.p95, 0)} / ${num(echo.p99, 0)}`,
    jitter === null ? '–' : `${num(jitter.addedDelayMeanMs, 1)} / ${num(jitter.addedDelayP95MaxMs, 0)}`,
    jitter === null ? '–' : `${num(jitter.concealmentPercent, 2)} %`,
    jitter === null ? '–' : String(jitter.underruns),
    lost === null ? '–' : `${lost.lost} of ${lost.eligible} (${num(lost.percent, 2)} %)`,
    String(metrics.endings.abnormal),
  ];
}

/** What callers heard, run by run. */
export function qualityTable(report: BenchReport): ReportTable {
  return {
    title: 'What the caller gets (callwire)',
    headers: [
      'run',
      'outbound pacing error p50 / p99 / max (ms)',
      'Telnyx underruns / gaps > 100 ms / not timed',
      'echo round trip − 200 ms p50 / p95 / p99 (ms)',
      'jitter buffer added delay mean / p95 max (ms)',
      'concealment',
      'jitter-buffer underruns',
      'frames lost (never echoed)',
      'calls ended abnormally',
    ],
    rows: report.runs.map((run) => qualityRow(run.label, run.callwire.metrics)),
    emphasis: [],
    note: 'Pacing error: |arrival − ideal| of each outbound message, ideal = first arrival of the talk spurt + audio sent before it − 20 ms; a Telnyx underrun is a message that arrived after the audio before it had played; gaps count new talk spurts over whole calls; “not timed” are messages read right after the generator itself stalled. Echo: when Telnyx plays the echoed frame (arrival, or later when audio is queued before it) − send − the echo bot’s 200 ms, so it holds the jitter buffer’s delay, the outbound prebuffer and the pacing lead. Jitter figures come from /stats over the run’s ended calls.',
  };
}

/** The generator's own load and punctuality. */
export function generatorTable(report: BenchReport): ReportTable {
  const rows: string[][] = [];
  const add = (label: string, metrics: RunMetrics): void => {
    rows.push([label, metrics.target, num(metrics.generator.cpuPercent, 0), `${num(metrics.generator.lateP50, 2)} / ${num(metrics.generator.lateP99, 2)} / ${num(metrics.generator.lateMax, 1)}`, num(metrics.generator.loopP99, 1), String(metrics.generator.mediaSent), num(metrics.machineLoad, 1)]);
  };
  for (const run of report.runs) {
    add(run.label, run.callwire.metrics);
    if (run.baseline !== null) add(run.label, run.baseline);
  }
  for (const search of report.findMax) for (const step of search.steps) add(`find-max ${search.profile} ${step.calls}`, step.run.metrics);
  return {
    title: 'Load generator (its own core)',
    headers: ['run', 'server', 'generator CPU (% of its core)', 'send lateness p50 / p99 / max (ms)', 'generator event loop p99 (ms)', 'media frames sent', 'machine load (1 min)'],
    rows,
    emphasis: [],
    note: 'Send lateness: how long after its scheduled time a frame left (in the measured window). Above 50 % CPU or 5 ms p99 the generator, not the engine, may be what the figures show. Machine load: the 1-minute load average at the end of the window; the engine and the generator account for up to 2 of it, anything above is other work competing for the cores.',
  };
}

/** The steps of one `--find-max` search. */
export function findMaxTable(search: FindMaxRecord): ReportTable {
  const rows = search.steps.map((step) => {
    const m = step.run.metrics;
    return [
      String(step.calls),
      step.held ? 'held' : 'failed',
      num(m.pacing?.p99, 2),
      num(m.loop.p99, 1),
      num(m.cpuPercent, 0),
      num(m.cpuMsPerCallSecond, 3),
      num(m.rssPerCallKB, 0),
      num(m.echo?.p95, 0),
      `${num(m.jitter?.concealmentPercent, 2)} %`,
      num(m.generator.cpuPercent, 0),
      num(m.generator.lateP99, 2),
      step.reason,
    ];
  });
  const emphasis = search.steps.flatMap((step, index) => (step.calls === search.maxHeld ? [index] : []));
  const max = search.maxHeld === null ? 'no step held' : `${search.maxHeld} calls held on ${search.engineCores} engine core${search.engineCores === 1 ? '' : 's'}: ${Math.floor(search.maxHeld / search.engineCores)} per core`;
  return {
    title: `Find max (${search.profile}${search.engineWorkers === undefined ? '' : `, --workers ${search.engineWorkers}`})`,
    headers: ['calls', 'verdict', 'pacing p99 (ms)', 'event loop p99 (ms)', 'CPU (% core)', 'CPU ms per call-second', 'RSS per call (KB)', 'echo p95 (ms)', 'concealment', 'generator CPU %', 'generator late p99 (ms)', 'why'],
    rows,
    emphasis,
    note: `${max}. Stopped: ${search.stoppedBecause}.${baselineNote(search)}`,
  };
}

function baselineNote(search: FindMaxRecord): string {
  if (search.baseline === null || search.ratios === null) return '';
  const b = search.baseline;
  return ` Bare echo baseline at ${b.calls} calls: ${num(b.cpuPercent, 0)} % CPU, ${num(b.cpuMsPerCallSecond, 3)} ms per call-second, ${num(b.rssPerCallKB, 0)} KB per call, event loop p99 ${num(b.loop.p99, 1)} ms; callwire ÷ baseline: CPU ${ratio(search.ratios.cpuPerCallSecond)}, RSS ${ratio(search.ratios.rssPerCall)}, event loop p99 ${ratio(search.ratios.loopP99)}.`;
}

/** The design goals against what this invocation measured. */
export function targetsTable(report: BenchReport): ReportTable {
  const rows: string[][] = [];
  for (const search of report.findMax) {
    const atTarget = search.maxHeldAtTarget;
    const perCore = atTarget === null ? null : Math.floor(atTarget / search.engineCores);
    rows.push([
      `≥ ${TARGET_CALLS_PER_CORE} PCMU echo calls per core with pacing p99 ≤ ${TARGET_PACING_P99_MS} ms (${search.profile})`,
      perCore === null ? 'no step met it' : `${perCore} calls per core`,
      perCore !== null && perCore >= TARGET_CALLS_PER_CORE ? 'met' : 'missed',
    ]);
    if (search.ratios !== null && search.maxHeld !== null) {
      rows.push([
        `engine CPU ≤ ${TARGET_CPU_RATIO}× the bare echo at the max (${search.profile}, ${search.maxHeld} calls)`,
        `${num(search.ratios.cpuPerCallSecond, 2)}×`,
        search.ratios.cpuPerCallSecond <= TARGET_CPU_RATIO ? 'met' : 'missed',
      ]);
    }
  }
  for (const run of report.runs) {
    if (run.ratios === null) continue;
    rows.push([`engine CPU ≤ ${TARGET_CPU_RATIO}× the bare echo (${run.label})`, `${num(run.ratios.cpuPerCallSecond, 2)}×`, run.ratios.cpuPerCallSecond <= TARGET_CPU_RATIO ? 'met' : 'missed']);
    const pacing = run.callwire.metrics.pacing;
    if (pacing !== null) rows.push([`pacing p99 ≤ ${TARGET_PACING_P99_MS} ms (${run.label})`, `${num(pacing.p99, 2)} ms`, pacing.p99 <= TARGET_PACING_P99_MS ? 'met' : 'missed']);
    const rss = run.callwire.metrics.rssPerCallKB;
    rows.push([`RSS ≤ ${TARGET_RSS_PER_CALL_KB} KB per call (${run.label})`, `${num(rss, 0)} KB`, rss <= TARGET_RSS_PER_CALL_KB ? 'met' : 'missed']);
  }
  for (const added of rssPerAddedCall(report.runs)) {
    rows.push([
      `RSS ≤ ${TARGET_RSS_PER_CALL_KB} KB per added call (${added.profile}, ${added.fewer} → ${added.more} calls)`,
      added.baselineKB === null ? `${num(added.callwireKB, 0)} KB` : `${num(added.callwireKB, 0)} KB (bare echo ${num(added.baselineKB, 0)} KB)`,
      added.callwireKB <= TARGET_RSS_PER_CALL_KB ? 'met' : 'missed',
    ]);
  }
  return { title: 'Goals', headers: ['goal', 'measured', 'verdict'], rows, emphasis: [] };
}

/** RSS that each call beyond the fewest adds, between the fewest and the most calls run on one profile. */
interface AddedCallRss {
  readonly profile: string;
  readonly fewer: number;
  readonly more: number;
  readonly callwireKB: number;
  readonly baselineKB: number | null;
}

/**
 * What each added call costs in RSS, from the end-of-window RSS of the smallest and the largest run
 * of a profile: unlike RSS per call (over the idle engine), it leaves out what the first calls cost
 * once (compiled code, the heap's first growth), which a small run spreads over few calls.
 */
function rssPerAddedCall(runs: readonly RunRecord[]): AddedCallRss[] {
  // Only the ends matter: the run with the fewest calls of each profile and the one with the most.
  const ends = new Map<string, { fewest: RunRecord; most: RunRecord }>();
  for (const run of runs) {
    const { profile, calls } = run.callwire.metrics;
    const seen = ends.get(profile);
    if (seen === undefined) {
      ends.set(profile, { fewest: run, most: run });
      continue;
    }
    if (calls < seen.fewest.callwire.metrics.calls) seen.fewest = run;
    if (calls >= seen.most.callwire.metrics.calls) seen.most = run;
  }
  const result: AddedCallRss[] = [];
  for (const [profile, { fewest, most }] of ends) {
    const added = most.callwire.metrics.calls - fewest.callwire.metrics.calls;
    if (added <= 0) continue;
    const perAdded = (more: RunMetrics, fewer: RunMetrics): number => ((more.rssMB - fewer.rssMB) * 1024) / added;
    result.push({
      profile,
      fewer: fewest.callwire.metrics.calls,
      more: most.callwire.metrics.calls,
      callwireKB: perAdded(most.callwire.metrics, fewest.callwire.metrics),
      baselineKB: most.baseline !== null && fewest.baseline !== null ? perAdded(most.baseline, fewest.baseline) : null,
    });
  }
  return result;
}

function percent(share: number): string {
  return `${(share * 100).toFixed(1)} %`;
}

/** The engine's top functions by self time over a run's measured window, with GC and areas in the note. */
export function profileTable(label: string, profile: CpuProfileSummary): ReportTable {
  const areas = profile.topAreas
    .slice(0, 8)
    .map((area) => `${area.name} ${percent(area.share)}`)
    .join(', ');
  return {
    title: `Engine CPU profile (${label})`,
    headers: ['function (self time)', 'ms', 'share of busy time'],
    rows: profile.topFunctions.map((entry) => [entry.name, num(entry.selfMs, 0), percent(entry.share)]),
    emphasis: [],
    note: `Busy ${num(profile.busyMs, 0)} ms of ${num(profile.sampledMs, 0)} ms sampled in the measured window (node --cpu-prof, which itself costs CPU, up to a fifth more near saturation: read the shares, not the absolute times); garbage collection ${percent(profile.gcShare)} of busy time, work outside JavaScript functions ("(program)": native code, the event loop) ${percent(profile.programShare)}. By area: ${areas}.`,
  };
}

/** Every table of the report, in reading order. */
export function reportTables(report: BenchReport): ReportTable[] {
  const tables: ReportTable[] = [];
  if (report.runs.length > 0) tables.push(costTable(report), qualityTable(report));
  for (const run of report.runs) {
    const profile = run.callwire.cpuProfile;
    if (profile !== undefined && profile !== null) tables.push(profileTable(run.label, profile));
  }
  for (const search of report.findMax) tables.push(findMaxTable(search));
  const targets = targetsTable(report);
  if (targets.rows.length > 0) tables.push(targets);
  tables.push(generatorTable(report));
  return tables;
}
