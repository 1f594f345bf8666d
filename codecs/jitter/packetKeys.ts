import type { MediaPacket } from '../../engine/telnyx/frames.js';
import { MediaTimeAxis } from './mediaTimeAxis.js';
import { SerialUnwrapper } from './serial.js';

/** Which counter of a media frame orders it. */
export type KeySource = 'sequenceNumber' | 'chunk' | 'timestamp';

/** Control frames' sequence numbers kept apart at most; older ones are folded into a count. */
const MAX_RECENT_CONTROLS = 64;
/** A control frame this many numbers behind the newest media frame is below every frame still worth playing. */
const FOLD_BEHIND = 256;

/** Media-time step of one 20 ms frame in `media.timestamp` units when nothing else is known. */
export const DEFAULT_TIMESTAMP_STEP = 20;
/** Frames a timestamp may skip between neighbours and still be believed, unless told otherwise. */
export const DEFAULT_MAX_SKIPPED_FRAMES = 16;

/**
 * Gives each inbound media packet an unbounded frame index on the media-time axis: a frame's key is
 * its 20 ms slot, counted from the stream's first packet (0), so keys stay small integers (V8 never
 * boxes those). Consecutive frames get consecutive keys; a frame the sender skipped leaves one unused.
 *
 * @remarks The ordering counter is chosen on the first packet that carries any, in the order
 * `sequence_number`, then `media.chunk`, then `media.timestamp` (a field is absent when the parser
 * set -1), and kept for the whole stream, because mixing counters would scramble the order.
 * Telnyx's `sequence_number` also numbers `dtmf` and `mark` frames: the call session tells the keys
 * about those ({@link PacketKeys.noteControl}), and media keys leave them out, so a key press or a
 * mark echo is not taken for a lost frame (nor shifts the media time of every frame after it). A gap
 * no control frame explains is a loss; the playout stage skips it without concealing when the next
 * frame is on time.
 *
 * The ordering counter orders frames and finds copies; where `media.timestamp` is present and
 * consistent, it places them in time ({@link MediaTimeAxis}): when the sender skipped frames (loss
 * before Telnyx, DTX) Telnyx still numbers the frames it forwards consecutively, and only the
 * timestamp shows the missing time. Its unit is learned from the stream, not assumed.
 * A stream with timestamps only divides them by `timestampStep` (default 20: milliseconds, Twilio's
 * convention; an RTP-clock stream needs 160 at 8 kHz).
 */
export class PacketKeys {
  #source: KeySource | undefined;
  readonly #unwrapper = new SerialUnwrapper();
  readonly #timestampStep: number;
  readonly #timeAxis: MediaTimeAxis;
  #lastRaw = 0;
  #lastExtended = 0;
  /** Unwrapped counter of the stream's first packet: keys count from it, so they stay small integers. */
  #origin = Number.NaN;
  /** Unwrapped sequence numbers of recent control frames, ascending; older ones are folded into {@link #controlsFolded}. */
  readonly #controls: number[] = [];
  /** Control frames past the origin whose sequence numbers lie below every media frame still to come. */
  #controlsFolded = 0;
  /** Highest unwrapped sequence number of a media frame keyed so far. */
  #highestMedia = Number.NEGATIVE_INFINITY;

  /**
   * `timestampStep`: units per frame of a timestamp-only stream. `maxSkippedFrames`: the largest
   * timestamp jump between neighbouring frames taken for skipped frames rather than a discontinuity.
   */
  constructor(timestampStep = DEFAULT_TIMESTAMP_STEP, maxSkippedFrames = DEFAULT_MAX_SKIPPED_FRAMES) {
    if (!(timestampStep > 0)) throw new RangeError(`timestampStep must be positive, got ${timestampStep}`);
    this.#timestampStep = timestampStep;
    this.#timeAxis = new MediaTimeAxis(maxSkippedFrames);
  }

  /** The counter that orders the packets; `undefined` until a packet carried one. */
  get source(): KeySource | undefined {
    return this.#source;
  }

