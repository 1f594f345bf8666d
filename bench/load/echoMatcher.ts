/**
 * Recognises the caller's own frames in what the echo bot sends back. With PCMU in and out and the
 * bot at 8 kHz, a frame comes back as the same 160 bytes, except that µ-law's "negative zero"
 * (0x7f) decodes to 0, which encodes as 0xff: bytes are compared after mapping 0x7f to 0xff.
 */

/** Bytes of one 20 ms PCMU frame at 8 kHz. */
export const PCMU_FRAME_BYTES = 160;

/** µ-law code → the code its decoded value encodes back to (only 0x7f, negative zero, changes). */
export const MULAW_CANONICAL: Uint8Array = (() => {
  const table = new Uint8Array(256);
  for (let code = 0; code < 256; code++) table[code] = code;
  table[0x7f] = 0xff;
  return table;
})();

/** FNV-1a over `length` canonical µ-law bytes from `offset`. */
function canonicalHash(bytes: Uint8Array, offset: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = offset; i < offset + length; i++) {
    hash ^= MULAW_CANONICAL[bytes[i] ?? 0] ?? 0;
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** Marks an ambiguous hash in {@link EchoFrameIndex}'s map. */
const AMBIGUOUS = -1;

/**
 * A fixture's media payloads, indexed by content so an echoed frame can be traced back to the frame
 * that was sent. Built once per fixture; frames whose content occurs twice cannot be traced and are
 * left out of latency and loss counts.
 */
export class EchoFrameIndex {
  /** Frames in the fixture. */
  readonly frameCount: number;
  /** 1 for frames whose content is not unique in the fixture. */
  readonly untraceable: Uint8Array;
  readonly #frames: readonly Uint8Array[];
  readonly #byHash = new Map<number, number>();

  constructor(payloads: readonly Uint8Array[]) {
    this.frameCount = payloads.length;
    this.#frames = payloads;
    this.untraceable = new Uint8Array(payloads.length);
    for (let i = 0; i < payloads.length; i++) {
      const payload = payloads[i] as Uint8Array;
      if (payload.length !== PCMU_FRAME_BYTES) {
        this.untraceable[i] = 1;
        continue;
      }
      const hash = canonicalHash(payload, 0, PCMU_FRAME_BYTES);
      const seen = this.#byHash.get(hash);
      if (seen === undefined) {
        this.#byHash.set(hash, i);
      } else {
        if (seen !== AMBIGUOUS) this.untraceable[seen] = 1;
        this.untraceable[i] = 1;
        this.#byHash.set(hash, AMBIGUOUS);
      }
    }
  }

  /** Index of the fixture frame equal to `bytes[offset, offset + 160)`, or -1. */
  lookup(bytes: Uint8Array, offset: number): number {
    const index = this.#byHash.get(canonicalHash(bytes, offset, PCMU_FRAME_BYTES));
    if (index === undefined || index === AMBIGUOUS) return -1;
    const frame = this.#frames[index] as Uint8Array;
    for (let i = 0; i < PCMU_FRAME_BYTES; i++) {
      if (MULAW_CANONICAL[frame[i] ?? 0] !== MULAW_CANONICAL[bytes[offset + i] ?? 0]) return -1;
    }
    return index;
  }
}

/** Totals of one call's echo tracking. */
export interface EchoTotals {
  /** Traceable frames sent early enough that their echo was due before the call ended. */
  readonly eligible: number;
  /** Of those, frames whose echo came back. */
  readonly returned: number;
  /** Eligible frames whose echo never came back. */
  readonly lost: number;
  /** Echoed 20 ms frames that matched no frame sent (concealment, silence, untraceable content). */
  readonly unmatched: number;
  /** Frames echoed more than once. */
  readonly repeated: number;
}

/**
 * One call's echo bookkeeping: when each frame was sent, and whether it came back. A fixture
 * longer than the call is looped, so a frame is identified by its fixture index and the loop it
 * was sent in (the echo returns within a second, far less than a loop).
 */
export class EchoTracker {
  readonly #index: EchoFrameIndex;
  readonly #echoDelayMs: number;
  readonly #sentAt: Float64Array;
  /** Loop number + 1 of the last send of each fixture frame; 0 = never sent. */
  readonly #sentLoop: Int32Array;
  /** Loop number + 1 of the last send that came back. */
  readonly #returnedLoop: Int32Array;
  #returned = 0;
  #lostEarlier = 0;
  #unmatched = 0;
  #repeated = 0;
  #eligibleEarlier = 0;

  constructor(index: EchoFrameIndex, echoDelayMs: number) {
    this.#index = index;
    this.#echoDelayMs = echoDelayMs;
    this.#sentAt = new Float64Array(index.frameCount);
    this.#sentLoop = new Int32Array(index.frameCount);
    this.#returnedLoop = new Int32Array(index.frameCount);
  }

  /** Records that call frame `frameIndex` (counting across loops) left at `nowMs`; repeats keep the first time. */
  onSent(frameIndex: number, nowMs: number): void {
    const count = this.#index.frameCount;
    const slot = frameIndex % count;
    if (this.#index.untraceable[slot] === 1) return;
    const loop = Math.floor(frameIndex / count) + 1;
    const previous = this.#sentLoop[slot] ?? 0;
    if (previous === loop) return;
    if (previous !== 0) {
      this.#eligibleEarlier++;
      if (this.#returnedLoop[slot] !== previous) this.#lostEarlier++;
    }
    this.#sentLoop[slot] = loop;
    this.#sentAt[slot] = nowMs;
  }

  /**
   * Accounts for one echoed 20 ms frame at `bytes[offset, offset + 160)` that arrived at `nowMs`.
   * Returns its latency (`heardAtMs`, when Telnyx plays it, − send − the bot's echo delay) in ms, or NaN if it matched nothing new.
   */
  onEchoed(bytes: Uint8Array, offset: number, heardAtMs: number): number {
    const slot = this.#index.lookup(bytes, offset);
    if (slot < 0 || this.#sentLoop[slot] === 0) {
      this.#unmatched++;
      return Number.NaN;
    }
    const loop = this.#sentLoop[slot] ?? 0;
    if (this.#returnedLoop[slot] === loop) {
      this.#repeated++;
      return Number.NaN;
    }
    this.#returnedLoop[slot] = loop;
    this.#returned++;
    return heardAtMs - (this.#sentAt[slot] ?? 0) - this.#echoDelayMs;
  }

  /** Totals once the call is over; frames sent less than `graceMs` before `endedAtMs` are not counted as lost. */
  totals(endedAtMs: number, graceMs: number): EchoTotals {
    let eligible = this.#eligibleEarlier;
    let lost = this.#lostEarlier;
    const cutoff = endedAtMs - graceMs;
    let returnedLate = 0;
    for (let slot = 0; slot < this.#sentLoop.length; slot++) {
      const loop = this.#sentLoop[slot] ?? 0;
      if (loop === 0) continue;
      const came = this.#returnedLoop[slot] === loop;
      if ((this.#sentAt[slot] ?? 0) > cutoff) {
        if (came) returnedLate++;
        continue;
      }
      eligible++;
      if (!came) lost++;
    }
    return { eligible, returned: this.#returned - returnedLate, lost, unmatched: this.#unmatched, repeated: this.#repeated };
  }
}
