/** The self-contained HTML report (report.html): the summary's tables and the charts as inline SVG. */
import type { Chart } from './charts.js';
import type { BenchReport } from './reportModel.js';
import { reportTables, type ReportTable } from './reportTables.js';

/** `text` with HTML's special characters escaped. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function htmlTable(table: ReportTable): string {
  const head = `<tr>${table.headers.map((header) => `<th>${escapeHtml(header)}</th>`).join('')}</tr>`;
  const body = table.rows
    .map((row, index) => `<tr${table.emphasis.includes(index) ? ' class="em"' : ''}>${row.map((text) => `<td>${escapeHtml(text)}</td>`).join('')}</tr>`)
    .join('\n');
  const note = table.note === undefined ? '' : `<p class="note">${escapeHtml(table.note)}</p>`;
  return `<section><h2>${escapeHtml(table.title)}</h2><table><thead>${head}</thead><tbody>${body}</tbody></table>${note}</section>`;
}

const STYLE = `
body { font: 14px/1.45 system-ui, sans-serif; margin: 2rem auto; max-width: 1200px; padding: 0 1rem; color: #222; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; text-align: right; }
th:first-child, td:first-child { text-align: left; }
th { background: #f3f3f3; font-weight: 600; }
tr.em td { font-weight: 700; background: #fbf6e0; }
.note, figcaption { color: #555; max-width: 60rem; }
figure { margin: 1.5rem 0; } code { background: #f3f3f3; padding: 0 0.25rem; }
ul.meta { padding-left: 1.2rem; }
`;

/** The whole page. */
export function htmlReport(report: BenchReport, charts: readonly Chart[]): string {
  const { machine, settings } = report;
  const meta = [
    `Machine: ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; ${machine.placement}; load average ${machine.loadAverage.start.toFixed(1)} at the start, ${machine.loadAverage.end.toFixed(1)} at the end.`,
    `Engine: ${settings.engine}; echo agent.`,
    `Load: ramp ${settings.rampSeconds} s, settle ${settings.settleSeconds} s, measured ${settings.durationSeconds} s; profiles ${settings.profiles.join(', ')}; seed ${settings.seed}; fixtures ${settings.fixtures.join(', ')}.`,
    `Started ${report.startedAt}, finished ${report.finishedAt}.`,
  ];
  const figures = charts
    .map((chart) => `<figure><h2>${escapeHtml(chart.title)}</h2>${chart.svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`)
    .join('\n');
  const notes = report.notes.length === 0 ? '' : `<section><h2>Notes</h2><ul>${report.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>callwire bench ${escapeHtml(report.startedAt)}</title><style>${STYLE}</style></head>
<body>
<h1>callwire bench</h1>
<p><code>${escapeHtml(report.command)}</code></p>
<ul class="meta">${meta.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
${reportTables(report).map(htmlTable).join('\n')}
${figures}
${notes}
</body>
</html>
`;
}
