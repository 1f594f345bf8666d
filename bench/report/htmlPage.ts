/** A self-contained HTML report page: a how-to-read paragraph, facts about the run, tables, inline SVG charts and notes. */
import type { Chart } from './charts.js';
import type { ReportTable } from './reportTables.js';

/** What one report page shows, in reading order. */
export interface ReportPage {
  /** The page's heading, e.g. `callwire bench`. */
  readonly heading: string;
  /** When the run started (ISO 8601), in the browser tab's title. */
  readonly startedAt: string;
  /** The command as typed. */
  readonly command: string;
  /** One paragraph telling a reader what was measured and which figures matter. */
  readonly howToRead: string;
  /** Facts about the machine and the run, one line each. */
  readonly facts: readonly string[];
  readonly tables: readonly ReportTable[];
  readonly charts: readonly Chart[];
  /** Warnings and things people should know when reading the numbers. */
  readonly notes: readonly string[];
}

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
.how-to-read { max-width: 60rem; background: #f4f7fb; border-left: 3px solid #7a9cc6; padding: 0.5rem 0.75rem; }
figure { margin: 1.5rem 0; } code { background: #f3f3f3; padding: 0 0.25rem; }
ul.meta { padding-left: 1.2rem; }
`;

/** The whole page. */
export function htmlPage(page: ReportPage): string {
  const figures = page.charts
    .map((chart) => `<figure><h2>${escapeHtml(chart.title)}</h2>${chart.svg}<figcaption>${escapeHtml(chart.caption)}</figcaption></figure>`)
    .join('\n');
  const notes = page.notes.length === 0 ? '' : `<section><h2>Notes</h2><ul>${page.notes.map((note) => `<li>${escapeHtml(note)}</li>`).join('')}</ul></section>`;
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(page.heading)} ${escapeHtml(page.startedAt)}</title><style>${STYLE}</style></head>
<body>
<h1>${escapeHtml(page.heading)}</h1>
<p class="how-to-read"><strong>How to read this.</strong> ${escapeHtml(page.howToRead)}</p>
<p><code>${escapeHtml(page.command)}</code></p>
<ul class="meta">${page.facts.map((line) => `<li>${escapeHtml(line)}</li>`).join('')}</ul>
${page.tables.map(htmlTable).join('\n')}
${figures}
${notes}
</body>
</html>
`;
}
