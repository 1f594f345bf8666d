import { impairmentProfiles } from '../impair/profiles.js';

/** Usage of `callwire bench --jitter`, kept apart so `callwire help` need not load the bench. */
export const JITTER_BENCH_USAGE = `  callwire bench --jitter [--profile a,b] [--seed N] [--calls N] [--duration S]
                 [--fixtures FILE,FILE | --synthetic] [--max-delay MS] [--out DIR] [--json]
      Jitter-buffer quality, offline on simulated time: for each impairment profile (default all:
      ${Object.keys(impairmentProfiles).join(', ')}) and N seeded calls (default 20 of 60 s), runs the same
      impaired arrival trace through callwire's playout buffer, a fixed 200 ms buffer, the offline
      oracles (smallest fixed delay with callwire's late frames / concealment / ≤ 1 % late) and no
      buffer, and prints added delay, concealment, late frames and a speech-quality score (1–5,
      the audio each one played against the clean speech) per profile (Markdown; --json: JSON). Audio: the speech fixtures in bench/fixtures (or --fixtures, or a synthetic talker).
      --max-delay sets callwire's largest target delay (media.jitter.maxDelayMs; default 300).
      --out DIR writes report.html (charts of delay against concealment) and report.json.`;
