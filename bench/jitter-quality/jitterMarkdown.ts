/** The Markdown summary of `bench --jitter`. */
import type { JitterBenchReport, ProfileReport } from './jitterReport.js';
import type { StrategyName } from './playoutOutcome.js';

/** What the speech-quality column measures, for the Markdown and the HTML. */
export const QUALITY_NOTE =
  'Speech quality: an objective proxy, not PESQ or POLQA. Each strategy\'s audio (callwire\'s as emitted; the others\' played frames decoded, their empty ticks concealed as callwire conceals) is compared with the clean decoded speech in mel bands, window by window, aligned by the frames played (a time-stretched frame where it starts in the source) and robust to shifts of a few ms and to cut or repeated pitch periods; 5 = identical, lower as more of the speech is missing or replaced.';

/** How each strategy is described in the tables. */
export const STRATEGY_LABELS: Readonly<Record<StrategyName, string>> = {
  callwire: 'callwire',
  'fixed-200': 'fixed 200 ms',
  oracle: 'oracle, same late frames',
  'oracle-same-concealment': 'oracle, same concealment',
  'oracle-1pct': 'oracle, ≤ 1 % late',
  'no-buffer': 'no buffer',
};

const pct = (value: number): string => `${value.toFixed(2)} %`;
const ms = (value: number): string => value.toFixed(1);
const quality = (value: number): string => value.toFixed(2);
const ratio = (value: number | null): string => (value === null ? 'n/a' : `${value.toFixed(2)}×`);

/** The results table: one row per profile and strategy; `callwireSettings` qualifies callwire's label. */
export function strategyTable(profiles: readonly ProfileReport[], callwireSettings = 'defaults'): string {
  const lines = [
    '| profile | strategy | added delay mean / p95 (ms) | concealment | late | speech quality mean / worst call (1–5) | quiet frames dropped / silent ticks inserted | time-stretching cut / added (s) |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |',
  ];
  for (const profile of profiles) {
    profile.strategies.forEach((summary, index) => {
      const name = index === 0 ? `**${profile.profile}**` : '';
      const adaptive = summary.strategy === 'callwire' ? `${summary.droppedQuiet} / ${summary.insertedTicks}` : '';
      const stretched = summary.strategy === 'callwire' ? `${(summary.shortenedMs / 1000).toFixed(1)} / ${(summary.lengthenedMs / 1000).toFixed(1)}` : '';
      const label = summary.strategy === 'callwire' ? `**callwire** (PlayoutStage, ${callwireSettings})` : STRATEGY_LABELS[summary.strategy];
      lines.push(
        `| ${name} | ${label} | ${ms(summary.addedDelayMeanMs)} / ${ms(summary.addedDelayP95Ms)} | ${pct(summary.concealmentPct)} | ${pct(summary.latePct)} | ${quality(summary.qualityMean)} / ${quality(summary.qualityWorst)} | ${adaptive} | ${stretched} |`,
      );
    });
  }
  return lines.join('\n');
}

/** callwire against what the sender lost and against the best fixed delays, per profile. */
export function comparisonTable(profiles: readonly ProfileReport[]): string {
  const lines = [
    '| profile | sender loss | audio callwire made up although the sender sent it (concealment beyond the sender\'s loss) | callwire\'s mean delay ÷ the best fixed delay with as many late frames | ÷ the best fixed delay with as much concealment |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const { profile, senderLossPct, comparison } of profiles) {
    lines.push(
      `| ${profile} | ${pct(senderLossPct)} | ${pct(comparison.excessConcealmentPct)} | ${ratio(comparison.ratioToOracle)} | ${ratio(comparison.ratioToSameConcealmentOracle)} |`,
    );
  }
  return lines.join('\n');
}

const points = (value: number): string => `${value >= 0 ? '+' : '−'}${Math.abs(value).toFixed(2)}`;

/**
 * callwire against the fixed 200 ms buffer, per profile, with two bounds from the whole call known
 * in advance: how far the best fixed delay with as many late frames as the fixed buffer could beat it,
 * and the fixed delay that keeps late frames to 1 %.
 */
export function fixedBufferTable(profiles: readonly ProfileReport[]): string {
  const lines = [
    '| profile | fixed 200 ms ÷ callwire, mean delay | callwire\'s concealment − the fixed buffer\'s (points) | fixed 200 ms ÷ the best fixed delay with as many late frames | the best fixed delay with ≤ 1 % late frames (ms) |',
    '| --- | ---: | ---: | ---: | ---: |',
  ];
  for (const { profile, comparison, strategies } of profiles) {
    const of = (name: StrategyName) => strategies.find((summary) => summary.strategy === name);
    const callwire = of('callwire');
    const fixed = of('fixed-200');
    const concealmentGap = callwire !== undefined && fixed !== undefined ? callwire.concealmentPct - fixed.concealmentPct : Number.NaN;
    lines.push(
      `| ${profile} | ${ratio(comparison.fixedOverCallwire)} | ${points(concealmentGap)} | ${ratio(comparison.fixedOverBestMatch)} | ${ms(of('oracle-1pct')?.addedDelayMeanMs ?? Number.NaN)} |`,
    );
  }
  return lines.join('\n');
}

/** The whole summary printed on stdout. */
export function jitterMarkdown(report: JitterBenchReport): string {
  const { machine } = report;
  return `${[
    '# Jitter-buffer quality (callwire bench --jitter)',
    '',
    `- Command: \`${report.command}\``,
    `- Machine: ${machine.cpus} CPUs, ${machine.cpu}, Node ${machine.node}, ${machine.platform}; ${(report.elapsedMs / 1000).toFixed(1)} s`,
    `- ${report.callsPerProfile} calls × ${(report.durationMs / 1000).toFixed(0)} s per profile, seed ${report.seed}; audio: ${report.media.join(', ')}`,
    '- Added delay: playout tick − (send time + the trace\'s fastest transit). Concealment: ticks between the first and the last played frame that carried no frame where one was due / those ticks. Late: delivered frames never played because of their timing / delivered frames. All strategies play on the same 20 ms tick grid (phase drawn per call).',
    `- ${QUALITY_NOTE}`,
    '',
    strategyTable(report.profiles, report.callwireSettings),
    '',
    comparisonTable(report.profiles),
    '',
    fixedBufferTable(report.profiles),
  ].join('\n')}\n`;
}
