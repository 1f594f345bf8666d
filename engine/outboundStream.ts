import type { BotOutput, ClearedAudio } from '../bots/api.js';
import { OutboundQueue } from '../codecs/outboundQueue.js';
import type { Resampler } from '../codecs/resample/types.js';
import { PassThroughResampler } from '../codecs/resample/passThroughResampler.js';
import { outboundScratch, type OutboundScratch } from './outboundScratch.js';
import type { AudioEncoder } from '../codecs/types.js';
import type { PacedStream } from './pacer.js';

/** Builds outbound Telnyx frames as JSON text. */
export interface OutboundFrameWriter {
  /** A `media` frame carrying `bytes[0, length)`; `bytes` is reused for the next message, so copy what you keep. */
  media(bytes: Uint8Array, length: number): string;
  /** A `mark` frame. */
  mark(name: string): string;
  /** The `clear` frame. */
  clear(): string;
}

/** Counters of one call's outbound side. */
export interface OutboundStats {
  /** 20 ms frames of audio sent. */
  framesSent: number;
  /** `media` messages sent; fewer than frames when several frames share a message. */
  messagesSent: number;
  marksSent: number;
  /** Mark echoes passed to the bot as played. */
  marksPlayed: number;
  /** Mark echoes Telnyx sent for marks a `clear` had cut, which the bot is not told about twice. */
  marksCutEchoed: number;
  clears: number;
  /** Talk spurts started, each after its prebuffer. */
  spurts: number;
  /** Spurts that began within 40 ms of the previous one's end: the bot fell behind real time and the caller heard a gap. */
  underruns: number;
  /** Samples a bot tried to play beyond the queue's cap. */
  samplesRefused: number;
}

/** Sizing and timing of an {@link OutboundStream}. */
export interface OutboundStreamOptions {
  /** Rate of the PCM the bot plays, in Hz. */
  readonly botSampleRate: number;
  /** Media frames per message: several 20 ms frames share one message to cut the message count (1 for Opus). */
  readonly framesPerMessage: number;
  /** Audio queued before a talk spurt starts, in 20 ms frames, so a bot producing in real time does not stutter. */
  readonly prebufferFrames: number;
  /** Audio kept at Telnyx ahead of playback, in 20 ms frames: a message goes out when no more than this is left. */
  readonly leadFrames: number;
  /** Milliseconds since the pacing clock's last tick, so a spurt started between ticks is timed right (default: 0). */
  readonly msSinceTick?: (() => number) | undefined;
  /** Cap on queued audio, in milliseconds. */
  readonly maxQueuedMs: number;
}

/**
 * Default outbound timing: up to 100 ms per message, 40 ms prebuffer, and up to 200 ms of queued audio
 * held at Telnyx ahead of playback, which carries the caller through a stall of the engine-to-Telnyx
 * TCP path of about 260 ms without a gap (Telnyx's `clear` drops what it holds, so barge-in costs
 * nothing). Five frames a message rather than three: Telnyx takes 20 ms to 30 s per message and
 * drops all it holds on `clear`, and at 500 echo calls the engine spent about a quarter less CPU
 * per call (bench/RESULTS.md).
 */
export const DEFAULT_OUTBOUND_TIMING = { framesPerMessage: 5, prebufferFrames: 2, leadFrames: 10 } as const;

const TICK_MS = 20;
/** Telnyx holds at most this many frames: a whole frame at hand goes out at once, full message or not. */
const RUNNING_LOW_FRAMES = 2;
/** Frames the outbound ring holds before it first grows (320 ms). */
const INITIAL_QUEUE_FRAMES = 16;

/** The part of a call recorder the outbound side writes to. */
export interface BotSideRecorder {
  /** Bot audio the caller hears at pacer tick `tick`; `samples` is reused for the next frame, so copy what you keep. */
  bot(tick: number, samples: Int16Array, count: number): void;
  /** Erases bot audio from tick `fromTick` on (a barge-in cut it). */
  cutBot(fromTick: number): void;
}

