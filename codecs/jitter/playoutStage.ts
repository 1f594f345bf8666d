import type { AudioFrame, AudioFrameKind } from '../../bots/api.js';
import type { MediaPacket } from '../../engine/telnyx/frames.js';
import { AudioFrameBuffer } from '../audioFrameBuffer.js';
import type { AudioDecoder, LossRecovery } from '../types.js';
import type { BufferedPacket } from './bufferedPacket.js';
import { dbfsToRms, scaledEnergy, scaledEnergyLimit } from './energy.js';
import { JitterStats } from './jitterStats.js';
import { hasLossRecovery } from './lossRecovery.js';
import { DEFAULT_REORDER_CAPACITY, ReorderStage, type PushOutcome, type ReorderOptions } from './reorderStage.js';
import { SpareCover } from './spareCover.js';
import { SyncBuffer } from './syncBuffer.js';
import { TargetDelay, type TargetDelayOptions } from './targetDelay.js';
import { TimeStretch } from './timeStretch.js';
import { WaveformSubstitution } from './waveformSubstitution.js';

/**
 * Packets whose audio is in the sync buffer: it holds at most four frames, and no splice removes
 * more than a pitch period (15 ms) of one packet, so twice that many is ample.
 */
const MAX_PENDING_PACKETS = 8;
/** What a shed frame must leave every packet of the window, and the head, to spare (ms). */
const SHED_GUARD_MS = 2;

