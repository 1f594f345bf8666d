import type { AudioFrame } from '../../bots/api.js';
import type { MediaPacket } from '../../engine/telnyx/frames.js';
import { AudioFrameBuffer } from '../audioFrameBuffer.js';
import type { AudioDecoder, LossRecovery } from '../types.js';
import type { BufferedPacket } from './bufferedPacket.js';
import { dbfsToRms, scaledEnergy, scaledEnergyLimit } from './energy.js';
import { JitterStats } from './jitterStats.js';
import { hasLossRecovery } from './lossRecovery.js';
import { DEFAULT_REORDER_CAPACITY, ReorderStage, type PushOutcome, type ReorderOptions } from './reorderStage.js';
import { TargetDelay, type TargetDelayOptions } from './targetDelay.js';
import { WaveformSubstitution } from './waveformSubstitution.js';

/** Settings of a {@link PlayoutStage}; every duration in milliseconds. */
export interface PlayoutOptions {
  /** Media time of one packet and one tick. Default 20. */
  readonly frameMs?: number;
  /** Lowest target delay. Default 20: one frame, the tick grid itself. */
  readonly minTargetMs?: number;
  /** Highest target delay. Default 200 (Telnyx's own SIP jitter buffer default maximum). */
  readonly maxTargetMs?: number;
  /** Target before any jitter is seen. Default `minTargetMs`. */
  readonly initialTargetMs?: number;
  /**
   * Delay beyond `maxTargetMs` at which frames are dropped even mid-speech (after a long stall), back
   * down to `maxTargetMs`. Default `maxTargetMs`, so 400 ms of delay with the defaults.
   */
  readonly overflowMs?: number;
  /** Level below which a frame counts as silence for drift correction, in dBFS. Default -45. */
  readonly silenceDbfs?: number;
  /** Consecutive concealed frames before the output turns to silence. Default 4 (80 ms). */
  readonly concealFrames?: number;
  /** Reorder ring settings; the capacity defaults to what `maxTargetMs + overflowMs` needs. */
  readonly reorder?: ReorderOptions;
  /** Finer control of the target estimator (quantile, intervals, forget factor, decay). */
  readonly targetDelay?: Partial<Omit<TargetDelayOptions, 'frameMs' | 'minTargetMs' | 'maxTargetMs' | 'initialTargetMs'>>;
}

/**
 * The clock-driven half of the inbound jitter buffer: once per tick it emits exactly one frame,
 * decoded (`speech`), concealed (`concealed`) or generated silence (`silence`), into one reused
 * {@link AudioFrame}.
 *
 * @remarks
 * It composes a {@link ReorderStage} (the packets' ring) with a {@link TargetDelay} (how long a
 * frame should wait). A frame's delay is the tick time minus its baseline arrival time (the
 * estimator's minimum relative delay plus the frame's media time); it is played once that delay
 * reaches the target minus one frame, so an in-order, jitter-free stream waits less than one tick.
 *
 * - A missing frame whose slot is due is concealed and counted lost; if later frames are already
 *   due too, the gap is skipped instead (a jump in the counter, or a `dtmf`/`mark` frame that used a
 *   `sequence_number`). With no frame at all the buffer has run dry: an underrun is concealed
 *   without advancing, so the late frame still plays when it comes, as NetEq does.
 * - Concealment: a decoder implementing {@link LossRecovery} (Opus) rebuilds the frame from the next
 *   packet's FEC when that packet is buffered, else runs its own PLC; otherwise
 *   {@link WaveformSubstitution} repeats pitch periods with a fade. After `concealFrames` frames
 *   the output is silence, and real audio resumes through a 5 ms cross-fade.
 * - The delay is kept between the target and the target plus two frames by dropping a frame or
 *   inserting a silent one, only when the last output and the dropped frame are quiet: this is
 *   what corrects clock drift in both directions and follows target changes, never mid-speech.
 *   Only a delay beyond `maxTargetMs + overflowMs` (a long stall) is cut mid-speech, back down to
 *   `maxTargetMs`, as PJMEDIA's discard does when its buffer overflows.
 *
 * Synchronous, no I/O, no allocation per packet or tick.
 */
export class PlayoutStage {
  /** Counters of this call's inbound jitter buffer. */
  readonly stats: JitterStats;
  /** The packets' ring; exposed for inspection. */
  readonly reorder: ReorderStage;
  /** Media time per tick, in ms. */
  readonly frameMs: number;
  /** Samples per emitted frame. */
  readonly frameSamples: number;
  readonly #frame: AudioFrameBuffer;
  readonly #decoder: AudioDecoder;
  readonly #recovery: (AudioDecoder & LossRecovery) | undefined;
  readonly #waveform: WaveformSubstitution;
  readonly #estimator: TargetDelay;
  readonly #maxTargetMs: number;
  /** Delay at which frames are dropped even mid-speech: `maxTargetMs + overflowMs`. */
  readonly #overflowDelayMs: number;
  /** {@link scaledEnergy} at or below which a frame counts as quiet. */
  readonly #quietEnergy: number;
  readonly #concealFrames: number;
  /** A frame was played since the start or the last reset of the stream. */
  #started = false;
  #everPlayed = false;
  #concealRun = 0;
  #needsMerge = false;