/**
 * One call's outbound side: the bot writes PCM at its own rate and any pace; the shared pacer calls
 * {@link pace} every 20 ms, which cuts 20 ms frames, resamples them to the codec's rate, encodes a
 * message of one or more frames when Telnyx's buffer runs low, and sends every mark whose audio has
 * gone out.
 *
 * @remarks The stream keeps count of what Telnyx holds (frames sent minus ticks since), so it knows
 * when to send next and, on `clear`, how much sent audio was never heard. Marks are cut out of
 * batched messages so each goes right after its own audio. After a `clear`, Telnyx also echoes the
 * marks it dropped; those echoes are recognised and swallowed, so a bot only ever hears of a mark
 * whose audio played.
 */
export class OutboundStream implements PacedStream, BotOutput {
  pacerSlot = -1;
  readonly sampleRate: number;
  readonly stats: OutboundStats = {
    framesSent: 0,
    messagesSent: 0,
    marksSent: 0,
    marksPlayed: 0,
    marksCutEchoed: 0,
    clears: 0,
    spurts: 0,
    underruns: 0,
    samplesRefused: 0,
  };
  readonly #queue: OutboundQueue;
  readonly #encoder: AudioEncoder;
  readonly #resampler: Resampler;
  readonly #writer: OutboundFrameWriter;
  readonly #send: (text: string) => void;
  readonly #options: OutboundStreamOptions;
  /** Samples per 20 ms frame at the bot's rate. */
  readonly #frameSamples: number;
  /** Buffers a message is built in, shared by every call (they hold nothing between messages). */
  readonly #scratch: OutboundScratch;
  /** True when the bot's rate is the codec's: frames are encoded as read, not copied first. */
  readonly #sameRate: boolean;
  /** Bot-rate samples in a full message. */
  readonly #messageSamples: number;
  /** Audio queued before a talk spurt starts, in bot-rate samples. */
  #prebufferSamples: number;
  /** Frames sent to Telnyx and not played yet, by our clock. */
  #framesAtTelnyx = 0;
  /** How far into a tick (in samples) the current spurt started playing at Telnyx; 0 for a spurt started on a tick. */
  #spurtOffsetSamples = 0;
  /** Set only while a spurt is being started between ticks. */
  #startingBetweenTicksSamples = 0;
  #inSpurt = false;
  #wroteSinceTick = false;
  #ticks = 0;
  #spurtEndedAtTick = Number.NEGATIVE_INFINITY;
  /** Names of marks sent and not echoed yet, oldest first. */
  readonly #awaitingEcho: string[] = [];
  /** For each entry of #awaitingEcho, the tick by which its audio has played by our clock. */
  readonly #echoDueTicks: number[] = [];
  /** Where bot frames go, at the tick the caller hears them, when the call is recorded. */
  #recorder: BotSideRecorder | undefined;
  /** Names of marks a `clear` cut after they were sent: Telnyx echoes them too. */
  readonly #cutEchoes: string[] = [];

