/**
 * What `callwire bench --soak` found, and its reports: results.json is a {@link SoakReport};
 * summary.md and report.html use the load bench's table and page renderers.
 */
import type { TopLevelSpec } from 'vega-lite';
import { NUMBER_AXIS, renderSvg, type Chart } from '../report/charts.js';
import { htmlPage } from '../report/htmlPage.js';
import { markdownTable } from '../report/markdownSummary.js';
import type { MachineInfo } from '../report/reportModel.js';
import { num, type ReportTable } from '../report/reportTables.js';

/** One memory sample of the engine under soak, taken right after a full garbage collection. */
export interface SoakSample {
  readonly atSeconds: number;
  readonly callsEnded: number;
  readonly activeCalls: number;
  readonly heapMb: number;
  readonly rssMb: number;
}

/** Everything one soak found; `results.json` is this object. */
export interface SoakReport {
  readonly version: 1;
  /** The command as typed, for copying. */
  readonly command: string;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly machine: MachineInfo;
  readonly durationSeconds: number;
  readonly concurrency: number;
  readonly callSeconds: number;
  readonly sampleSeconds: number;
  readonly warmupSeconds: number;
  readonly callsCompleted: number;
  readonly callsFailed: number;
  readonly failureReasons: Readonly<Record<string, number>>;
  readonly engineAlive: boolean;
  readonly heapMbPerMinuteAfterWarmup: number;
  /** Trend of the lowest heap sample of each minute: what climbs when something leaks. */
  readonly heapFloorMbPerMinuteAfterWarmup: number;
  readonly rssMbPerMinuteAfterWarmup: number;
  readonly heapMbRangeAfterWarmup: readonly [number, number] | null;
  readonly rssMbRangeAfterWarmup: readonly [number, number] | null;
  readonly samples: readonly SoakSample[];
}

/** The paragraph at the top of a soak report. */
export const SOAK_HOW_TO_READ =
  'The soak runs short echo calls back to back against one engine process for a long time, to find leaks: memory that grows with the number of calls handled. ' +
  'Each sample is taken right after a full garbage collection, so the heap figure is memory still in use. ' +
  'After the warm-up (code compiled, buffer pools filled) the heap floor, the lowest sample of each minute, should stay flat: a steady climb of the floor while calls keep completing is a leak, while a heap that rises and falls around a flat floor is normal. ' +
  'RSS follows the heap loosely, as the allocator returns memory to the system lazily, so judge by the heap floor. A failed call or an engine that died fails the run.';

function mbRange(range: readonly [number, number] | null): string {
  return range === null ? '–' : `${num(range[0], 1)} – ${num(range[1], 1)}`;
}

/** Calls, failures and whether the engine survived. */
export function soakOutcomeTable(report: SoakReport): ReportTable {
  const reasons = Object.entries(report.failureReasons);
  return {
    title: 'Outcome',
    headers: ['', 'value'],
    rows: [
      ['calls completed', String(report.callsCompleted)],
      ['calls failed', reasons.length === 0 ? String(report.callsFailed) : `${report.callsFailed} (${reasons.map(([reason, count]) => `${reason}: ${count}`).join(', ')})`],
      ['engine at the end', report.engineAlive ? 'alive' : 'died'],
    ],
    emphasis: [...(report.callsFailed > 0 ? [1] : []), ...(report.engineAlive ? [] : [2])],
  };
}

/** Memory trends after the warm-up. */
export function soakMemoryTable(report: SoakReport): ReportTable {
  return {
    title: `Memory after the ${num(report.warmupSeconds, 0)} s warm-up`,
    headers: ['', 'trend (MB per minute)', 'range (MB)'],
    rows: [
      ['heap floor (lowest sample each minute)', num(report.heapFloorMbPerMinuteAfterWarmup, 3), '–'],
      ['heap', num(report.heapMbPerMinuteAfterWarmup, 3), mbRange(report.heapMbRangeAfterWarmup)],
      ['RSS', num(report.rssMbPerMinuteAfterWarmup, 3), mbRange(report.rssMbRangeAfterWarmup)],
    ],
    emphasis: [0],
    note: 'Trends are least-squares slopes over the samples taken after the warm-up; the heap floor is the one to judge a leak by.',
  };
}

