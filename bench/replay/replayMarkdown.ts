/** The Markdown summary `callwire replay` prints. */
import type { Distribution } from '../support/quantiles.js';
import type { ReplayReport } from './replayReport.js';

const ms = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(1)} ms`);
const spread = (d: Distribution): string =>
  d.count === 0 ? 'n/a' : `${d.p50.toFixed(1)} / ${d.p99.toFixed(1)} / ${d.max.toFixed(1)} ms (n = ${d.count})`;
const counts = (byEvent: Readonly<Record<string, number>>): string =>
  Object.entries(byEvent)
    .sort((a, b) => b[1] - a[1])
    .map(([event, count]) => `${event} ${count}`)
    .join(', ') || 'none';

/** Renders `report`; `wavPath` is mentioned when the audio was written. */
export function replayMarkdown(report: ReplayReport, wavPath?: string): string {
  const { sent, received, marks, clears, close, timing, audio } = report;
  const lines = [
    `# Replay of \`${report.callId}\``,
    '',
    `- Target: \`${report.url}\` (the capture's serviceHost: \`${report.serviceHost}\`), speed ${report.speed}×`,
    `- Closed: ${close.code}${close.reason === '' ? '' : ` "${close.reason}"`} by the ${close.by} at ${ms(close.atMs)}`,
    '',
    '| | |',
    '| --- | --- |',
    `| sent | ${sent.messages} messages (${counts(sent.byEvent)})${sent.notSent > 0 ? `; ${sent.notSent} not sent (socket closed first)` : ''}${sent.skippedMarkEchoes > 0 ? `; ${sent.skippedMarkEchoes} captured mark echoes left out` : ''} |`,
    `| schedule lateness p50 / p99 / max | ${spread(sent.scheduleLatenessMs)} |`,
    `| received | ${received.messages} messages (${counts(received.byEvent)})${received.capturedOutbound > 0 ? `; the capture recorded ${received.capturedOutbound}` : ''} |`,
    `| audio received | ${received.audioMs.toFixed(0)} ms in ${received.media} media messages, ${audio.encoding} ${audio.sampleRate} Hz (${audio.samples} samples decoded)${wavPath === undefined ? '' : `, written to \`${wavPath}\``} |`,
    `| marks | ${marks.sent} sent by the engine: ${marks.echoedPlayed} echoed after playing, ${marks.echoedByClear} by a clear, ${marks.pending} never echoed |`,
    `| clears | ${clears.count}${clears.count > 0 ? ` at ${clears.atMs.map((at) => at.toFixed(0)).join(', ')} ms` : ''} |`,
    `| first audio back after first media sent | ${ms(timing.firstAudioAfterFirstMediaMs)} (first media sent at ${ms(timing.firstMediaSentAtMs)}) |`,
    `| outbound inter-arrival p50 / p99 / max | ${spread(timing.interArrivalMs)} |`,
    `| \\|inter-arrival − audio carried\\| p50 / p99 / max | ${spread(timing.pacingDeviationMs)} |`,
    `| playout gaps within talk spurts | ${timing.playoutGaps} (${timing.playoutGapMs.toFixed(1)} ms in all) |`,
  ];
  if (received.violations.length > 0) {
    lines.push('', `**${received.violations.length} frames Telnyx would reject:**`, '');
    for (const violation of received.violations.slice(0, 20)) lines.push(`- ${violation}`);
  }
  if (marks.list.length > 0) {
    lines.push('', '| mark | received | echoed | wait | how |', '| --- | ---: | ---: | ---: | --- |');
    for (const mark of marks.list.slice(0, 50)) {
      const echoed = mark.echoedAtMs;
      lines.push(
        `| ${mark.name} | ${mark.receivedAtMs.toFixed(1)} ms | ${echoed === undefined ? '—' : `${echoed.toFixed(1)} ms`} | ${echoed === undefined ? '—' : `${(echoed - mark.receivedAtMs).toFixed(1)} ms`} | ${echoed === undefined ? 'pending' : mark.byClear === true ? 'clear' : 'played'} |`,
      );
    }
    if (marks.list.length > 50) lines.push(`| … ${marks.list.length - 50} more | | | | |`);
  }
  return `${lines.join('\n')}\n`;
}
