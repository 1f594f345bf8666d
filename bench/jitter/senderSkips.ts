/**
 * Sender-skipped frames: a stream whose `sequence_number` and `media.chunk` stay contiguous while
 * `media.timestamp` jumps over the frames the sender never sent (loss before Telnyx, DTX). Plays it
 * with and without the timestamp, so the second row of each pair is what a buffer that orders and
 * times frames by sequence number alone makes of the same stream. Simulated time, deterministic.
 *
 * 30 s of speech (2 s on, 1 s off), 20 ms transit plus 0–40 ms uniform jitter.
 *
 * Run: `node --import tsx bench/jitter/senderSkips.ts`
 */
import { playSenderSkips, senderSkipsTrace } from '../../codecs/jitter/fixtures/senderSkips.js';

const FRAMES = 1500; // 30 s
/** Speech 2 s, pause 1 s: the pauses are where the playout stage moves its delay toward the target. */
const PAUSES = true;
const JITTER_MS = 40;

const lines = [
  '| sender skips | timestamp step | time axis | skipped | concealed | lost | underruns | concealment gaps (ticks) | playout delay per 5 s: first → last (min–max) | added delay mean / p95 | final target |',
  '| ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: |',
];
for (const skipFraction of [0, 0.05]) {
  for (const timestampStep of [160, 20]) {
    for (const withoutTimestamp of [false, true]) {
      if (withoutTimestamp && timestampStep !== 160) continue;
      const stream = senderSkipsTrace({ frames: FRAMES, skipFraction, timestampStep, withoutTimestamp, pauses: PAUSES, jitterMs: JITTER_MS });
      const run = playSenderSkips(stream);
      const delays = run.windowDelaysMs;
      const { stats } = run;
      lines.push(
        `| ${(skipFraction * 100).toFixed(0)} % | ${withoutTimestamp ? '–' : timestampStep} | ${withoutTimestamp ? 'sequence number' : 'timestamp'} | ${stream.skipped} | ${stats.concealedFrames} | ${stats.lost} | ${stats.underruns} | ${run.gaps} (${run.gapTicks}) | ${delays[0]!.toFixed(0)} → ${delays.at(-1)!.toFixed(0)} ms (${Math.min(...delays).toFixed(0)}–${Math.max(...delays).toFixed(0)}) | ${stats.addedDelayMeanMs.toFixed(1)} / ${stats.addedDelayP95Ms} ms | ${stats.targetDelayMs.toFixed(0)} ms |`,
      );
    }
  }
}
process.stdout.write(`${lines.join('\n')}\n`);
