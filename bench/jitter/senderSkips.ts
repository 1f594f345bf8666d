/**
 * Sender-skipped frames: a stream whose `sequence_number` and `media.chunk` stay contiguous while
 * `media.timestamp` jumps over the frames the sender never sent (loss before Telnyx, DTX). Plays it
 * with and without the timestamp, so the "sequence number" rows are what a buffer that orders and
 * times frames by sequence number alone makes of the same stream. Simulated time, deterministic.
 * 30 s of speech (2 s on, 1 s off), 20 ms transit plus uniform jitter.
 *
 * Run: `node --import tsx bench/jitter/senderSkips.ts`
 */
import { playSenderSkips, senderSkipsTrace } from '../../codecs/jitter/fixtures/senderSkips.js';

const FRAMES = 1500; // 30 s

interface Case {
  readonly skipFraction: number;
  readonly jitterMs: number;
  /** `media.timestamp` units per frame, or undefined to leave the timestamp out. */
  readonly timestampStep: number | undefined;
}

const cases: Case[] = [];
for (const [skipFraction, jitterMs] of [
  [0, 40],
  [0.05, 40],
  [0.05, 150],
] as const) {
  for (const timestampStep of skipFraction === 0.05 && jitterMs === 40 ? [160, 20, undefined] : [160, undefined]) cases.push({ skipFraction, jitterMs, timestampStep });
}

const lines = [
  '| sender skips | jitter | time axis (timestamp step) | skipped | lost | concealed | late | underruns | concealment gaps (ticks) | playout delay per 5 s: first → last (min–max) | added delay mean / p95 | final target |',
  '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
];
for (const { skipFraction, jitterMs, timestampStep } of cases) {
  const stream = senderSkipsTrace({
    frames: FRAMES,
    skipFraction,
    pauses: true,
    jitterMs,
    ...(timestampStep === undefined ? { withoutTimestamp: true } : { timestampStep }),
  });
  const run = playSenderSkips(stream);
  const delays = run.windowDelaysMs;
  const { stats } = run;
  lines.push(
    `| ${(skipFraction * 100).toFixed(0)} % | 0–${jitterMs} ms | ${timestampStep === undefined ? 'sequence number' : `timestamp (${timestampStep})`} | ${stream.skipped} | ${stats.lost} | ${stats.concealedFrames} | ${stats.late} | ${stats.underruns} | ${run.gaps} (${run.gapTicks}) | ${delays[0]!.toFixed(0)} → ${delays.at(-1)!.toFixed(0)} ms (${Math.min(...delays).toFixed(0)}–${Math.max(...delays).toFixed(0)}) | ${stats.addedDelayMeanMs.toFixed(1)} / ${stats.addedDelayP95Ms} ms | ${stats.targetDelayMs.toFixed(0)} ms |`,
  );
}
process.stdout.write(`${lines.join('\n')}\n`);
