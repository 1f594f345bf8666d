/** The Markdown summary `callwire bench` prints on stdout and writes as summary.md. */
import { loadBenchHowToRead } from './howToRead.js';
import type { BenchReport } from './reportModel.js';
import { reportTables, type ReportTable } from './reportTables.js';

/** A cell with the characters that would break a Markdown table escaped. */
function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** One table in GitHub-flavoured Markdown; emphasised rows in bold. */
export function markdownTable(table: ReportTable): string {
  const lines = [`| ${table.headers.map(cell).join(' | ')} |`, `|${table.headers.map((_, i) => (i === 0 ? ' --- ' : ' ---: ')).join('|')}|`];
  table.rows.forEach((row, index) => {
    const bold = table.emphasis.includes(index);
    lines.push(`| ${row.map((text) => (bold && text !== '' ? `**${cell(text)}**` : cell(text))).join(' | ')} |`);
  });
  return lines.join('\n');
}

/** The whole summary. */
export function markdownSummary(report: BenchReport): string {
  const { machine, settings } = report;
  const parts: string[] = [
    `# callwire bench, ${report.startedAt.slice(0, 19).replace('T', ' ')} UTC`,
    '',
    `**How to read this.** ${loadBenchHowToRead(report)}`,
    '',
    `- Machine: ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; ${machine.placement}; load average ${machine.loadAverage.start.toFixed(1)} at the start, ${machine.loadAverage.end.toFixed(1)} at the end.`,
    `- Command: \`${report.command}\``,
    `- Load: ${settings.findMax ? `--find-max from ${settings.calls} calls (≤ ${settings.maxCalls}, ≤ ${settings.maxTimeSeconds} s)` : `${(settings.callCounts ?? [settings.calls]).join(', ')} calls`}, ramp ${settings.rampSeconds} s, settle ${settings.settleSeconds} s, measured ${settings.durationSeconds} s${settings.findMax ? ' per step' : ''}; profiles ${settings.profiles.join(', ')}; seed ${settings.seed}; fixtures ${settings.fixtures.join(', ')}.`,
    `- Engine: ${settings.engine}; calls go to the echo agent (plays back what it hears 200 ms later).`,
  ];
  for (const table of reportTables(report)) {
    parts.push('', `## ${table.title}`, '', markdownTable(table));
    if (table.note !== undefined) parts.push('', table.note);
  }
  if (report.notes.length > 0) {
    parts.push('', '## Notes', '');
    for (const note of report.notes) parts.push(`- ${note}`);
  }
  return `${parts.join('\n')}\n`;
}
