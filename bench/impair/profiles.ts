/**
 * Impairment profiles: what happens to a call's inbound media between Telnyx producing frame i
 * (nominally at i × 20 ms) and the engine's WebSocket delivering it. The reasons behind each
 * number are in ./README.md.
 */

import type { DelayDistribution } from './delayDistribution.js';

/** Telnyx sends one 20 ms frame per message. */
export const DEFAULT_FRAME_MS = 20;

/** Back-to-back spacing of messages that arrive together after a stall (one TCP read, many WebSocket messages). */
export const DEFAULT_BURST_SPACING_MS = 0.05;

/**
 * Every parameter of an impairment model. Sender effects (loss, reordering, duplicates) decide
 * what Telnyx writes and in which order; network effects (base delay, jitter, stalls) decide when
 * the writes are delivered, always in write order because the transport is TCP.
 */
export interface ImpairmentProfile {
  /** Short name used on the command line (`--profile wifi`). */
  readonly name: string;
  /** One sentence on the network this stands for. */
  readonly summary: string;
  /** Constant one-way transit added to every write. A receiver cannot see it (it shifts everything). */
  readonly baseDelayMs: number;
  /** Extra per-write delay; a late write holds back every later one (head-of-line blocking). */
  readonly jitter: { readonly delay: DelayDistribution; readonly maxMs: number };
  /** Sender reordering: with `probability`, a frame is written right after frame i + d, d uniform in [1, maxDepth]. */
  readonly reorder: { readonly probability: number; readonly maxDepth: number };
  /** TCP stalls: starts form a Poisson process (`perMinute`); nothing is delivered until the stall ends, then the backlog arrives as a burst. */
  readonly stalls: { readonly perMinute: number; readonly duration: DelayDistribution; readonly maxMs: number };
  /** Minimum spacing between two deliveries; what a burst looks like. */
  readonly burstSpacingMs: number;
  /** With `probability`, a frame is written a second time, right after frame i + lag, lag uniform in [0, maxLagFrames]. */
  readonly duplicates: { readonly probability: number; readonly maxLagFrames: number };
  /** Sender loss: long-run fraction `probability` of frames never written, in bursts of mean length `meanBurstFrames` (1 = independent). */
  readonly loss: { readonly probability: number; readonly meanBurstFrames: number };
  /** With `probabilityPerCall`, the socket is destroyed (no close frame) at a uniform time within the call. */
  readonly disconnect: { readonly probabilityPerCall: number };
}

/** No impairment: frame i is delivered at exactly i × 20 ms. */
export const cleanProfile: ImpairmentProfile = {
  name: 'clean',
  summary: 'Loopback-perfect delivery: the identity schedule.',
  baseDelayMs: 0,
  jitter: { delay: { kind: 'none' }, maxMs: 0 },
  reorder: { probability: 0, maxDepth: 1 },
  stalls: { perMinute: 0, duration: { kind: 'none' }, maxMs: 0 },
  burstSpacingMs: DEFAULT_BURST_SPACING_MS,
  duplicates: { probability: 0, maxLagFrames: 0 },
  loss: { probability: 0, meanBurstFrames: 1 },
  disconnect: { probabilityPerCall: 0 },
};

/** A good home or office Wi-Fi hop: a few ms of jitter, rare short stalls. */
export const wifiProfile: ImpairmentProfile = {
  ...cleanProfile,
  name: 'wifi',
  summary: 'Good Wi-Fi: moderate normal jitter from contention and power save, rare short retransmission stalls.',
  baseDelayMs: 5,
  jitter: { delay: { kind: 'normal', meanMs: 4, sdMs: 3 }, maxMs: 60 },
  stalls: { perMinute: 0.5, duration: { kind: 'pareto', minMs: 80, shape: 2.5 }, maxMs: 300 },
};