  constructor(
    encoder: AudioEncoder,
    resampler: Resampler,
    writer: OutboundFrameWriter,
    send: (text: string) => void,
    options: OutboundStreamOptions,
  ) {
    if (resampler.inputRate !== options.botSampleRate || resampler.outputRate !== encoder.sampleRate) {
      throw new RangeError(`resampler ${resampler.inputRate}→${resampler.outputRate} Hz does not join bot ${options.botSampleRate} Hz to codec ${encoder.sampleRate} Hz`);
    }
    this.sampleRate = options.botSampleRate;
    this.#encoder = encoder;
    this.#resampler = resampler;
    this.#writer = writer;
    this.#send = send;
    this.#options = options;
    this.#frameSamples = (options.botSampleRate * TICK_MS) / 1000;
    this.#messageSamples = this.#frameSamples * options.framesPerMessage;
    this.#prebufferSamples = this.#frameSamples * options.prebufferFrames;
    const codecFrameSamples = (encoder.sampleRate * TICK_MS) / 1000;
    this.#sameRate = resampler instanceof PassThroughResampler;
    // Two bytes per sample covers L16, the widest payload; compressed codecs use less.
    this.#scratch = outboundScratch(this.#frameSamples, resampler.maxOutputCount(this.#frameSamples), codecFrameSamples * 2, codecFrameSamples * 2 * options.framesPerMessage);
    this.#queue = new OutboundQueue({
      // Room for a 200 ms prebuffer and some lead; a bot that writes whole utterances at once
      // doubles the ring a few times early in the call, and it never shrinks.
      initialSamples: this.#frameSamples * INITIAL_QUEUE_FRAMES,
      maxSamples: (options.botSampleRate * options.maxQueuedMs) / 1000,
    });
  }

  get queuedSamples(): number {
    return this.#queue.queuedSamples;
  }

  /** True when nothing is left to send. */
  get sentAll(): boolean {
    return this.#queue.queuedSamples === 0 && this.#queue.queuedMarks === 0;
  }

  /**
   * True when everything the bot played has been heard by the pacing clock: nothing left to send
   * and nothing held at Telnyx. A hang-up or transfer waits for this, not for {@link sentAll}, so
   * the audio sent ahead (the lead) is not cut off the end of a goodbye.
   */
  get drained(): boolean {
    return this.#framesAtTelnyx === 0 && this.sentAll;
  }

  /** Audio sent to Telnyx and not yet played by our clock, in milliseconds. */
  get aheadMs(): number {
    return this.#framesAtTelnyx * TICK_MS;
  }

  /**
   * How long, in milliseconds, the oldest mark still waiting for its echo has been due: its audio
   * has played by our clock, so Telnyx should have echoed it. 0 when no mark is overdue. A stream
   * that is not bidirectional RTP never plays our audio, so its marks stay overdue.
   */
  get markEchoOverdueMs(): number {
    const due = this.#echoDueTicks[0];
    return due === undefined || this.#ticks <= due ? 0 : (this.#ticks - due) * TICK_MS;
  }

  play(pcm: Int16Array, offset = 0, count = pcm.length - offset): number {
    const accepted = this.#queue.write(pcm, offset, count);
    if (accepted > 0) this.#wroteSinceTick = true;
    if (accepted < count) this.stats.samplesRefused += count - accepted;
    // A talk spurt that starts from silence with a whole message of audio at hand (an AI answer or a
    // prompt arrives in chunks of 100 ms or more) goes out now rather than at the next tick: Telnyx
    // has nothing to play, so waiting would only add up to 20 ms before the caller hears it. A bot
    // that writes 20 ms at a time still fills its first message on the tick.
    if (!this.#inSpurt && this.#framesAtTelnyx === 0 && this.#queue.samplesBeforeNextMark >= this.#startAtOnceSamples) {
      // Telnyx starts playing now, part-way into a tick: by each tick it has played that much less
      // than the tick count says, for as long as this spurt lasts.
      this.#startingBetweenTicksSamples = this.#samplesSinceTick();
      this.#sendMessage();
      this.#startingBetweenTicksSamples = 0;
      this.#topUp(this.#options.leadFrames);
    } else if (this.#inSpurt) {
      // Mid-spurt, what is ready goes now, not at the next tick: a bot that speaks in real time (a
      // forwarded bot server, a streaming model) gets each frame out as it arrives while Telnyx is
      // running low, instead of waiting up to 20 ms for the tick. What goes now is what the next
      // tick would send (Telnyx will be down to its lead by then); Telnyx just holds a frame more.
      this.#topUp(this.#options.leadFrames + 1);
    }
    return accepted;
  }

  mark(name: string): void {
    this.#queue.mark(name);
  }

  setPrebufferMs(ms: number): void {
    if (!(ms >= 0 && ms <= this.#options.maxQueuedMs)) throw new RangeError(`prebuffer must be from 0 to ${this.#options.maxQueuedMs} ms, got ${ms}`);
    this.#prebufferSamples = Math.round((ms * this.sampleRate) / 1000);
  }

  clear(): ClearedAudio {
    const dropped = this.#queue.clear();
    const sentNotEchoed = this.#awaitingEcho.splice(0);
    this.#echoDueTicks.length = 0;
    for (const name of sentNotEchoed) this.#cutEchoes.push(name);
    const cleared: ClearedAudio = {
      unsentSamples: dropped.droppedSamples,
      unplayedSamples: this.#unplayedSamples(),
      cutMarks: [...sentNotEchoed, ...dropped.droppedMarks],
    };
    // Audio already sent ahead but not yet heard is cut from the recording too.
    this.#recorder?.cutBot(this.#ticks);
    this.#framesAtTelnyx = 0;
    this.#inSpurt = false;
    this.#resampler.reset();
    this.stats.clears++;
    this.#send(this.#writer.clear());
    return cleared;
  }

  /** Starts (or stops, with undefined) copying every bot frame to a recording. */
  setRecorder(recorder: BotSideRecorder | undefined): void {
    this.#recorder = recorder;
  }

  /** Frees the encoder and resampler (native state for Opus); the stream sends nothing afterwards. */
  close(): void {
    this.#queue.clear();
    this.#encoder.close();
    this.#resampler.close();
  }

  /**
   * Tells the stream Telnyx echoed mark `name`. Returns true when the echo means the mark's audio
   * played (pass it to the bot), false when it is the echo of a mark a `clear` already reported cut.
   */
  acceptMarkEcho(name: string): boolean {
    if (this.#cutEchoes[0] === name) {
      this.#cutEchoes.shift();
      this.stats.marksCutEchoed++;
      return false;
    }
    const index = this.#awaitingEcho.indexOf(name);
    if (index >= 0) {
      this.#awaitingEcho.splice(index, 1);
      this.#echoDueTicks.splice(index, 1);
    }
    this.stats.marksPlayed++;
    return true;
  }

  /** One tick: Telnyx played 20 ms; top its buffer up to the lead, each mark right after its audio. */
  pace(): void {
    this.#ticks++;
    if (this.#framesAtTelnyx > 0) this.#framesAtTelnyx--;
    this.#topUp(this.#options.leadFrames);
    if (this.#inSpurt && this.#framesAtTelnyx === 0 && this.#queue.queuedSamples === 0) {
      this.#inSpurt = false;
      this.#spurtEndedAtTick = this.#ticks;
    }
    this.#wroteSinceTick = false;
    this.#sendDueMarks();
  }

  /**
   * Sends messages while Telnyx holds no more than `upTo` frames and the queue has what a message
   * needs, so queued audio reaches the full lead at once, not one message per tick.
   */
  #topUp(upTo: number): void {
    while (this.#framesAtTelnyx <= upTo && this.#readyToSend()) {
      const sent = this.#sendMessage();
      this.#sendDueMarks();
      if (sent === 0) return;
    }
  }

  /** Sends every mark whose audio has gone out, noting the tick by which that audio has played. */
  #sendDueMarks(): void {
    const queue = this.#queue;
    for (let name = queue.takeDueMark(); name !== undefined; name = queue.takeDueMark()) {
      this.#send(this.#writer.mark(name));
      this.#awaitingEcho.push(name);
      this.#echoDueTicks.push(this.#ticks + this.#framesAtTelnyx);
      this.stats.marksSent++;
    }
  }

  /**
   * Whether the queue holds what the next message needs: a prebuffer to open a spurt; then a full
   * message, or any whole frame once Telnyx is running low.
   *
   * @remarks Waiting for a full message while Telnyx still holds audio is what lets several frames
   * share a message when the bot's audio is ahead of real time (a prompt, TTS, an AI reply, an
   * echo's delay), at no cost to a bot speaking in real time, whose frames find Telnyx running low.
   */
  #readyToSend(): boolean {
    const queued = this.#queue.queuedSamples;
    if (queued === 0) return false;
    // A short tail waits for more audio, unless the bot has stopped writing or a mark follows it:
    // then it goes out padded with silence, since Telnyx wants at least 20 ms per media frame.
    if (this.#tailIsFinal()) return true;
    if (!this.#inSpurt) return queued >= this.#prebufferSamples;
    if (queued >= this.#messageSamples) return true;
    return this.#framesAtTelnyx <= RUNNING_LOW_FRAMES && queued >= this.#frameSamples;
  }

  /** True when what is queued will not grow before it must go: the bot stopped writing, or a mark follows it. */
  #tailIsFinal(): boolean {
    return !this.#wroteSinceTick || this.#queue.hasMarkAfterQueuedAudio();
  }

  #samplesSinceTick(): number {
    return Math.round(((this.#options.msSinceTick?.() ?? 0) * this.sampleRate) / 1000);
  }

  /**
   * Audio sent and not yet played, by the pacing clock: what the ticks left at Telnyx, less the part
   * of the current tick already played, plus how far into a tick the spurt started.
   */
  #unplayedSamples(): number {
    if (this.#framesAtTelnyx === 0) return 0;
    const unplayed = this.#framesAtTelnyx * this.#frameSamples + this.#spurtOffsetSamples - this.#samplesSinceTick();
    return unplayed > 0 ? unplayed : 0;
  }

  /** Audio that lets a spurt start between ticks: a full message, and at least the prebuffer. */
  get #startAtOnceSamples(): number {
    return Math.max(this.#prebufferSamples, this.#messageSamples);
  }

  /** Sends one message of up to `framesPerMessage` frames; returns how many frames it carried. */
  #sendMessage(): number {
    const queue = this.#queue;
    const frameSamples = this.#frameSamples;
    const { botFrame, frameBytes, messageBytes } = this.#scratch;
    const codecFrame = this.#sameRate ? botFrame : this.#scratch.codecFrame;
    let length = 0;
    let frames = 0;
    while (frames < this.#options.framesPerMessage) {
      const beforeMark = queue.samplesBeforeNextMark;
      if (beforeMark === 0) break;
      if (beforeMark < frameSamples && !this.#tailIsFinal()) break;
      const read = queue.read(botFrame, beforeMark < frameSamples ? beforeMark : frameSamples);
      if (read < frameSamples) botFrame.fill(0, read, frameSamples);
      // The caller hears this frame after what Telnyx already holds and the frames before it in this message.
      this.#recorder?.bot(this.#ticks - 1 + this.#framesAtTelnyx + frames, botFrame, frameSamples);
      const codecSamples = this.#sameRate ? frameSamples : this.#resampler.process(botFrame, frameSamples, codecFrame);
      const encoded = this.#encoder.encode(codecFrame, 0, codecSamples, frameBytes);
      for (let i = 0; i < encoded; i++) messageBytes[length + i] = frameBytes[i]!;
      length += encoded;
      frames++;
      if (read < frameSamples) break;
    }
    if (frames === 0) return 0;
    this.#send(this.#writer.media(messageBytes, length));
    if (!this.#inSpurt) {
      this.#spurtOffsetSamples = this.#startingBetweenTicksSamples;
      this.#inSpurt = true;
      this.stats.spurts++;
      if (this.#ticks - this.#spurtEndedAtTick <= 2) this.stats.underruns++;
    }
    this.#framesAtTelnyx += frames;
    this.stats.framesSent += frames;
    this.stats.messagesSent++;
    return frames;
  }
}
