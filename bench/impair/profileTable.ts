/**
 * Prints the "what each profile does" table of ./README.md: statistics over many seeded
 * three-minute calls per shipped profile, so the table can be regenerated after a profile changes.
 *
 * Run: node --import tsx bench/impair/profileTable.ts [calls=200] [seed=2024]
 */

import { impairSchedule } from './impairSchedule.js';
import { impairmentProfiles } from './profiles.js';
import { deriveSeed } from './random.js';
import { summarizeSchedule } from './summarizeSchedule.js';
import { median } from '../support/quantiles.js';

const FRAMES_PER_CALL = 9000;
const FIXED_DELAY_MS = 200;
const calls = Number(process.argv[2] ?? 200);
const runSeed = Number(process.argv[3] ?? 2024);

const percent = (fraction: number): string => `${(100 * fraction).toFixed(2)} %`;

console.log(`${calls} calls × 3 min per profile, run seed ${runSeed}; call c uses deriveSeed(${runSeed}, c).\n`);
console.log(`| profile | late at ${FIXED_DELAY_MS} ms fixed | lateness p95 / p99 (median call) | longest gap | missing | duplicates | reordered | disconnected calls |`);
console.log('|---|---|---|---|---|---|---|---|');
for (const [name, profile] of Object.entries(impairmentProfiles)) {
  let late = 0;
  let delivered = 0;
  let missing = 0;
  let duplicates = 0;
  let reordered = 0;
  let disconnected = 0;
  let longestGap = 0;
  const p95: number[] = [];
  const p99: number[] = [];
  for (let call = 0; call < calls; call++) {
    const schedule = impairSchedule(FRAMES_PER_CALL, profile, deriveSeed(runSeed, call));
    // Frames after a disconnect were never due, so they are not counted as missing.
    const due = schedule.disconnectAtMs === undefined ? FRAMES_PER_CALL : Math.min(FRAMES_PER_CALL, Math.ceil(schedule.disconnectAtMs / schedule.frameMs));
    const summary = summarizeSchedule(schedule.deliveries, { fixedDelayMs: FIXED_DELAY_MS, frameCount: due });
    late += summary.lateFrames;
    delivered += summary.framesDelivered;
    missing += summary.missingFrames;
    duplicates += summary.duplicates;
    reordered += summary.reordered;
    if (schedule.disconnectAtMs !== undefined) disconnected++;
    longestGap = Math.max(longestGap, summary.maxGapMs);
    p95.push(summary.latenessP95Ms);
    p99.push(summary.latenessP99Ms);
  }
  console.log(
    `| ${name} | ${percent(late / delivered)} | ${median(p95).toFixed(0)} / ${median(p99).toFixed(0)} ms | ${longestGap.toFixed(0)} ms | ` +
      `${percent(missing / (delivered + missing))} | ${percent(duplicates / delivered)} | ${percent(reordered / delivered)} | ${disconnected}/${calls} |`,
  );
}