  constructor(decoder: AudioDecoder, options: PlayoutOptions = {}, stats: JitterStats = new JitterStats()) {
    const frameMs = options.frameMs ?? 20;
    const minTargetMs = options.minTargetMs ?? frameMs;
    const maxTargetMs = options.maxTargetMs ?? 200;
    const overflowMs = options.overflowMs ?? maxTargetMs;
    const concealFrames = options.concealFrames ?? 4;
    if (!(frameMs > 0) || !(overflowMs >= frameMs)) throw new RangeError('PlayoutStage needs frameMs > 0 and overflowMs ≥ one frame');
    if (!Number.isInteger(concealFrames) || concealFrames < 2) throw new RangeError(`concealFrames must be an integer ≥ 2, got ${concealFrames}`);
    this.stats = stats;
    this.frameMs = frameMs;
    this.frameSamples = Math.round((decoder.sampleRate * frameMs) / 1000);
    this.#frame = new AudioFrameBuffer(this.frameSamples, decoder.sampleRate);
    this.#decoder = decoder;
    this.#recovery = hasLossRecovery(decoder) ? decoder : undefined;
    this.#waveform = new WaveformSubstitution(decoder.sampleRate, { fadeFrames: concealFrames });
    this.#estimator = new TargetDelay({
      ...options.targetDelay,
      frameMs,
      minTargetMs,
      maxTargetMs,
      initialTargetMs: options.initialTargetMs ?? minTargetMs,
    });
    this.#maxTargetMs = maxTargetMs;
    this.#overflowDelayMs = maxTargetMs + overflowMs;
    this.#concealFrames = concealFrames;
    this.#quietEnergy = scaledEnergyLimit(dbfsToRms(options.silenceDbfs ?? -45), this.frameSamples);
    const neededSlots = Math.ceil((maxTargetMs + overflowMs) / frameMs) + 8;
    this.reorder = new ReorderStage(
      { capacity: Math.max(DEFAULT_REORDER_CAPACITY, neededSlots), ...options.reorder },
      stats,
    );
  }

  /** The frame every {@link tick} rewrites. */
  get frame(): AudioFrame {
    return this.#frame;
  }

  /** Current target delay, in ms. */
  get targetDelayMs(): number {
    return this.#estimator.targetMs;
  }

  /** Takes one inbound packet (its payload is copied) that arrived at `arrivalMs`. */
  push(packet: MediaPacket, arrivalMs: number): PushOutcome {
    const outcome = this.reorder.push(packet, arrivalMs);
    if (outcome === 'duplicate') return outcome;
    if (outcome === 'reset') {
      this.#estimator.rebase();
      this.#started = false;
    }
    // Late packets count too: they are the evidence that the target is too low.
    this.#estimator.observe(arrivalMs, this.reorder.lastKey * this.frameMs);
    return outcome;
  }

  /** Emits the one frame of the tick scheduled at `nowMs` (call it every `frameMs`). */
  tick(nowMs: number): AudioFrame {
    const stats = this.stats;
    stats.ticks++;
    const estimator = this.#estimator;
    estimator.advance(nowMs);
    // Copied only when it changes: a number copied between objects may be boxed on the way.
    if (stats.targetDelayMs !== estimator.targetMs) stats.targetDelayMs = estimator.targetMs;
    this.#produce(nowMs);
    const frame = this.#frame;
    if (frame.kind === 'speech') stats.speechFrames++;
    else if (frame.kind === 'concealed') stats.concealedFrames++;
    else stats.silenceFrames++;
    return frame;
  }

  #produce(nowMs: number): void {
    const reorder = this.reorder;
    const frameMs = this.frameMs;
    const due = this.#estimator.targetMs - frameMs;
    const head = reorder.head();
    if (head !== undefined) {
      const delay = this.#delayOf(head.key, nowMs);
      const level = delay - due;
      if (!this.#started) {
        if (level >= 0) this.#play(head, nowMs);
        else this.#idle();
      } else if (level < this.#estimator.insertMarginMs && this.#lastOutputQuiet()) {
        this.#writeSilence();
        this.stats.driftInserted++;
      } else if (delay >= this.#overflowDelayMs) {
        this.#catchUp(head, delay, nowMs);
      } else if (level >= 2 * frameMs && this.#lastOutputQuiet()) {
        this.#playOrDropQuiet(head, nowMs);
      } else {
        this.#play(head, nowMs);
      }
      return;
    }
    const earliest = reorder.earliest();
    if (earliest !== undefined) {
      if (this.#delayOf(earliest.key, nowMs) >= due) {
        // Everything before it is overdue: a counter gap, not frames worth waiting for.
        reorder.skipMissing(earliest.key - reorder.nextKey);
        this.#play(earliest, nowMs);
        return;
      }
      if (this.#started && this.#delayOf(reorder.nextKey, nowMs) >= due) {
        const lostKey = reorder.nextKey;
        reorder.skipMissing(1);
        this.#conceal(earliest.key === lostKey + 1 ? earliest : undefined);
        return;
      }
    }
    this.#idle();
  }

  /**
   * Whether the frame emitted last (still in the frame buffer) was quiet. Measured only when a drop
   * or insert is on the table, which in steady state is never.
   */
  #lastOutputQuiet(): boolean {
    const frame = this.#frame;
    return frame.kind === 'silence' || scaledEnergy(frame.samples, frame.sampleCount) <= this.#quietEnergy;
  }

  /** Baseline-relative delay of frame `key` if played at `nowMs`. */
  #delayOf(key: number, nowMs: number): number {
    return nowMs - this.#estimator.baselineMs - key * this.frameMs;
  }

  #play(slot: BufferedPacket, nowMs: number): void {
    if (this.#decode(slot)) this.#emitSpeech(slot, nowMs);
    else this.#concealUndecodable();
  }

  /** Above the target in a quiet stretch: drop this frame if it is quiet too and another follows. */
  #playOrDropQuiet(head: BufferedPacket, nowMs: number): void {
    if (!this.#decode(head)) {
      this.#concealUndecodable();
      return;
    }
    const following = this.reorder.peek(head.key + 1);
    if (following !== undefined && scaledEnergy(this.#frame.samples, this.frameSamples) <= this.#quietEnergy) {
      this.reorder.release();
      this.stats.driftDropped++;
      this.#play(following, nowMs);
      return;
    }
    this.#emitSpeech(head, nowMs);
  }

  /** Far beyond the largest target (a long stall): drop frames down to it, then cross-fade over the jump. */
  #catchUp(head: BufferedPacket, delay: number, nowMs: number): void {
    const reorder = this.reorder;
    let slot = head;
    let excess = delay - this.#maxTargetMs;
    for (;;) {
      const following = reorder.peek(slot.key + 1);
      if (excess < this.frameMs || following === undefined) break;
      reorder.release();
      this.stats.overflowDropped++;
      slot = following;
      excess -= this.frameMs;
    }
    this.#needsMerge = true;
    this.#play(slot, nowMs);
  }

  /** Nothing is due: silence before the first frame, otherwise an underrun to conceal. */
  #idle(): void {
    if (!this.#everPlayed) {
      this.#writeSilence();
      return;
    }
    this.stats.underruns++;
    this.#conceal(undefined);
  }

  /** Fills the frame for a missing slot; `next` is the packet right after it, when buffered (for FEC). */
  #conceal(next: BufferedPacket | undefined): void {
    this.#concealRun++;
    if (this.#concealRun > this.#concealFrames) {
      this.#writeSilence();
      return;
    }
    const frame = this.#frame;
    const samples = frame.samples;
    const count = this.frameSamples;
    const recovery = this.#recovery;
    if (recovery === undefined) {
      this.#waveform.conceal(samples, count);
    } else {
      let written = 0;
      if (next !== undefined) {
        written = recovery.recoverFromNext(next.payload, next.length, samples, count);
        if (written > 0) this.stats.recovered++;
      }
      if (!(written > 0)) written = recovery.concealLoss(samples, count);
      if (written < count) samples.fill(0, written > 0 ? written : 0, count);
    }
    frame.sampleCount = count;
    frame.kind = 'concealed';
    frame.sequenceNumber = -1;
  }

  /** Decodes `slot` into the frame; false when the codec refused the payload (a corrupt Opus packet, say). */
  #decode(slot: BufferedPacket): boolean {
    const samples = this.#frame.samples;
    const count = this.frameSamples;
    let written: number;
    try {
      written = this.#decoder.decode(slot.payload, slot.length, samples);
    } catch {
      // Bad bytes from the network are a lost frame, not a reason to stop the call's audio.
      this.stats.decodeErrors++;
      return false;
    }
    // A short payload is padded: every tick must carry exactly one frame of samples.
    if (written < count) samples.fill(0, written > 0 ? written : 0, count);
    return true;
  }

  /** The head packet could not be decoded: release it and conceal its slot instead. */
  #concealUndecodable(): void {
    this.reorder.release();
    this.#conceal(undefined);
  }

  #emitSpeech(slot: BufferedPacket, nowMs: number): void {
    const frame = this.#frame;
    const count = this.frameSamples;
    if (this.#recovery === undefined) {
      if (this.#concealRun > 0 || this.#needsMerge) this.#waveform.merge(frame.samples, count);
      this.#waveform.remember(frame.samples, count);
    }
    frame.sampleCount = count;
    frame.kind = 'speech';
    frame.sequenceNumber = slot.sequenceNumber;
    this.stats.played++;
    this.stats.addedDelay.addDifference(nowMs, slot.arrivalMs);
    this.reorder.release();
    this.#concealRun = 0;
    this.#needsMerge = false;
    this.#started = true;
    this.#everPlayed = true;
  }

  #writeSilence(): void {
    const frame = this.#frame;
    frame.samples.fill(0, 0, this.frameSamples);
    frame.sampleCount = this.frameSamples;
    frame.kind = 'silence';
    frame.sequenceNumber = -1;
  }
}