/** A loaded mobile cell: heavy-tailed delay, some sender reordering, regular stalls, the odd drop. */
export const congested4gProfile: ImpairmentProfile = {
  ...cleanProfile,
  name: 'congested-4g',
  summary: 'Busy LTE cell with bufferbloat: heavy-tailed jitter, some reordering at the sender, stalls of a few hundred ms, occasional dropped sockets.',
  baseDelayMs: 30,
  jitter: { delay: { kind: 'pareto', minMs: 5, shape: 2 }, maxMs: 600 },
  reorder: { probability: 0.005, maxDepth: 3 },
  stalls: { perMinute: 2, duration: { kind: 'lognormal', medianMs: 250, sigma: 0.7 }, maxMs: 1500 },
  duplicates: { probability: 0.001, maxLagFrames: 2 },
  loss: { probability: 0.002, meanBurstFrames: 1 },
  disconnect: { probabilityPerCall: 0.02 },
};

/** A path dominated by long TCP stalls and the bursts that follow them. */
export const stallsProfile: ImpairmentProfile = {
  ...cleanProfile,
  name: 'stalls',
  summary: 'Frequent long head-of-line stalls (retransmission timeouts) followed by bursts; little jitter otherwise.',
  baseDelayMs: 10,
  jitter: { delay: { kind: 'normal', meanMs: 2, sdMs: 1 }, maxMs: 20 },
  stalls: { perMinute: 6, duration: { kind: 'pareto', minMs: 150, shape: 1.2 }, maxMs: 1500 },
};

/** Media that was already damaged before Telnyx wrote it: gaps, duplicates, a little reordering. */
export const lossyProfile: ImpairmentProfile = {
  ...cleanProfile,
  name: 'lossy',
  summary: 'Lossy upstream RTP leg: 3 % of frames never sent (bursts of 2), 2 % duplicated, 1 % reordered, light jitter.',
  baseDelayMs: 10,
  jitter: { delay: { kind: 'normal', meanMs: 3, sdMs: 2 }, maxMs: 40 },
  reorder: { probability: 0.01, maxDepth: 2 },
  duplicates: { probability: 0.02, maxLagFrames: 2 },
  loss: { probability: 0.03, meanBurstFrames: 2 },
};

/** A low-earth-orbit satellite link: longer base delay, lognormal jitter, short stalls at handovers. */
export const satelliteProfile: ImpairmentProfile = {
  ...cleanProfile,
  name: 'satellite',
  summary: 'LEO satellite (Starlink-like): 40 ms base delay, lognormal jitter, short stalls around satellite handovers.',
  baseDelayMs: 40,
  jitter: { delay: { kind: 'lognormal', medianMs: 10, sigma: 0.8 }, maxMs: 400 },
  stalls: { perMinute: 4, duration: { kind: 'lognormal', medianMs: 150, sigma: 0.4 }, maxMs: 600 },
};

/** Names of the shipped profiles. */
export type ImpairmentProfileName = 'clean' | 'wifi' | 'congested-4g' | 'stalls' | 'lossy' | 'satellite';

/** The shipped profiles by name, in the order reports list them. */
export const impairmentProfiles: Readonly<Record<ImpairmentProfileName, ImpairmentProfile>> = {
  clean: cleanProfile,
  wifi: wifiProfile,
  'congested-4g': congested4gProfile,
  stalls: stallsProfile,
  lossy: lossyProfile,
  satellite: satelliteProfile,
};

/** True if `name` is a shipped profile. */
export function isImpairmentProfileName(name: string): name is ImpairmentProfileName {
  return Object.hasOwn(impairmentProfiles, name);
}

/**
 * The shipped profile called `name`.
 * @throws RangeError naming the known profiles when `name` is not one of them.
 */
export function profileByName(name: string): ImpairmentProfile {
  if (!isImpairmentProfileName(name)) {
    throw new RangeError(`unknown impairment profile "${name}"; known: ${Object.keys(impairmentProfiles).join(', ')}`);
  }
  return impairmentProfiles[name];
}
