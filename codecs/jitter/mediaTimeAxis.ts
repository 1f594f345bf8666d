import type { MediaPacket } from '../../engine/telnyx/frames.js';
import { SERIAL32 } from './serial.js';
import { TimestampStep } from './timestampStep.js';

/** Frames remembered by their place in the sequence: more than a restart is behind (100 frames); a power of two. */
const RECENT_FRAMES = 128;
/** How far before a frame the nearest earlier frame with a timestamp is looked for. */
const TIMESTAMP_LOOKBACK = 16;
const HALF_SERIAL32 = SERIAL32 / 2;
/** Where the timestamp of the frame being keyed sits, after the remembered frames' ones. */
const INCOMING = RECENT_FRAMES;
/** Where the timestamp of the frame keyed last sits (for a rebase on it). */
const LAST = RECENT_FRAMES + 1;

/**
 * Turns each frame's place in the sequence (`order`: its sequence number or chunk, counted from the
 * stream's first frame) and its `media.timestamp` into a key on the media-time axis: keys count 20 ms
 * slots, so a frame the sender never sent (lost before Telnyx, or DTX) leaves a key unused even
 * though Telnyx numbers the frames around it consecutively, and a number used by a control frame
 * that was not noted leaves none.
 *
 * @remarks The sequence number orders frames and tells copies apart; the timestamp only places them
 * in time. Each new frame is keyed from its nearest already-keyed neighbours (a small ring of recent
 * frames): its key is the nearest earlier timestamped frame's plus the timestamp distance in steps when
 * the step is trusted ({@link TimestampStep}) and the distance is consistent, otherwise the earlier
 * neighbour's plus the sequence distance, as if no frame was skipped. Such a guess leaves room, by
 * sequence distance, for the frames between it and its neighbours that may still arrive. Keys rise
 * strictly with the order, so a frame between two keyed neighbours gets a key between theirs; one that
 * finds no free key there gets its earlier neighbour's and is taken for a copy. That takes timestamps
 * that contradict the sequence numbers, or a frame without a timestamp next to sequence numbers that
 * control frames used unnoticed. A copy (same order) gets the key of its original. No allocation per frame.
 */
export class MediaTimeAxis {
  readonly #orders = new Float64Array(RECENT_FRAMES).fill(Number.NaN);
  readonly #keys = new Float64Array(RECENT_FRAMES);
  /**
   * Raw `media.timestamp` of each remembered frame (-1 when it had none), then of the frame being
   * keyed and of the last one. Timestamps stay in here rather than in arguments: they exceed V8's
   * small integers, and a function that is not inlined would get each one boxed.
   */
  readonly #timestamps = new Float64Array(RECENT_FRAMES + 2);
  /** 1 where the remembered frame's key came from its timestamp, 0 where it was a guess from the sequence number. */
  readonly #timed = new Uint8Array(RECENT_FRAMES);
  readonly #step: TimestampStep;
  readonly #maxSkippedFrames: number;
  #highestOrder = Number.NaN;
  #lastKey = 0;
  /** Neighbours of the frame being keyed, as slots (-1: none); see {@link #findNeighbours}. */
  #lower = -1;
  #upper = -1;
  #reference = -1;

  /** `maxSkippedFrames`: a larger timestamp jump between neighbours is not believed (it would push buffered frames out of the reorder ring). */
  constructor(maxSkippedFrames: number) {
    if (!Number.isInteger(maxSkippedFrames) || maxSkippedFrames < 1) throw new RangeError(`maxSkippedFrames must be a positive integer, got ${maxSkippedFrames}`);
    this.#maxSkippedFrames = maxSkippedFrames;
    this.#step = new TimestampStep(maxSkippedFrames);
  }

  /** `media.timestamp` units per frame once learned and trusted; NaN while keys follow the sequence number alone. */
  get timestampStep(): number {
    return this.#step.step;
  }

