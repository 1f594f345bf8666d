/**
 * Post-stall recovery of callwire's buffer on simulated calls:
 * `node --import tsx bench/jitter-quality/stallRecoveryMain.ts [--profile stalls] [--calls 20] [--seed 1] [--max-delay MS]`.
 * Prints the share of stalls after which the added delay is back within 20 ms of its pre-stall
 * level within 3 s of speech, and the median speech that took.
 */
import { parseArgs } from 'node:util';
import { createDecoder } from '../../codecs/createCodec.js';
import { profileByName } from '../impair/index.js';
import { fixturePaths, loadCallMedia } from './callMedia.js';
import { payloadOf, simulatedCall } from './simulatedCall.js';
import { measureStallRecovery, summarizeStallRecovery, type RecoveryShare, type StallRecoveryOutcome } from './stallRecovery.js';

const { values } = parseArgs({
  options: {
    profile: { type: 'string', default: 'stalls' },
    calls: { type: 'string', default: '20' },
    seed: { type: 'string', default: '1' },
    'max-delay': { type: 'string' },
  },
});
const profile = profileByName(values.profile);
const calls = Number(values.calls);
const seed = Number(values.seed);
const playout = values['max-delay'] === undefined ? undefined : { maxTargetMs: Number(values['max-delay']) };
if (!Number.isSafeInteger(calls) || calls < 1 || !Number.isSafeInteger(seed) || (playout !== undefined && !(playout.maxTargetMs >= 20))) {
  process.stderr.write('stall recovery: --calls must be an integer ≥ 1, --seed an integer, --max-delay a number of ms ≥ 20\n');
  process.exit(2);
}
const media = await Promise.all((await fixturePaths()).map((path) => loadCallMedia(path)));
const outcomes: StallRecoveryOutcome[] = [];
for (let call = 0; call < calls; call++) {
  // The same calls as `bench --jitter` with the same seed.
  const simulated = simulatedCall(profile, seed, call, 3000, media);
  const decoder = createDecoder(simulated.media.format);
  try {
    const { schedule, trace, grid } = simulated;
    outcomes.push(...measureStallRecovery(trace, schedule.stalls, (i) => payloadOf(simulated, i), decoder, grid, playout));
  } finally {
    decoder.close();
  }
}
const summary = summarizeStallRecovery(outcomes);
const share = (label: string, part: RecoveryShare): string =>
  `${label}: ${part.recovered} of ${part.stalls} (${part.recoveredPct.toFixed(0)} %) back within 20 ms of the pre-stall delay within 3 s of speech, median ${Number.isFinite(part.medianSpeechToRecoverMs) ? `${part.medianSpeechToRecoverMs.toFixed(0)} ms of speech` : 'not reached'}`;
process.stdout.write(
  `${profile.name}, ${calls} calls × 60 s, seed ${seed}${playout === undefined ? '' : `, max delay ${playout.maxTargetMs} ms`}: ${summary.stalls} stalls, ` +
    `${summary.undecided} left out (the next stall came within 3 s of speech)\n` +
    `  ${share('every stall', summary.all)}\n  ${share('stalls that raised the delay by more than 20 ms', summary.raised)}\n`,
);
