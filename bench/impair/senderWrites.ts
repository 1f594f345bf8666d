/**
 * The sender side of an impairment model: which frames Telnyx writes to the socket, and in which
 * order. Frames are lost before they are written, deferred past their successors (Telnyx warns that
 * media may arrive out of order) or written twice. Timing is decided later by the network pass.
 */

import { effectRandom } from './effectStreams.js';
import type { ImpairmentProfile } from './profiles.js';
import type { SeededRandom } from './random.js';

/** Flag bit: this write repeats a frame already written. */
export const WRITE_DUPLICATE = 1;
/** Flag bit: this frame was written after at least one later frame (sender reordering). Never set on duplicates. */
export const WRITE_REORDERED = 2;

// Tag of a late entry that is the frame's only write, deferred past its successors.
const DEFERRAL = 0;

/** Writes in socket order, as parallel arrays of length `count`. */
export interface SenderWrites {
  /** Number of writes. */
  readonly count: number;
  /** Original frame index of each write. */
  readonly frameIndex: Int32Array;
  /** Nominal slot at whose send time the write happens (its own index, or the frame it was deferred after). */
  readonly slot: Int32Array;
  /** {@link WRITE_DUPLICATE} | {@link WRITE_REORDERED}. */
  readonly flags: Uint8Array;
}

/**
 * Decides per frame whether the sender drops it: independent when the configured mean burst is no
 * longer than independent loss already gives (1 / (1 − p)), otherwise a two-state Gilbert chain
 * whose long-run loss fraction is still p.
 */
function lossMask(frameCount: number, probability: number, meanBurstFrames: number, random: SeededRandom): Uint8Array {
  const lost = new Uint8Array(frameCount);
  if (probability === 0) return lost;
  if (meanBurstFrames <= 1 / (1 - probability)) {
    for (let i = 0; i < frameCount; i++) lost[i] = random.bernoulli(probability) ? 1 : 0;
    return lost;
  }
  const stayLost = 1 - 1 / meanBurstFrames;
  // Stationary loss fraction enter / (enter + 1/L) = p  ⇔  enter = p / (L (1 − p)).
  const enterLoss = probability / (meanBurstFrames * (1 - probability));
  let inLoss = random.bernoulli(probability);
  for (let i = 0; i < frameCount; i++) {
    lost[i] = inLoss ? 1 : 0;
    inLoss = random.bernoulli(inLoss ? stayLost : enterLoss);
  }
  return lost;
}

/**
 * The sender's writes for `frameCount` frames under `profile`, deterministic in `seed`.
 *
 * @remarks Linear time: frames written late are chained onto the slot they follow instead of
 * sorted. Within a slot the order is the slot's own frame, then deferred frames and duplicates in
 * the order they were decided.
 */
export function planSenderWrites(frameCount: number, profile: ImpairmentProfile, seed: number): SenderWrites {
  const lost = lossMask(frameCount, profile.loss.probability, profile.loss.meanBurstFrames, effectRandom(seed, 'loss'));
  const reorderRandom = effectRandom(seed, 'reorder');
  const duplicateRandom = effectRandom(seed, 'duplicates');
  const { probability: reorderProbability, maxDepth } = profile.reorder;
  const { probability: duplicateProbability, maxLagFrames } = profile.duplicates;
  const lastSlot = frameCount - 1;

  // Late writes as singly linked lists per slot: at most one deferral and one duplicate per frame.
  const capacity = 2 * frameCount;
  const lateFrame = new Int32Array(capacity);
  const lateFlags = new Uint8Array(capacity);
  const lateNext = new Int32Array(capacity);
  const slotHead = new Int32Array(frameCount).fill(-1);
  const slotTail = new Int32Array(frameCount).fill(-1);
  const deferred = new Uint8Array(frameCount);
  let lateCount = 0;
  const appendLate = (slot: number, frame: number, flags: number): void => {
    lateFrame[lateCount] = frame;
    lateFlags[lateCount] = flags;
    lateNext[lateCount] = -1;
    const tail = slotTail[slot] ?? -1;
    if (tail < 0) slotHead[slot] = lateCount;
    else lateNext[tail] = lateCount;
    slotTail[slot] = lateCount;
    lateCount++;
  };

  for (let i = 0; i < frameCount; i++) {
    if (lost[i] === 1) continue;
    let sendSlot = i;
    if (reorderProbability > 0 && reorderRandom.bernoulli(reorderProbability)) {
      const target = Math.min(i + reorderRandom.integerBetween(1, maxDepth), lastSlot);
      if (target > i) {
        deferred[i] = 1;
        sendSlot = target;
        appendLate(target, i, DEFERRAL);
      }
    }
    if (duplicateProbability > 0 && duplicateRandom.bernoulli(duplicateProbability)) {
      appendLate(Math.min(sendSlot + duplicateRandom.integerBetween(0, maxLagFrames), lastSlot), i, WRITE_DUPLICATE);
    }
  }

  const frameIndex = new Int32Array(capacity);
  const slotOf = new Int32Array(capacity);
  const flags = new Uint8Array(capacity);
  let count = 0;
  // A deferred frame counts as reordered only if a later frame really went out first: when its
  // successors were deferred too, it is merely sent late.
  let highestWritten = -1;
  for (let slot = 0; slot < frameCount; slot++) {
    if (lost[slot] === 0 && deferred[slot] === 0) {
      frameIndex[count] = slot;
      slotOf[count] = slot;
      highestWritten = slot;
      count++;
    }
    for (let entry = slotHead[slot] ?? -1; entry >= 0; entry = lateNext[entry] ?? -1) {
      const frame = lateFrame[entry] ?? 0;
      const entryFlags = lateFlags[entry] ?? 0;
      frameIndex[count] = frame;
      slotOf[count] = slot;
      if (entryFlags === WRITE_DUPLICATE) flags[count] = WRITE_DUPLICATE;
      else if (frame < highestWritten) flags[count] = WRITE_REORDERED;
      else highestWritten = frame;
      count++;
    }
  }
  return { count, frameIndex: frameIndex.subarray(0, count), slot: slotOf.subarray(0, count), flags: flags.subarray(0, count) };
}
