import type { MediaPacket } from '../../engine/telnyx/frames.js';
import { SerialUnwrapper } from './serial.js';

/** Which counter of a media frame orders it. */
export type KeySource = 'sequenceNumber' | 'chunk' | 'timestamp';

/** Media-time step of one 20 ms frame in `media.timestamp` units when nothing else is known. */
export const DEFAULT_TIMESTAMP_STEP = 20;

/**
 * Gives each inbound media packet an unbounded frame index: consecutive frames get consecutive keys,
 * counted from the stream's first packet (0), so they stay small integers (V8 never boxes those).
 *
 * @remarks The source is chosen on the first packet that carries any counter, in the order
 * `sequence_number`, then `media.chunk`, then `media.timestamp` (a field is absent when the parser
 * set -1), and kept for the whole stream, because mixing counters would scramble the order.
 * Telnyx's `sequence_number` also numbers `dtmf` and `mark` frames, so a gap in it is not always a
 * lost frame; the playout stage skips such a gap without concealing when the next frame is on time.
 * Timestamps are divided by `timestampStep` (default 20: milliseconds, Twilio's convention; Telnyx
 * does not document the unit, so an RTP-clock stream needs 160 at 8 kHz).
 */
export class PacketKeys {
  #source: KeySource | undefined;
  readonly #unwrapper = new SerialUnwrapper();
  readonly #timestampStep: number;
  #lastRaw = 0;
  #lastExtended = 0;
  /** Unwrapped counter of the stream's first packet: keys count from it, so they stay small integers. */
  #origin = Number.NaN;

  constructor(timestampStep = DEFAULT_TIMESTAMP_STEP) {
    if (!(timestampStep > 0)) throw new RangeError(`timestampStep must be positive, got ${timestampStep}`);
    this.#timestampStep = timestampStep;
  }

  /** The counter keys are read from; `undefined` until a packet carried one. */
  get source(): KeySource | undefined {
    return this.#source;
  }

  /** The key of `packet`, or NaN when it lacks the counter this stream is keyed on. */
  keyOf(packet: MediaPacket): number {
    this.#source ??= pickSource(packet);
    const source = this.#source;
    if (source === undefined) return Number.NaN;
    const raw = source === 'sequenceNumber' ? packet.sequenceNumber : source === 'chunk' ? packet.chunk : packet.timestamp;
    if (raw < 0) return Number.NaN;
    const extended = this.#unwrapper.unwrap(raw);
    this.#lastRaw = raw;
    this.#lastExtended = extended;
    if (Number.isNaN(this.#origin)) this.#origin = extended;
    const offset = extended - this.#origin;
    return source === 'timestamp' ? Math.round(offset / this.#timestampStep) : offset;
  }

  /**
   * Makes the last packet's counter the reference for the packets after it, once the reorder stage
   * has restarted on it (otherwise a counter that jumped back would stay measured from the old peak).
   */
  rebaseOnLast(): void {
    if (this.#source !== undefined) this.#unwrapper.rebase(this.#lastRaw, this.#lastExtended);
  }

  /** Forgets the source and the counter history (a new stream). */
  reset(): void {
    this.#source = undefined;
    this.#origin = Number.NaN;
    this.#unwrapper.reset();
  }
}

function pickSource(packet: MediaPacket): KeySource | undefined {
  if (packet.sequenceNumber >= 0) return 'sequenceNumber';
  if (packet.chunk >= 0) return 'chunk';
  if (packet.timestamp >= 0) return 'timestamp';
  return undefined;
}
