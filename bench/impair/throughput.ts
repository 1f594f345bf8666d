/**
 * How long building impaired schedules takes, per shipped profile, against a baseline that only
 * writes the identity schedule into fresh typed arrays (the least any schedule builder must do).
 * Projects the cost of preparing 10,000 three-minute calls.
 *
 * Run: node --expose-gc --import tsx bench/impair/throughput.ts
 */

import { Bench } from 'tinybench';
import { impairScheduleCompact } from './impairScheduleCompact.js';
import { impairSchedule } from './impairSchedule.js';
import { impairmentProfiles } from './profiles.js';
import { deriveSeed } from './random.js';

const FRAMES_PER_CALL = 9000; // three minutes of 20 ms frames
const PROJECTED_CALLS = 10_000;

/** Keeps results reachable so the JIT cannot drop the work. */
let blackhole: unknown;

function identitySchedule(frameCount: number): { atMs: Float64Array; frameIndex: Int32Array; flags: Uint8Array } {
  const atMs = new Float64Array(frameCount);
  const frameIndex = new Int32Array(frameCount);
  const flags = new Uint8Array(frameCount);
  for (let i = 0; i < frameCount; i++) {
    atMs[i] = i * 20;
    frameIndex[i] = i;
  }
  return { atMs, frameIndex, flags };
}

const bench = new Bench({ time: 800, warmupTime: 200 });
let call = 0;
bench.add('baseline: identity into typed arrays', () => {
  blackhole = identitySchedule(FRAMES_PER_CALL);
});
for (const profile of Object.values(impairmentProfiles)) {
  bench.add(`compact ${profile.name}`, () => {
    blackhole = impairScheduleCompact(FRAMES_PER_CALL, profile, deriveSeed(1, call++));
  });
}
bench.add('objects congested-4g', () => {
  blackhole = impairSchedule(FRAMES_PER_CALL, impairmentProfiles['congested-4g'], deriveSeed(1, call++));
});

await bench.run();

const meanMs = (name: string): number => {
  const result = bench.getTask(name)?.result;
  if (result === undefined || result.state !== 'completed') throw new Error(`${name}: tinybench state ${result?.state ?? 'missing'}`);
  return result.latency.mean;
};
const baselineMs = meanMs('baseline: identity into typed arrays');
console.log(`| task (one ${FRAMES_PER_CALL}-frame call) | ms per call | ns per frame | × baseline | s for ${PROJECTED_CALLS} calls |`);
console.log('|---|---|---|---|---|');
for (const task of bench.tasks) {
  const ms = meanMs(task.name);
  console.log(`| ${task.name} | ${ms.toFixed(3)} | ${((ms * 1e6) / FRAMES_PER_CALL).toFixed(0)} | ${(ms / baselineMs).toFixed(1)} | ${((ms * PROJECTED_CALLS) / 1000).toFixed(1)} |`);
}
void blackhole;
