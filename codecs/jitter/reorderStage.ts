import type { MediaPacket } from '../../engine/telnyx/frames.js';
import { BufferedPacket, SlotState } from './bufferedPacket.js';
import { JitterStats } from './jitterStats.js';
import { DEFAULT_TIMESTAMP_STEP, PacketKeys } from './packetKeys.js';

/** Sizing and thresholds of a {@link ReorderStage}. */
export interface ReorderOptions {
  /** Slots in the ring: how far ahead of the release position a packet can be held. Default 32 (640 ms of 20 ms frames). */
  readonly capacity?: number;
  /** Payload bytes per packet buffer to start with; a buffer doubles when a larger payload arrives. Default 160 (20 ms of PCMU or PCMA). */
  readonly slotBytes?: number;
  /** A packet this many frames or more behind the release position is a restart of the counter, not a late frame (PJMEDIA: 100). */
  readonly restartBehind?: number;
  /** A packet this many frames or more ahead is a discontinuity that resets the buffer (PJMEDIA and LiveKit: 3000). */
  readonly resetAhead?: number;
  /**
   * `media.timestamp` units per frame of a stream that carries no `sequence_number` and no `chunk`.
   * Default 20. (With either counter present, the unit is learned from the stream.)
   */
  readonly timestampStep?: number;
}

/** What {@link ReorderStage.push} did with a packet. */
export type PushOutcome = 'accepted' | 'duplicate' | 'late' | 'reset';

/** Packet buffer size to start with: 20 ms of G.711, the smallest common frame; L16 grows each buffer once. */
const DEFAULT_SLOT_BYTES = 160;
/** Packets the pool grows by at a time. */
const POOL_GROWTH = 4;
/** Default ring size in frames. */
export const DEFAULT_REORDER_CAPACITY = 32;
/** PJMEDIA `jbuf.c`: fewer frames behind than this is late, more is a sequence restart. */
export const DEFAULT_RESTART_BEHIND = 100;
/** PJMEDIA `jbuf.c` and LiveKit `media-sdk/jitter`: this many frames ahead is a discontinuity. */
export const DEFAULT_RESET_AHEAD = 3000;

/**
 * Puts inbound media packets back in order. Each packet is copied into a buffer from a pool and
 * placed in a ring indexed by its key, so the parser's buffer can be reused. The pool grows to the
 * most packets the call ever held at once (a few on a steady stream, a ring's worth after a long
 * stall) and is reused from then on, so nothing is allocated per packet in steady state and a call
 * holds payload memory for what its network needed, not for the ring's capacity.
 *
 * @remarks
 * Adds no delay of its own: a consumer takes the head as soon as it is there ({@link release}, or
 * {@link pop} for a stand-alone reorder with a gap deadline, as LiveKit's SIP bridge does). Before the
 * first release, an earlier packet moves the head back (the first packets may themselves be out of
 * order). After it, a packet behind the release position is a duplicate if its slot still holds the
 * same key as released, late otherwise, and a restart if it is `restartBehind` or more frames
 * behind. A packet `resetAhead` or more frames ahead resets too; one that is merely beyond the ring
 * moves the release position forward, evicting the oldest packets, as PJMEDIA's `jbuf` does,
 * instead of waiting for frames that cannot be held.
 */
export class ReorderStage {
  /** Counters shared with the playout stage that consumes this one. */
  readonly stats: JitterStats;
  readonly #capacity: number;
  readonly #restartBehind: number;
  readonly #resetAhead: number;
  readonly #keys: PacketKeys;
  /** Per ring slot: the key last stored there, its {@link SlotState}, and the packet while buffered. */
  readonly #slotKeys: Float64Array;
  readonly #slotStates: Uint8Array;
  readonly #slotPackets: (BufferedPacket | undefined)[];
  /** Packet buffers not in the ring; a released packet joins them and stays readable until the next push. */
  readonly #free: BufferedPacket[] = [];
  #pooled = 0;
  #slotBytes: number;
  #hasOrigin = false;
  #releasedSinceOrigin = false;
  #next = 0;
  #highest = 0;
  #buffered = 0;
  #lastKey = Number.NaN;
  /** A view of the parser's payload buffer at the last copied length, rebuilt only when either changes. */
  #sourceView: Uint8Array = new Uint8Array(0);
  #sourceBuffer: Uint8Array | undefined;