  /**
   * `media.timestamp` units per frame: learned from this stream while its timestamps place frames in
   * time, NaN while the ordering counter alone does (no timestamps, too few yet, or inconsistent
   * ones); the configured step on a stream keyed by timestamp alone.
   */
  get timestampStep(): number {
    return this.#source === 'timestamp' ? this.#timestampStep : this.#timeAxis.timestampStep;
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
    if (source === 'timestamp') return Math.round((extended - this.#origin) / this.#timestampStep);
    if (source === 'sequenceNumber' && extended > this.#highestMedia) this.#highestMedia = extended;
    return this.#timeAxis.keyOf(this.#orderOf(extended), packet);
  }

  /** The media frame's place in the sequence: its counter from the origin, less the control frames before it. */
  #orderOf(extended: number): number {
    const offset = extended - this.#origin;
    if (this.#source !== 'sequenceNumber' || this.#controls.length + this.#controlsFolded === 0) return offset;
    return offset - this.#controlsBelow(extended);
  }

  /**
   * Notes that a control frame (`dtmf`, `mark`, …) used sequence number `sequenceNumber`, so media
   * keys count past it. Ignored unless this stream is keyed on sequence numbers (or not keyed yet).
   */
  noteControl(sequenceNumber: number): void {
    if (this.#source !== undefined && this.#source !== 'sequenceNumber') return;
    if (!(sequenceNumber >= 0)) return;
    const extended = this.#unwrapper.unwrap(sequenceNumber);
    // A control frame that comes after a later media frame was keyed is left as a gap: leaving it
    // out now would give the media frames after it the keys of frames already buffered.
    if (extended < this.#highestMedia) return;
    const controls = this.#controls;
    let index = controls.length;
    while (index > 0 && controls[index - 1]! > extended) index--;
    if (controls[index - 1] === extended) return; // a repeated frame uses no new number
    controls.splice(index, 0, extended);
    if (controls.length > MAX_RECENT_CONTROLS) this.#foldOldest();
  }

  /** Control frames past the origin and below `extended`; folds those far behind it, keeping the list short. */
  #controlsBelow(extended: number): number {
    const controls = this.#controls;
    while (controls.length > 0 && controls[0]! < extended - FOLD_BEHIND) this.#foldOldest();
    let below = this.#controlsFolded;
    for (let i = 0; i < controls.length; i++) {
      const control = controls[i]!;
      if (control >= extended) break;
      if (control > this.#origin) below++;
    }
    return below;
  }

  #foldOldest(): void {
    const oldest = this.#controls.shift()!;
    // Control frames before the stream's first media frame never shifted a key.
    if (!(oldest <= this.#origin)) this.#controlsFolded++;
  }

  /**
   * Makes the last packet's counter the reference for the packets after it, once the reorder stage
   * has restarted on it (otherwise a counter that jumped back would stay measured from the old peak).
   */
  rebaseOnLast(): void {
    if (this.#source === undefined) return;
    this.#unwrapper.rebase(this.#lastRaw, this.#lastExtended);
    // The counter restarted: the control frames noted so far belong to the numbering before it.
    while (this.#controls.length > 0) this.#foldOldest();
    if (this.#source !== 'timestamp') this.#timeAxis.rebaseOnLast(this.#orderOf(this.#lastExtended));
  }

  /** Forgets the source and the counter history (a new stream). */
  reset(): void {
    this.#source = undefined;
    this.#origin = Number.NaN;
    this.#unwrapper.reset();
    this.#controls.length = 0;
    this.#controlsFolded = 0;
    this.#highestMedia = Number.NEGATIVE_INFINITY;
    this.#timeAxis.reset();
  }
}

function pickSource(packet: MediaPacket): KeySource | undefined {
  if (packet.sequenceNumber >= 0) return 'sequenceNumber';
  if (packet.chunk >= 0) return 'chunk';
  if (packet.timestamp >= 0) return 'timestamp';
  return undefined;
}
