/**
 * The impaired delivery schedule of one call's inbound media, as plain objects: the form reports,
 * tests and the jitter comparison read. The bench's load generator can use the compact form
 * ({@link impairScheduleCompact}) to keep thousands of calls' schedules small.
 */

import {
  impairScheduleCompact,
  WRITE_DUPLICATE,
  WRITE_REORDERED,
  type CompactSchedule,
  type ImpairScheduleOptions,
  type StallWindow,
} from './impairScheduleCompact.js';
import type { ImpairmentProfile } from './profiles.js';

/** One WebSocket message as the engine receives it. */
export interface Delivery {
  /** Delivery time, ms from call start (the sender's frame 0 is nominally sent at 0). */
  readonly atMs: number;
  /** Index of the original frame (frame i carries audio from i × frameMs); gaps mean sender loss. */
  readonly frameIndex: number;
  /** True for the second copy of a frame the sender wrote twice. */
  readonly duplicate: boolean;
  /** True when the sender wrote this frame after a later one. */
  readonly reordered: boolean;
}

/** A call's impaired inbound schedule. */
export interface ImpairedSchedule {
  /** Frames in the original call. */
  readonly frameCount: number;
  /** Nominal frame spacing used. */
  readonly frameMs: number;
  /** Deliveries sorted by time (strictly increasing `atMs`). */
  readonly deliveries: readonly Delivery[];
  /** Stalls that held back deliveries, in time order. */
  readonly stalls: readonly StallWindow[];
  /** When the socket is destroyed without a close frame; absent if the call ends normally. */
  readonly disconnectAtMs?: number;
}

/** The object form of a compact schedule. */
export function expandSchedule(compact: CompactSchedule): ImpairedSchedule {
  const deliveries: Delivery[] = new Array<Delivery>(compact.count);
  for (let i = 0; i < compact.count; i++) {
    const flags = compact.flags[i] ?? 0;
    deliveries[i] = {
      atMs: compact.atMs[i] ?? 0,
      frameIndex: compact.frameIndex[i] ?? 0,
      duplicate: (flags & WRITE_DUPLICATE) !== 0,
      reordered: (flags & WRITE_REORDERED) !== 0,
    };
  }
  const base = { frameCount: compact.frameCount, frameMs: compact.frameMs, deliveries, stalls: compact.stalls };
  return compact.disconnectAtMs === undefined ? base : { ...base, disconnectAtMs: compact.disconnectAtMs };
}

/**
 * What the engine's WebSocket delivers when Telnyx sends `frameCount` frames through `profile`,
 * deterministic in `seed` (use `deriveSeed(runSeed, callIndex)` for one seed per call).
 *
 * @remarks Deliveries are in write order (TCP); only frames the sender reordered, and duplicates,
 * appear out of frame order. See {@link impairScheduleCompact} for the model.
 * @throws RangeError if the profile, frame count, frame spacing or seed is invalid.
 * @example
 * const { deliveries, disconnectAtMs } = impairSchedule(9000, profileByName('congested-4g'), 7);
 */
export function impairSchedule(frameCount: number, profile: ImpairmentProfile, seed: number, options: ImpairScheduleOptions = {}): ImpairedSchedule {
  return expandSchedule(impairScheduleCompact(frameCount, profile, seed, options));
}
