/** The HTML report of `bench --jitter`: the tables and one delay-against-concealment chart per profile. */
import type { JitterBenchReport, ProfileReport } from './jitterReport.js';
import { QUALITY_NOTE, STRATEGY_LABELS } from './jitterMarkdown.js';
import type { StrategyName } from './playoutOutcome.js';
import { escapeXml, niceStep, scatterSvg, type ScatterSeries } from './scatterSvg.js';

/** A colour per strategy (colour-blind-safe Okabe–Ito palette). */
export const STRATEGY_COLORS: Readonly<Record<StrategyName, string>> = {
  callwire: '#0072B2',
  'fixed-200': '#E69F00',
  oracle: '#009E73',
  'oracle-same-concealment': '#56B4E9',
  'oracle-1pct': '#CC79A7',
  'no-buffer': '#D55E00',
};

/** The chart of one profile. */
export function profileChart(profile: ProfileReport): string {
  let yMax = 1;
  let xMax = 50;
  const series: ScatterSeries[] = profile.strategies.map((summary) => {
    const points = summary.perCall.map((call) => ({ x: call.meanDelayMs, y: call.concealmentPct }));
    for (const point of points) {
      yMax = Math.max(yMax, point.y);
      xMax = Math.max(xMax, point.x);
    }
    return { label: STRATEGY_LABELS[summary.strategy], color: STRATEGY_COLORS[summary.strategy], points, summary: { x: summary.addedDelayMeanMs, y: summary.concealmentPct } };
  });
  // Top the y axis at a labelled tick.
  yMax = [1, 3, 10, 30, 100].find((tick) => tick >= yMax) ?? 100;
  const step = niceStep(xMax, 4);
  return scatterSvg({ title: profile.profile, series, xMaxMs: Math.ceil(xMax / step) * step, yMaxPct: yMax, referencePct: profile.senderLossPct + 1, width: 380, height: 280 });
}

function table(profiles: readonly ProfileReport[]): string {
  const rows = profiles.flatMap((profile) =>
    profile.strategies.map(
      (summary, index) =>
        `<tr>${index === 0 ? `<th rowspan="${profile.strategies.length}">${escapeXml(profile.profile)}</th>` : ''}<td><span class="dot" style="background:${STRATEGY_COLORS[summary.strategy]}"></span>${escapeXml(STRATEGY_LABELS[summary.strategy])}</td><td>${summary.addedDelayMeanMs.toFixed(1)}</td><td>${summary.addedDelayP95Ms.toFixed(1)}</td><td>${summary.concealmentPct.toFixed(2)}</td><td>${summary.latePct.toFixed(2)}</td><td>${summary.qualityMean.toFixed(2)}</td><td>${summary.qualityWorst.toFixed(2)}</td></tr>`,
    ),
  );
  return `<table><thead><tr><th>profile</th><th>strategy</th><th>delay mean (ms)</th><th>delay p95 (ms)</th><th>concealment (%)</th><th>late (%)</th><th>speech quality mean (1–5)</th><th>speech quality, worst call</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

/** The whole page. */
export function jitterHtml(report: JitterBenchReport): string {
  const legend = (Object.keys(STRATEGY_COLORS) as StrategyName[])
    .map((name) => `<span class="legend"><span class="dot" style="background:${STRATEGY_COLORS[name]}"></span>${escapeXml(STRATEGY_LABELS[name])}</span>`)
    .join(' ');
  const { machine } = report;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>callwire bench --jitter</title>
<style>
body{font-family:sans-serif;max-width:1180px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:nth-child(2),th[rowspan]{text-align:left}
.dot{display:inline-block;width:10px;height:10px;border-radius:50%;margin-right:5px}.legend{margin-right:1em;white-space:nowrap}
.charts{display:flex;flex-wrap:wrap;gap:8px}code{background:#f4f4f4;padding:1px 4px}
</style></head><body>
<h1>Jitter-buffer quality</h1>
<p><code>${escapeXml(report.command)}</code></p>
<p>${machine.cpus} CPUs, ${escapeXml(machine.cpu)}, Node ${escapeXml(machine.node)}, ${escapeXml(machine.platform)}. ${report.callsPerProfile} calls × ${(report.durationMs / 1000).toFixed(0)} s per profile, seed ${report.seed}; audio: ${escapeXml(report.media.join(', '))}; callwire's buffer: ${escapeXml(report.callwireSettings)}.</p>
<p>Each chart: mean added delay against concealment, per call (small dots) and pooled over the profile (large dots); the dashed line marks 1 % concealment above the sender's own loss (one tick in a hundred made up by the buffer although the sender sent its audio). The y axis is logarithmic above 0.1 %.</p>
<p>${legend}</p>
<div class="charts">${report.profiles.map((profile) => profileChart(profile)).join('\n')}</div>
${table(report.profiles)}
<p>Added delay: playout tick − (send time + the trace's fastest transit). Concealment: ticks between the first and the last played frame that carried no frame where one was due, over those ticks. Late: delivered frames never played because of their timing, over delivered frames.</p>
<p>${escapeXml(QUALITY_NOTE)}</p>
</body></html>
`;
}
