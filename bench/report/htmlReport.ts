/** The load bench's self-contained HTML report (report.html): the summary's tables and the charts as inline SVG. */
import type { Chart } from './charts.js';
import { loadBenchHowToRead } from './howToRead.js';
import { htmlPage } from './htmlPage.js';
import type { BenchReport } from './reportModel.js';
import { reportTables } from './reportTables.js';

/** The whole page. */
export function htmlReport(report: BenchReport, charts: readonly Chart[]): string {
  const { machine, settings } = report;
  return htmlPage({
    heading: 'callwire bench',
    startedAt: report.startedAt,
    command: report.command,
    howToRead: loadBenchHowToRead(report),
    facts: [
      `Machine: ${machine.nproc} cores (${machine.cpuModel}), Node ${machine.node}, ${machine.platform}; ${machine.placement}; load average ${machine.loadAverage.start.toFixed(1)} at the start, ${machine.loadAverage.end.toFixed(1)} at the end.`,
      `Engine: ${settings.engine}; echo agent.`,
      `Load: ramp ${settings.rampSeconds} s, settle ${settings.settleSeconds} s, measured ${settings.durationSeconds} s; profiles ${settings.profiles.join(', ')}; seed ${settings.seed}; fixtures ${settings.fixtures.join(', ')}.`,
      `Started ${report.startedAt}, finished ${report.finishedAt}.`,
    ],
    tables: reportTables(report),
    charts,
    notes: report.notes,
  });
}