/** Settings of a {@link PlayoutStage}; every duration in milliseconds. */
export interface PlayoutOptions {
  /** Media time of one packet and one tick. Default 20. */
  readonly frameMs?: number;
  /** Lowest target delay. Default 20: one frame, the tick grid itself. */
  readonly minTargetMs?: number;
  /**
   * Highest target delay. Default 300: the jitter quantile seldom asks for more than 200 (Telnyx's
   * own SIP jitter buffer default maximum); stalls that keep recurring on a TCP path may.
   */
  readonly maxTargetMs?: number;
  /** Target before any jitter is seen. Default `minTargetMs`. */
  readonly initialTargetMs?: number;
  /**
   * Delay beyond `maxTargetMs` at which frames are dropped even mid-speech (after a long stall), back
   * down to `maxTargetMs`. Default `maxTargetMs`, so 600 ms of delay with the defaults.
   */
  readonly overflowMs?: number;
  /** Level below which a frame counts as silence for drift correction, in dBFS. Default -45. */
  readonly silenceDbfs?: number;
  /** Consecutive concealed frames before the output turns to silence. Default 4 (80 ms). */
  readonly concealFrames?: number;
  /**
   * Time-scale modification of speech: by how much the delay may exceed the target before speech is
   * shortened one pitch period per tick (`accelerateAboveMs`), and fall short of it before speech is
   * lengthened one pitch period per tick (`expandBelowMs`); how alike two neighbouring pitch periods
   * must be (`minCorrelation`). `false` turns it off: only quiet frames are then dropped or
   * inserted, as before. Defaults: 20, 20 and 0.9; once started, shortening goes on down to
   * `accelerateDownToMs` above the target (default 5).
   */
  readonly timeStretch?:
    | false
    | {
        readonly accelerateAboveMs?: number;
        /**
         * Once shortening has started, it goes on until the delay is at most this far above the target
         * (at most `accelerateAboveMs`), so a backlog drains to the target rather than to the edge of
         * the band and a stall leaves no frame of delay behind. Default 5.
         */
        readonly accelerateDownToMs?: number;
        readonly expandBelowMs?: number;
        readonly minCorrelation?: number;
        /** Pitch periods repeated per tick while the buffer drains (see {@link PlayoutStage}); 0 turns it off. Default 3. */
        readonly drainPeriods?: number;
        /** Correlation a repeated period needs while the buffer drains: anything beats concealing. Default 0.6. */
        readonly drainMinCorrelation?: number;
      };
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
 * - Decoded audio passes through a small sample buffer ({@link SyncBuffer}) before it is emitted,
 *   so a tick's frame can be made of time-stretched audio, as in NetEq.
 * - The delay is kept between the target minus one frame and the target plus one frame. In a quiet
 *   stretch it is corrected by dropping a quiet frame or inserting a silent one (and by cutting any
 *   audio left over from stretching): this corrects clock drift in both directions and follows
 *   target changes. Mid-speech, {@link TimeStretch} removes one pitch period per tick once the
 *   delay is `accelerateAboveMs` above the target and until it is down to `accelerateDownToMs`
 *   above it (NetEq's accelerate: a backlog after a stall drains during speech, all the way back),
 *   and repeats one while it is `expandBelowMs` below it (preemptive expand:
 *   the delay grows to the target without concealment); it leaves speech alone when the pitch
 *   periods do not match well enough. While the buffer drains (the next packet is already later
 *   than the usual jitter: a stall or a spike has begun), it repeats up to `drainPeriods` periods
 *   per tick at a looser correlation, so the audio still buffered covers more of the gap and less
 *   of it is concealed; if the gap ends early, the extra delay is shortened away as after a stall.
 *   Only a delay beyond `maxTargetMs + overflowMs` (a long stall) is cut mid-speech by whole
 *   frames, back down to `maxTargetMs`, as PJMEDIA's discard does when its buffer overflows.
 * - A frame nobody needed is given back. One late packet, or a stall's backlog, can leave every
 *   later packet waiting a whole tick more than before, inside the band above, for the rest of the
 *   call. When every packet of the last two seconds ({@link SpareCover}) waited more than a frame,
 *   nothing was concealed, and the head is more than a frame past its due point, one frame's worth
 *   is shortened away (pitch periods mid-speech, a quiet frame in a pause), as PJMEDIA shrinks a
 *   buffer whose level stayed high through a stable period. Not while recurring stalls hold a
 *   margin: that delay is kept on purpose.
 * - A packet's added delay is counted from its arrival to when its first sample plays: the tick
 *   plus whatever audio was buffered ahead of it. A frame's `sequenceNumber` is that of the last
 *   packet whose audio starts in it, -1 when none does (stretched audio, concealment, silence).
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
  /** Decoded audio between the packets and the ticks: what lets a tick's frame be stretched audio. */
  readonly #sync: SyncBuffer;
  /** One frame of audio being made (decoded, concealed or silent) before it joins {@link #sync}. */
  readonly #unit: Int16Array;
  readonly #stretch: TimeStretch | undefined;
  /** Level (delay beyond the due point, ms) from which speech is shortened; from `accelerateAboveMs`. */
  readonly #accelerateLevelMs: number;
  /** Level down to which shortening goes on once started; from `accelerateDownToMs`. */
  readonly #accelerateStopLevelMs: number;
  /** Speech is being shortened: the delay went above {@link #accelerateLevelMs} and is not yet down to {@link #accelerateStopLevelMs}. */
  #accelerating = false;
  /** Hindsight over the last seconds: whether every packet waited more than a frame. */
  readonly #spare: SpareCover;
  /** Samples still to shed of a frame the window showed nobody needed; 0 when not shedding. */
  #shedSamples = 0;
  /** Level below which speech is lengthened; from `expandBelowMs`. */
  readonly #expandLevelMs: number;
  /** Pitch periods repeated per tick while the buffer drains, and the correlation they need. */
  readonly #drainPeriods: number;
  readonly #drainMinCorrelation: number;
  /** Correlation a repeated period needs otherwise (below the target); from `minCorrelation`. */
  readonly #expandMinCorrelation: number;
  /** Media time of the newest packet pushed since the stream (re)started, ms. */
  #newestMediaMs = Number.NEGATIVE_INFINITY;
  readonly #samplesPerMs: number;
  /**
   * Packets whose audio is in {@link #sync}, in order: sequence number (unsigned 32-bit, so not an
   * Int32Array), arrival, where in the buffer they start. The first {@link #tickPackets} started in
   * the last tick's frame; the rest start later (audio stretched ahead of them) and carry over.
   */
  readonly #tickSequences = new Float64Array(MAX_PENDING_PACKETS);
  readonly #tickArrivalsMs = new Float64Array(MAX_PENDING_PACKETS);
  readonly #tickStarts = new Int32Array(MAX_PENDING_PACKETS);
  #tickPackets = 0;
  #pendingPackets = 0;
  /** Kind of the last frame of audio that joined {@link #sync}. */
  #unitKind: AudioFrameKind = 'silence';
  /** A frame was played since the start or the last reset of the stream. */
  #started = false;
  #everPlayed = false;
  #concealRun = 0;
  #needsMerge = false;

  constructor(decoder: AudioDecoder, options: PlayoutOptions = {}, stats: JitterStats = new JitterStats()) {
    const frameMs = options.frameMs ?? 20;
    const minTargetMs = options.minTargetMs ?? frameMs;
    const maxTargetMs = options.maxTargetMs ?? 300;
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
    const stretchOptions = options.timeStretch === false ? undefined : options.timeStretch;
    this.#expandMinCorrelation = stretchOptions?.minCorrelation ?? 0.9;
    this.#stretch =
      options.timeStretch === false ? undefined : new TimeStretch(decoder.sampleRate, { quietDbfs: options.silenceDbfs ?? -45, minCorrelation: this.#expandMinCorrelation });
    this.#accelerateLevelMs = frameMs + (stretchOptions?.accelerateAboveMs ?? 20);
    this.#accelerateStopLevelMs = Math.min(this.#accelerateLevelMs, frameMs + (stretchOptions?.accelerateDownToMs ?? 5));
    this.#expandLevelMs = frameMs - (stretchOptions?.expandBelowMs ?? 20);
    this.#drainPeriods = stretchOptions?.drainPeriods ?? 3;
    this.#drainMinCorrelation = stretchOptions?.drainMinCorrelation ?? 0.6;
    if (!Number.isInteger(this.#drainPeriods) || this.#drainPeriods < 0) throw new RangeError(`drainPeriods must be an integer ≥ 0, got ${this.#drainPeriods}`);
    this.#samplesPerMs = decoder.sampleRate / 1000;
    this.#spare = new SpareCover(decoder.sampleRate);
    // Under a frame left over and two decoded (accelerating); pitch periods are only inserted into
    // the room left, so four frames always fit.
    this.#sync = new SyncBuffer(4 * this.frameSamples, this.frameSamples);
    this.#unit = new Int16Array(this.frameSamples);
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
      this.#accelerating = false;
      this.#shedSamples = 0;
      this.#spare.restart();
      this.#newestMediaMs = Number.NEGATIVE_INFINITY;
    }
    const mediaMs = this.reorder.lastKey * this.frameMs;
    if (mediaMs > this.#newestMediaMs) this.#newestMediaMs = mediaMs;
    // Late packets count too: they are the evidence that the target is too low.
    this.#estimator.observe(arrivalMs, mediaMs);
    return outcome;
  }

  /** Packets that started playing in the last tick's frame (at most two). */
  get playedInTick(): number {
    return this.#tickPackets;
  }

  /** Sequence number of packet `index` (< {@link playedInTick}) that started playing in the last tick's frame. */
  playedSequenceNumber(index: number): number {
    return this.#tickSequences[index] ?? -1;
  }

  /** How far into the last tick's frame packet `index` (< {@link playedInTick}) starts, in ms. */
  playedOffsetMs(index: number): number {
    return (this.#tickStarts[index] ?? 0) / this.#samplesPerMs;
  }

  /** Emits the one frame of the tick scheduled at `nowMs` (call it every `frameMs`). */
  tick(nowMs: number): AudioFrame {
    const stats = this.stats;
    stats.ticks++;
    const estimator = this.#estimator;
    estimator.advance(nowMs);
    // Copied only when it changes: a number copied between objects may be boxed on the way.
    if (stats.targetDelayMs !== estimator.targetMs) stats.targetDelayMs = estimator.targetMs;
    this.#carryOverStarts();
    const frame = this.#frame;
    // Audio stretched on earlier ticks may already cover this one: then no packet is due yet.
    if (this.#sync.length < this.frameSamples) this.#produce(nowMs);
    this.#reportStarts(nowMs);
    this.#sync.take(frame.samples, this.frameSamples);
    frame.sampleCount = this.frameSamples;
    frame.kind = this.#unitKind;
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
      // How early the head is decoded is what covers jitter; audio still buffered ahead of it adds
      // to what the caller waits, not to that cover.
      const level = delay - due;
      const leftover = this.#sync.length;
      const heardLevel = level + leftover / this.#samplesPerMs;
      if (!this.#started) {
        if (level >= 0) this.#play(head, nowMs);
        else this.#idle();
      } else if (level < this.#estimator.insertMarginMs && this.#lastOutputQuiet()) {
        this.#writeSilence();
        this.stats.driftInserted++;
      } else if (delay >= this.#overflowDelayMs) {
        this.#catchUp(head, delay, nowMs);
      } else if (this.#shedSpare(level) && this.#lastOutputQuiet()) {
        this.#playOrDropQuiet(head, nowMs);
      } else if ((heardLevel >= 2 * frameMs || (this.#accelerating && heardLevel > frameMs + frameMs / 2)) && this.#lastOutputQuiet()) {
        // Draining a backlog, a quiet frame goes whenever that leaves the delay nearer the target.
        this.#playOrDropQuiet(head, nowMs);
      } else {
        this.#play(head, nowMs);
        if (leftover > 0 && this.#cutQuietLeftover(leftover)) return;
        this.#accelerating = heardLevel >= this.#accelerateLevelMs || (this.#accelerating && heardLevel >= this.#accelerateStopLevelMs);
        if (this.#accelerating || this.#shedSamples > 0) this.#accelerate(nowMs);
        else if (level < this.#expandLevelMs) this.#expand();
        else if (this.#draining(nowMs)) for (let i = 0; i < this.#drainPeriods && this.#expand(this.#drainMinCorrelation); i++);
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
   * Above the target mid-speech: removes one pitch period from the buffered audio, decoding the next
   * packet too when that gives the search a full-length period to work with. Never leaves less than
   * this tick's frame.
   */
  #accelerate(nowMs: number): void {
    const stretch = this.#stretch;
    if (stretch === undefined) return;
    const sync = this.#sync;
    const frameSamples = this.frameSamples;
    if (sync.length - frameSamples < stretch.maxLag) {
      const following = this.reorder.head();
      if (following !== undefined) this.#play(following, nowMs);
    }
    const removed = stretch.accelerate(sync.samples, 0, sync.length, sync.length - frameSamples);
    if (removed === 0) return;
    sync.length -= removed;
    this.#shed(removed);
    this.#shiftStarts(removed, -removed);
    this.stats.acceleratedMs += removed / this.#samplesPerMs;
  }

  /**
   * Whether a frame nobody needed is being given back: starts when every packet of the last seconds
   * waited more than a frame (plus a guard) and the head's level leaves room to play a frame sooner
   * without falling below the due point; stops once a frame's worth is shed or the level is used up.
   */
  #shedSpare(level: number): boolean {
    const guardMs = SHED_GUARD_MS;
    if (this.#shedSamples === 0 && level >= this.frameMs + guardMs && !this.#estimator.holdsStallMargin() && this.#spare.covers(this.frameMs + guardMs)) {
      this.#shedSamples = this.frameSamples;
      this.#spare.restart();
    } else if (this.#shedSamples > 0 && level < guardMs) {
      this.#shedSamples = 0;
    }
    return this.#shedSamples > 0;
  }

  /** Counts `samples` cut from the buffered audio against the frame being shed. */
  #shed(samples: number): void {
    if (this.#shedSamples > 0) this.#shedSamples = samples >= this.#shedSamples ? 0 : this.#shedSamples - samples;
  }

  /**
   * Whether the next packet is overdue by more than the usual jitter and half a frame: a stall or a
   * spike is under way, and every pitch period repeated now is less to conceal if it lasts. (The half
   * frame is what a sender clock running slightly slow makes its packets late by, with no stall.)
   */
  #draining(nowMs: number): boolean {
    const estimator = this.#estimator;
    const overdueMs = nowMs - estimator.baselineMs - this.#newestMediaMs - this.frameMs;
    return overdueMs > estimator.usualJitterMs + this.frameMs / 2;
  }

  /**
   * Below the target mid-speech, or draining: repeats one pitch period of the buffered audio, so the
   * next packet waits longer. False when the audio did not allow it.
   */
  #expand(minCorrelation = this.#expandMinCorrelation): boolean {
    const stretch = this.#stretch;
    if (stretch === undefined) return false;
    const sync = this.#sync;
    const inserted = stretch.expand(sync.samples, 0, sync.length, stretch.maxLag, minCorrelation);
    if (inserted === 0) return false;
    sync.length += inserted;
    this.#shiftStarts(inserted, inserted);
    this.stats.expandedMs += inserted / this.#samplesPerMs;
    return true;
  }

  /**
   * In a quiet stretch, drops the `leftover` samples that were buffered ahead of the frame just
   * decoded: they only made the caller wait, and with both sides quiet the cut is inaudible.
   */
  #cutQuietLeftover(leftover: number): boolean {
    if (this.#stretch === undefined || !this.#lastOutputQuiet()) return false;
    if (scaledEnergy(this.#unit, this.frameSamples) > this.#quietEnergy) return false;
    const sync = this.#sync;
    sync.samples.copyWithin(0, leftover, sync.length);
    sync.length -= leftover;
    this.#shed(leftover);
    this.#shiftStarts(0, -leftover);
    this.stats.acceleratedMs += leftover / this.#samplesPerMs;
    return true;
  }

  /** A splice of one `lag` at the front of the buffer moved every packet start past the first period by `by`. */
  #shiftStarts(lag: number, by: number): void {
    const starts = this.#tickStarts;
    for (let i = 0; i < this.#pendingPackets; i++) {
      // A packet whose start was cut away (quiet leftover) starts where the audio now does.
      if (starts[i]! >= lag) starts[i] = starts[i]! + by > 0 ? starts[i]! + by : 0;
    }
  }

  /** Forgets the packets reported last tick; those still ahead move up one frame, as the buffer did. */
  #carryOverStarts(): void {
    const reported = this.#tickPackets;
    const remaining = this.#pendingPackets - reported;
    const sequences = this.#tickSequences;
    const arrivals = this.#tickArrivalsMs;
    const starts = this.#tickStarts;
    for (let i = 0; i < remaining; i++) {
      sequences[i] = sequences[reported + i]!;
      arrivals[i] = arrivals[reported + i]!;
      starts[i] = starts[reported + i]! - this.frameSamples;
    }
    this.#pendingPackets = remaining;
    this.#tickPackets = 0;
  }

  /**
   * Reports the packets whose audio starts in this tick's frame: each waited until the tick plus the
   * audio ahead of it, and the frame takes the last one's sequence number.
   */
  #reportStarts(nowMs: number): void {
    const starts = this.#tickStarts;
    let count = 0;
    while (count < this.#pendingPackets && starts[count]! < this.frameSamples) count++;
    this.#tickPackets = count;
    const delays = this.stats.addedDelay;
    for (let i = 0; i < count; i++) {
      delays.addDifference(nowMs + starts[i]! / this.#samplesPerMs, this.#tickArrivalsMs[i]!);
    }
    this.#spare.tick(nowMs, starts, this.#tickArrivalsMs, count);
    this.#frame.sequenceNumber = count > 0 ? this.#tickSequences[count - 1]! : -1;
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
    if (this.#decode(slot)) this.#emitSpeech(slot);
    else this.#concealUndecodable();
  }

  /** Above the target in a quiet stretch: drop this frame if it is quiet too and another follows. */
  #playOrDropQuiet(head: BufferedPacket, nowMs: number): void {
    if (!this.#decode(head)) {
      this.#concealUndecodable();
      return;
    }
    const following = this.reorder.peek(head.key + 1);
    if (following !== undefined && scaledEnergy(this.#unit, this.frameSamples) <= this.#quietEnergy) {
      this.reorder.release();
      this.#shed(this.frameSamples);
      this.stats.driftDropped++;
      this.#play(following, nowMs);
      return;
    }
    this.#emitSpeech(head);
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

  /** Adds a frame for a missing slot; `next` is the packet right after it, when buffered (for FEC). */
  #conceal(next: BufferedPacket | undefined): void {
    this.#spare.missed();
    this.#concealRun++;
    if (this.#concealRun > this.#concealFrames) {
      this.#writeSilence();
      return;
    }
    const samples = this.#unit;
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
    this.#sync.append(samples, count);
    this.#unitKind = 'concealed';
  }

  /** Decodes `slot` into the unit; false when the codec refused the payload (a corrupt Opus packet, say). */
  #decode(slot: BufferedPacket): boolean {
    const samples = this.#unit;
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

  /** Appends the decoded unit of `slot` and releases it; its delay is recorded once the tick's splices are known. */
  #emitSpeech(slot: BufferedPacket): void {
    const samples = this.#unit;
    const count = this.frameSamples;
    if (this.#recovery === undefined) {
      if (this.#concealRun > 0 || this.#needsMerge) this.#waveform.merge(samples, count);
      this.#waveform.remember(samples, count);
    }
    const sync = this.#sync;
    const index = this.#pendingPackets++;
    this.#tickSequences[index] = slot.sequenceNumber;
    this.#tickArrivalsMs[index] = slot.arrivalMs;
    this.#tickStarts[index] = sync.length;
    sync.append(samples, count);
    this.#unitKind = 'speech';
    this.stats.played++;
    this.reorder.release();
    this.#concealRun = 0;
    this.#needsMerge = false;
    this.#started = true;
    this.#everPlayed = true;
  }

  #writeSilence(): void {
    const samples = this.#unit;
    samples.fill(0, 0, this.frameSamples);
    this.#sync.append(samples, this.frameSamples);
    this.#unitKind = 'silence';
  }
}
