/**
 * The report's charts, as Vega-Lite specs rendered to SVG in Node (vega's headless View, no
 * canvas or browser needed): CPU against calls, the pacing-error distribution, and the delay the
 * jitter buffer adds, over time and per run.
 */
import { parse, View } from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import type { BenchReport, CallwireRun } from './reportModel.js';

/** A rendered chart. */
export interface Chart {
  readonly title: string;
  readonly caption: string;
  readonly svg: string;
}

const WIDTH = 560;
const HEIGHT = 260;

/**
 * Tick labels of quantitative axes: at most 6 significant digits, trailing zeros trimmed,
 * thousands grouped (`0.5`, `20`, `1,500`). Vega's default derives the decimals from the tick
 * step, which for a single value (one run) is zero and prints `20.000000`.
 */
export const NUMBER_AXIS = { format: ',~r' } as const;

/** Renders a Vega-Lite spec to an SVG document string. */
export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new View(parse(compile(spec).spec), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}

/** Callwire runs worth charting: the plain runs, else the find-max steps. */
function chartedRuns(report: BenchReport): { label: string; run: CallwireRun }[] {
  const runs = report.runs.map((record) => ({ label: record.label, run: record.callwire }));
  if (runs.length > 0) return runs;
  return report.findMax.flatMap((search) => search.steps.map((step) => ({ label: `${search.profile} ${step.calls} calls`, run: step.run })));
}

/** Server CPU against concurrent calls, callwire and baseline. */
export function cpuVsCallsSpec(report: BenchReport): TopLevelSpec {
  const values: { calls: number; cpu: number; server: string }[] = [];
  for (const search of report.findMax) {
    for (const step of search.steps) values.push({ calls: step.calls, cpu: step.run.metrics.cpuPercent, server: `callwire (${search.profile})` });
    if (search.baseline !== null) values.push({ calls: search.baseline.calls, cpu: search.baseline.cpuPercent, server: `bare echo (${search.profile})` });
  }
  for (const record of report.runs) {
    values.push({ calls: record.callwire.metrics.calls, cpu: record.callwire.metrics.cpuPercent, server: `callwire (${record.callwire.metrics.profile})` });
    if (record.baseline !== null) values.push({ calls: record.baseline.calls, cpu: record.baseline.cpuPercent, server: `bare echo (${record.baseline.profile})` });
  }
  values.sort((a, b) => a.calls - b.calls);
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', point: true },
    encoding: {
      x: { field: 'calls', type: 'quantitative', title: 'concurrent calls', scale: { zero: true }, axis: NUMBER_AXIS },
      y: { field: 'cpu', type: 'quantitative', title: 'server CPU (% of one core)', scale: { zero: true }, axis: NUMBER_AXIS },
      color: { field: 'server', type: 'nominal', title: null, legend: { labelLimit: 280 } },
    },
  };
}

/** Share of outbound messages per 0.5 ms of pacing error. */
export function pacingDistributionSpec(report: BenchReport): TopLevelSpec {
  const values: { run: string; errorMs: number; share: number }[] = [];
  for (const { label, run } of chartedRuns(report)) {
    const total = run.pacingBins.counts.reduce((sum, count) => sum + count, 0);
    if (total === 0) continue;
    run.pacingBins.counts.forEach((count, index) => values.push({ run: label, errorMs: index * run.pacingBins.widthMs, share: (count / total) * 100 }));
  }
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line', interpolate: 'step-after' },
    encoding: {
      x: { field: 'errorMs', type: 'quantitative', title: 'outbound pacing error (ms; last step: everything above)', axis: NUMBER_AXIS },
      y: { field: 'share', type: 'quantitative', title: 'messages (%)', scale: { type: 'sqrt' }, axis: NUMBER_AXIS },
      color: { field: 'run', type: 'nominal', title: null, legend: { labelLimit: 280 } },
    },
  };
}

/** Echo round trip beyond the bot's delay, p50 and p95 per second. */
export function delayOverTimeSpec(report: BenchReport): TopLevelSpec {
  const values: { run: string; t: number; ms: number; series: string }[] = [];
  for (const { label, run } of chartedRuns(report)) {
    for (const point of run.timeline) {
      if (point.echoP50 === 0 && point.echoP95 === 0) continue;
      values.push({ run: label, t: point.t, ms: point.echoP50, series: 'p50' }, { run: label, t: point.t, ms: point.echoP95, series: 'p95' });
    }
  }
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'line' },
    encoding: {
      x: { field: 't', type: 'quantitative', title: 'seconds since the run started', axis: NUMBER_AXIS },
      y: { field: 'ms', type: 'quantitative', title: 'echo round trip − 200 ms (ms)', axis: NUMBER_AXIS },
      color: { field: 'run', type: 'nominal', title: null, legend: { labelLimit: 280 } },
      strokeDash: { field: 'series', type: 'nominal', title: null },
    },
  };
}

/** The jitter buffer's added delay (mean, and the largest per-call p95) per run or step, from /stats. */
export function jitterDelaySpec(report: BenchReport): TopLevelSpec {
  const values: { run: string; ms: number; figure: string }[] = [];
  for (const { label, run } of chartedRuns(report)) {
    const jitter = run.metrics.jitter;
    if (jitter === null) continue;
    values.push({ run: label, ms: jitter.addedDelayMeanMs, figure: 'mean' }, { run: label, ms: jitter.addedDelayP95MaxMs, figure: 'p95 of the worst call' });
  }
  return {
    width: WIDTH,
    height: HEIGHT,
    data: { values },
    mark: { type: 'bar' },
    encoding: {
      x: { field: 'run', type: 'nominal', title: null, sort: null, axis: { labelAngle: -20 } },
      xOffset: { field: 'figure', type: 'nominal' },
      y: { field: 'ms', type: 'quantitative', title: 'added delay (ms)', axis: NUMBER_AXIS },
      color: { field: 'figure', type: 'nominal', title: null, legend: { labelLimit: 280 } },
    },
  };
}

/** Every chart of the report, rendered. */
export async function renderCharts(report: BenchReport): Promise<Chart[]> {
  return [
    {
      title: 'CPU against calls',
      caption: 'Server CPU (user + system, % of one core) over the measured window. With --find-max each callwire point is a step; the bare echo is measured at the largest count that held.',
      svg: await renderSvg(cpuVsCallsSpec(report)),
    },
    {
      title: 'Outbound pacing error',
      caption: 'Distribution of |arrival − ideal| of the engine’s outbound media messages as the simulated Telnyx saw them (square-root scale).',
      svg: await renderSvg(pacingDistributionSpec(report)),
    },
    {
      title: 'Delay over time',
      caption: 'Echo round trip minus the echo bot’s 200 ms, per second (p50 solid, p95 dashed): the inbound jitter buffer’s delay plus the outbound prebuffer and lead. The engine reports its jitter buffers only when calls end, so this is the over-time view.',
      svg: await renderSvg(delayOverTimeSpec(report)),
    },
    {
      title: 'Jitter-buffer added delay',
      caption: 'From the engine’s /stats after the run: mean added delay over all playout ticks, and the largest per-call 95th percentile.',
      svg: await renderSvg(jitterDelaySpec(report)),
    },
  ];
}