/** Every sample. */
export function soakSamplesTable(report: SoakReport): ReportTable {
  return {
    title: 'Samples',
    headers: ['seconds', 'calls ended', 'active calls', 'heap (MB)', 'RSS (MB)'],
    rows: report.samples.map((sample) => [num(sample.atSeconds, 0), String(sample.callsEnded), String(sample.activeCalls), num(sample.heapMb, 1), num(sample.rssMb, 1)]),
    emphasis: [],
  };
}

/** The soak's tables, in reading order. */
export function soakTables(report: SoakReport): ReportTable[] {
  return [soakOutcomeTable(report), soakMemoryTable(report), soakSamplesTable(report)];
}

/** Heap and RSS against time. */
export function soakMemorySpec(report: SoakReport): TopLevelSpec {
  const values: { t: number; mb: number; series: string }[] = [];
  for (const sample of report.samples) values.push({ t: sample.atSeconds, mb: sample.heapMb, series: 'heap' }, { t: sample.atSeconds, mb: sample.rssMb, series: 'RSS' });
  return {
    width: 560,
    height: 260,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since the soak started', axis: NUMBER_AXIS },
      y: { field: 'mb', type: 'quantitative', title: 'MB', scale: { zero: true }, axis: NUMBER_AXIS },
      color: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** Calls ended against time: a line that flattens means the engine stopped taking calls. */
export function soakCallsSpec(report: SoakReport): TopLevelSpec {
  return {
    width: 560,
    height: 200,
    data: { values: report.samples.map((sample) => ({ t: sample.atSeconds, calls: sample.callsEnded })) },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since the soak started', axis: NUMBER_AXIS },
      y: { field: 'calls', type: 'quantitative', title: 'calls ended', scale: { zero: true }, axis: NUMBER_AXIS },
    },
  };
}

/** The soak's charts, rendered. */
export async function renderSoakCharts(report: SoakReport): Promise<Chart[]> {
  return [
    {
      title: 'Memory over time',
      caption: `Heap in use (after a full collection) and resident set size, every ${num(report.sampleSeconds, 0)} s. After the ${num(report.warmupSeconds, 0)} s warm-up the heap's low points should stay level.`,
      svg: await renderSvg(soakMemorySpec(report)),
    },
    {
      title: 'Calls ended over time',
      caption: 'Calls the engine had ended at each sample: a straight climb means it kept taking calls at the same rate.',
      svg: await renderSvg(soakCallsSpec(report)),
    },
  ];
}

function facts(report: SoakReport): string[] {
  const { machine } = report;
  return [
    `Machine: ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; ${machine.placement}; load average ${machine.loadAverage.start.toFixed(1)} at the start, ${machine.loadAverage.end.toFixed(1)} at the end.`,
    `Load: ${num(report.durationSeconds, 0)} s of ${report.concurrency} concurrent ${num(report.callSeconds, 1)} s echo calls; a sample every ${num(report.sampleSeconds, 0)} s; warm-up ${num(report.warmupSeconds, 0)} s.`,
    `Started ${report.startedAt}, finished ${report.finishedAt}.`,
  ];
}

/** The Markdown summary, printed on stdout and written as summary.md. */
export function soakMarkdown(report: SoakReport): string {
  const parts = [`# callwire soak, ${report.startedAt.slice(0, 19).replace('T', ' ')} UTC`, '', `**How to read this.** ${SOAK_HOW_TO_READ}`, '', `- Command: \`${report.command}\``];
  for (const fact of facts(report)) parts.push(`- ${fact}`);
  for (const table of soakTables(report)) {
    parts.push('', `## ${table.title}`, '', markdownTable(table));
    if (table.note !== undefined) parts.push('', table.note);
  }
  return `${parts.join('\n')}\n`;
}

/** The self-contained HTML report, written as report.html. */
export function soakHtml(report: SoakReport, charts: readonly Chart[]): string {
  return htmlPage({
    heading: 'callwire soak',
    startedAt: report.startedAt,
    command: report.command,
    howToRead: SOAK_HOW_TO_READ,
    facts: facts(report),
    tables: soakTables(report),
    charts,
    notes: [],
  });
}