  constructor(options: ReorderOptions = {}, stats: JitterStats = new JitterStats()) {
    this.stats = stats;
    this.#capacity = positiveInteger('capacity', options.capacity ?? DEFAULT_REORDER_CAPACITY);
    this.#restartBehind = positiveInteger('restartBehind', options.restartBehind ?? DEFAULT_RESTART_BEHIND);
    this.#resetAhead = positiveInteger('resetAhead', options.resetAhead ?? DEFAULT_RESET_AHEAD);
    if (this.#resetAhead <= this.#capacity) throw new RangeError('resetAhead must exceed capacity');
    // A believed timestamp jump leaves room for the frames already buffered before it.
    this.#keys = new PacketKeys(options.timestampStep ?? DEFAULT_TIMESTAMP_STEP, Math.max(1, Math.floor(this.#capacity / 2)));
    this.#slotBytes = positiveInteger('slotBytes', options.slotBytes ?? DEFAULT_SLOT_BYTES);
    this.#slotKeys = new Float64Array(this.#capacity);
    this.#slotStates = new Uint8Array(this.#capacity);
    this.#slotPackets = new Array<BufferedPacket | undefined>(this.#capacity).fill(undefined);
  }

  /** Slots in the ring. */
  get capacity(): number {
    return this.#capacity;
  }

  /** Packet buffers this stage has made: the most packets it has held at once, rounded up to a few. */
  get pooledPackets(): number {
    return this.#pooled;
  }

  /** Key of the next frame to release; meaningless before the first packet. */
  get nextKey(): number {
    return this.#next;
  }

  /** Packets held and not yet released. */
  get bufferedCount(): number {
    return this.#buffered;
  }

  /** Key given to the last pushed packet (NaN before any). */
  get lastKey(): number {
    return this.#lastKey;
  }

  /**
   * `media.timestamp` units per frame while the timestamp places frames in time (learned from the
   * stream, or `timestampStep` on a stream with timestamps only); NaN while the sequence number alone
   * does. For a call's summary, not per frame.
   */
  get timestampStep(): number {
    return this.#keys.timestampStep;
  }

  /** True once a packet has been pushed since construction or {@link clear}. */
  get hasOrigin(): boolean {
    return this.#hasOrigin;
  }

  /** Copies `packet` into its slot and says what became of it. */
  push(packet: MediaPacket, arrivalMs: number): PushOutcome {
    const stats = this.stats;
    stats.packets++;
    let key = this.#keys.keyOf(packet);
    if (Number.isNaN(key)) {
      stats.unkeyed++;
      key = this.#hasOrigin ? Math.max(this.#highest, this.#next - 1) + 1 : 0;
    }
    this.#lastKey = key;
    if (!this.#hasOrigin) {
      this.#begin(key);
      return this.#store(packet, key, arrivalMs, 'accepted');
    }
    const behind = this.#next - key;
    if (behind >= this.#restartBehind || -behind >= this.#resetAhead) return this.#restart(packet, key, arrivalMs);
    if (behind > 0) {
      if (this.#releasedSinceOrigin || this.#highest - key >= this.#capacity) return this.#lateOrDuplicate(key);
      // Nothing was released yet: the stream's first packets arrived out of order, so start earlier.
      this.#next = key;
    } else if (key - this.#next >= this.#capacity) {
      this.#makeRoom(key);
    }
    if (this.#bufferedAt(this.#slotFor(key), key)) {
      stats.duplicates++;
      return 'duplicate';
    }
    return this.#store(packet, key, arrivalMs, 'accepted');
  }

  /** The packet at the release position, if it has arrived. */
  head(): BufferedPacket | undefined {
    return this.peek(this.#next);
  }

  /** The buffered packet with `key`, if any. */
  peek(key: number): BufferedPacket | undefined {
    const slot = this.#slotFor(key);
    return this.#bufferedAt(slot, key) ? this.#slotPackets[slot] : undefined;
  }

  /** The buffered packet with the lowest key, if any. */
  earliest(): BufferedPacket | undefined {
    if (this.#buffered === 0) return undefined;
    for (let key = this.#next, end = this.#next + this.#capacity; key < end; key++) {
      const slot = this.#slotFor(key);
      if (this.#bufferedAt(slot, key)) return this.#slotPackets[slot];
    }
    return undefined;
  }

  /**
   * Hands out the head and moves past it. The returned packet stays valid until the next
   * {@link push}. Throws when the head has not arrived.
   */
  release(): BufferedPacket {
    const slot = this.#slotFor(this.#next);
    const packet = this.#bufferedAt(slot, this.#next) ? this.#slotPackets[slot] : undefined;
    if (packet === undefined) throw new Error('ReorderStage.release: the head has not arrived');
    this.#slotStates[slot] = SlotState.Released;
    this.#slotPackets[slot] = undefined;
    this.#free.push(packet);
    this.#buffered--;
    this.#next++;
    this.#releasedSinceOrigin = true;
    this.stats.released++;
    return packet;
  }

  /** Moves past `count` missing frames (none of them may be buffered), counting them as lost. */
  skipMissing(count: number): void {
    this.#next += count;
    this.#releasedSinceOrigin = true;
    this.stats.lost += count;
  }

  /**
   * Stand-alone reordering with a deadline: the head if it is there, otherwise, once the earliest
   * buffered packet has waited `maxWaitMs`, that packet, with the frames before it counted as lost.
   * The deadline is only checked when called, typically on each arrival.
   */
  pop(nowMs: number, maxWaitMs: number): BufferedPacket | undefined {
    if (this.head() !== undefined) return this.release();
    const earliest = this.earliest();
    if (earliest === undefined || nowMs - earliest.arrivalMs < maxWaitMs) return undefined;
    this.skipMissing(earliest.key - this.#next);
    return this.release();
  }

  /** Tells the stage a control frame (`dtmf`, `mark`) used `sequenceNumber`, so it is not taken for a lost media frame. */
  noteControlSequence(sequenceNumber: number): void {
    this.#keys.noteControl(sequenceNumber);
  }

  /** Drops every packet and forgets the stream (a new stream starts with the next push). */
  clear(): void {
    this.#emptySlots();
    this.#hasOrigin = false;
    this.#keys.reset();
  }

  #begin(key: number): void {
    this.#hasOrigin = true;
    this.#releasedSinceOrigin = false;
    this.#next = key;
    this.#highest = key;
  }

  #restart(packet: MediaPacket, key: number, arrivalMs: number): PushOutcome {
    this.stats.resets++;
    this.stats.resetDropped += this.#buffered;
    this.#emptySlots();
    this.#keys.rebaseOnLast();
    this.#begin(key);
    return this.#store(packet, key, arrivalMs, 'reset');
  }

  #lateOrDuplicate(key: number): PushOutcome {
    const slot = this.#slotFor(key);
    if (this.#slotKeys[slot] === key && this.#slotStates[slot] === SlotState.Released) {
      this.stats.duplicates++;
      return 'duplicate';
    }
    this.stats.late++;
    return 'late';
  }

  /** Moves the release position so `key` fits in the ring, evicting what falls out. */
  #makeRoom(key: number): void {
    const newNext = key - this.#capacity + 1;
    const skipped = newNext - this.#next;
    const visited = skipped < this.#capacity ? skipped : this.#capacity;
    let evicted = 0;
    for (let k = this.#next, end = this.#next + visited; k < end; k++) {
      const slot = this.#slotFor(k);
      if (this.#bufferedAt(slot, k)) {
        this.#emptySlot(slot);
        evicted++;
      }
    }
    this.#buffered -= evicted;
    this.stats.evicted += evicted;
    this.stats.lost += skipped - evicted;
    this.#next = newNext;
    this.#releasedSinceOrigin = true;
  }

  #store(packet: MediaPacket, key: number, arrivalMs: number, outcome: PushOutcome): PushOutcome {
    const length = packet.length < packet.payload.length ? packet.length : packet.payload.length;
    // Every buffered key lies in [next, next + capacity), so this slot is free or holds an old key.
    const slot = this.#slotFor(key);
    if (this.#slotStates[slot] === SlotState.Buffered) this.#emptySlot(slot);
    const stored = this.#free.pop() ?? this.#newPacket();
    if (length > stored.payload.length) stored.payload = new Uint8Array(this.#grownSlotBytes(length));
    if (this.#sourceBuffer !== packet.payload || this.#sourceView.length !== length) {
      this.#sourceBuffer = packet.payload;
      this.#sourceView = packet.payload.subarray(0, length);
    }
    stored.payload.set(this.#sourceView);
    stored.length = length;
    stored.key = key;
    stored.sequenceNumber = packet.sequenceNumber;
    stored.chunk = packet.chunk;
    stored.timestamp = packet.timestamp;
    stored.arrivalMs = arrivalMs;
    this.#slotKeys[slot] = key;
    this.#slotStates[slot] = SlotState.Buffered;
    this.#slotPackets[slot] = stored;
    this.#buffered++;
    if (key < this.#highest) this.stats.reordered++;
    else this.#highest = key;
    return outcome;
  }

  /**
   * Rare: a payload larger than a packet buffer (L16's first packets). Buffers from now on double
   * until they fit it; a pooled buffer that is too small is replaced when it next meets one.
   */
  #grownSlotBytes(length: number): number {
    let slotBytes = this.#slotBytes;
    while (slotBytes < length) slotBytes *= 2;
    this.#slotBytes = slotBytes;
    return slotBytes;
  }

  /** Grows the pool by a few packets whose payloads share one buffer (one ArrayBuffer object, not one each). */
  #newPacket(): BufferedPacket {
    const slotBytes = this.#slotBytes;
    const shared = new Uint8Array(POOL_GROWTH * slotBytes);
    for (let i = 1; i < POOL_GROWTH; i++) this.#free.push(new BufferedPacket(shared.subarray(i * slotBytes, (i + 1) * slotBytes)));
    this.#pooled += POOL_GROWTH;
    return new BufferedPacket(shared.subarray(0, slotBytes));
  }

  /** Whether ring slot `slot` holds packet `key`, not yet released. */
  #bufferedAt(slot: number, key: number): boolean {
    return this.#slotStates[slot] === SlotState.Buffered && this.#slotKeys[slot] === key;
  }

  /** Returns the packet in ring slot `slot` to the pool. */
  #emptySlot(slot: number): void {
    const packet = this.#slotPackets[slot];
    if (packet !== undefined) this.#free.push(packet);
    this.#slotPackets[slot] = undefined;
    this.#slotStates[slot] = SlotState.Empty;
  }

  #emptySlots(): void {
    for (let slot = 0; slot < this.#capacity; slot++) this.#emptySlot(slot);
    this.#buffered = 0;
  }

  /** Ring index of `key`. */
  #slotFor(key: number): number {
    const capacity = this.#capacity;
    return ((key % capacity) + capacity) % capacity;
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value <= 0) throw new RangeError(`${name} must be a positive integer, got ${value}`);
  return value;
}