  /** The media-time key of `packet`, the frame at `order` (its `timestamp` is -1 when absent). */
  keyOf(order: number, packet: MediaPacket): number {
    const timestamps = this.#timestamps;
    timestamps[INCOMING] = packet.timestamp;
    timestamps[LAST] = packet.timestamp;
    const highest = this.#highestOrder;
    if (Number.isNaN(highest)) return this.#remember(order, order, false);
    const own = slotOf(order);
    if (this.#orders[own] === order) return (this.#lastKey = this.#keys[own]!); // a copy
    const oldest = highest - RECENT_FRAMES + 1;
    if (order < oldest) return (this.#lastKey = this.#beforeRemembered(order, oldest));

    const hasTimestamp = timestamps[INCOMING]! >= 0;
    const step = this.#step.step;
    this.#findNeighbours(order, oldest, hasTimestamp && step > 0);
    if (hasTimestamp) this.#learnFrom(order);
    const lower = this.#lower;
    const upper = this.#upper;
    const keys = this.#keys;
    let key: number;
    let timed = false;
    if (lower >= 0) {
      const lowerKey = keys[lower]!;
      key = lowerKey + (order - this.#orders[lower]!);
      if (this.#reference >= 0) {
        const byTimestamp = this.#afterReference(this.#reference, order, step);
        // Timed past an earlier neighbour without a timestamp, whose key was a guess: keep the room
        // its sequence distance leaves for frames between the two that may still arrive.
        const floor = this.#reference === lower ? lowerKey + 1 : key;
        if (byTimestamp >= floor) {
          key = byTimestamp;
          timed = true;
        }
      }
    } else {
      // Nothing earlier is remembered, so `order` is below `highest` and an upper neighbour exists.
      key = keys[upper]! - (this.#orders[upper]! - order);
      if (this.#reference >= 0) {
        const byTimestamp = this.#beforeReference(this.#reference, order, step);
        if (!Number.isNaN(byTimestamp)) {
          key = byTimestamp;
          timed = true;
        }
      }
    }
    if (upper >= 0) {
      const upperKey = keys[upper]!;
      const bySequence = upperKey - (this.#orders[upper]! - order);
      // A later neighbour whose key was a guess leaves room only for the frames its sequence distance counts.
      if (key > (this.#timed[upper] === 1 ? upperKey - 1 : bySequence)) {
        key = lower >= 0 && keys[lower]! + 1 > bySequence ? keys[lower]! + 1 : bySequence;
        timed = false;
        if (key >= upperKey) return (this.#lastKey = keys[lower]!); // no room: taken for a copy of its predecessor
      }
    }
    return this.#remember(order, key, timed);
  }

  /**
   * Finds the nearest remembered frames before and after `order` (slots in {@link #lower} and
   * {@link #upper}, -1 when none) and, if `wantsReference`, the nearest earlier one with a timestamp
   * ({@link #reference}; for a frame keyed before everything remembered, the later neighbour if it has one).
   */
  #findNeighbours(order: number, oldest: number, wantsReference: boolean): void {
    const orders = this.#orders;
    const timestamps = this.#timestamps;
    const highest = this.#highestOrder;
    let lower = -1;
    let reference = -1;
    for (let o = order - 1 < highest ? order - 1 : highest; o >= oldest; o--) {
      const slot = slotOf(o);
      if (orders[slot] !== o) continue;
      if (lower < 0) lower = slot;
      if (!wantsReference) break;
      if (timestamps[slot]! >= 0) {
        reference = slot;
        break;
      }
      if (order - o >= TIMESTAMP_LOOKBACK) break;
    }
    let upper = -1;
    for (let o = order + 1; o <= highest; o++) {
      const slot = slotOf(o);
      if (orders[slot] === o) {
        upper = slot;
        break;
      }
    }
    if (lower < 0 && wantsReference && timestamps[upper]! >= 0) reference = upper;
    this.#lower = lower;
    this.#upper = upper;
    this.#reference = reference;
  }

  /** Makes the last keyed frame, now at `order`, the only one remembered (the counter restarted); keeps the step. */
  rebaseOnLast(order: number): void {
    const key = this.#lastKey;
    this.#timestamps[INCOMING] = this.#timestamps[LAST]!;
    this.#forgetFrames();
    this.#remember(order, key, false);
  }

  /** Forgets the frames and the step (a new stream). */
  reset(): void {
    this.#forgetFrames();
    this.#step.forget();
  }

  #forgetFrames(): void {
    this.#orders.fill(Number.NaN);
    this.#highestOrder = Number.NaN;
  }

  /** Remembers the frame being keyed at `order` with `key` (`timed`: from its timestamp), and returns the key. */
  #remember(order: number, key: number, timed: boolean): number {
    const slot = slotOf(order);
    this.#orders[slot] = order;
    this.#keys[slot] = key;
    this.#timed[slot] = timed ? 1 : 0;
    this.#timestamps[slot] = this.#timestamps[INCOMING]!;
    if (!(order <= this.#highestOrder)) this.#highestOrder = order;
    this.#lastKey = key;
    return key;
  }

  /** Feeds the step learner the pairs this frame closes with its immediate neighbours. */
  #learnFrom(order: number): void {
    const orders = this.#orders;
    const timestamps = this.#timestamps;
    const lower = this.#lower;
    const upper = this.#upper;
    if (lower >= 0 && orders[lower] === order - 1 && timestamps[lower]! >= 0) this.#step.observe(this.#timestampDistance(lower, INCOMING));
    if (upper >= 0 && orders[upper] === order + 1 && timestamps[upper]! >= 0) this.#step.observe(this.#timestampDistance(INCOMING, upper));
  }

  /** Key by timestamp after the remembered frame in `slot`; NaN when the distance is not a believable whole number of frames. */
  #afterReference(slot: number, order: number, step: number): number {
    const frames = this.#framesBetween(slot, INCOMING, step, order - this.#orders[slot]!);
    return this.#keys[slot]! + frames;
  }

  /** Key by timestamp before the remembered frame in `slot`; NaN when the distance is not believable. */
  #beforeReference(slot: number, order: number, step: number): number {
    const frames = this.#framesBetween(INCOMING, slot, step, this.#orders[slot]! - order);
    return this.#keys[slot]! - frames;
  }

  /**
   * Frames from the timestamp at index `from` of the timestamps to the one at `to`, NaN unless it is
   * a positive multiple of `step` at most `maxSkippedFrames` beyond `orderDistance` (fewer is fine:
   * control frames take sequence numbers).
   */
  #framesBetween(from: number, to: number, step: number, orderDistance: number): number {
    const distance = this.#timestampDistance(from, to);
    // A quotient of integers below 2^32 is exact when whole; the bound below rejects any near-whole
    // quotient too large to tell apart.
    const frames = distance / step;
    if (!(frames > 0) || frames !== Math.floor(frames)) return Number.NaN;
    return frames - orderDistance <= this.#maxSkippedFrames ? frames : Number.NaN;
  }

  /**
   * Signed 32-bit serial distance (as `serialDelta32`) from the timestamp at index `from` to the one
   * at `to`, computed here so the raw timestamps are never passed to a function V8 may not inline.
   */
  #timestampDistance(from: number, to: number): number {
    let distance = this.#timestamps[to]! - this.#timestamps[from]!;
    if (distance >= -HALF_SERIAL32 && distance < HALF_SERIAL32) return distance;
    // Across a wrap (rare): the remainder is slow, so the common case above avoids it.
    distance %= SERIAL32;
    if (distance < 0) distance += SERIAL32;
    return distance >= HALF_SERIAL32 ? distance - SERIAL32 : distance;
  }

  /** A frame older than every remembered one: keyed by sequence distance below the oldest remembered. */
  #beforeRemembered(order: number, oldest: number): number {
    for (let o = oldest; o <= this.#highestOrder; o++) {
      const slot = slotOf(o);
      if (this.#orders[slot] === o) return this.#keys[slot]! - (o - order);
    }
    return Number.NaN; // unreachable: the highest order is always remembered
  }
}

/** Ring slot of `order` (an integer; `&` keeps its low bits, negative ones and beyond 2^31 included). */
function slotOf(order: number): number {
  return order & (RECENT_FRAMES - 1);
}
