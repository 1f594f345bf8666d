/**
 * Records one call as a stereo PCM16 WAV (caller left, bot right) on the engine's 20 ms tick grid,
 * off the hot path: frames are copied into pooled blocks, a timer appends the finished ticks to the
 * file and rewrites the header, so the file is a playable WAV after every flush.
 */
import { WAV_HEADER_BYTES } from '../../bots/wav/writeWav.js';
import { systemClock, type Clock } from '../clock.js';
import { BatchedFileWriter } from '../files/batchedFileWriter.js';
import { sharedRecordingBlockPool, type RecordingBlockPool } from './recordingBlockPool.js';
import { openRecordingFile, writeFullyAt, type OpenRecordingFile, type RecordingFile } from './recordingFile.js';
import { createStereoWavHeader, MAX_WAV_DATA_BYTES, setWavDataBytes } from './stereoWavHeader.js';

const TICKS_PER_SECOND = 50;
const TICK_MS = 1000 / TICKS_PER_SECOND;
const CHANNELS = 2;
const CALLER_CHANNEL = 0;
const BOT_CHANNEL = 1;

/** What {@link CallRecorder}'s slot lookup returns instead of a sample index. */
const REFUSED_LATE = -1;
const REFUSED_FULL = -2;

/** WAV samples are little-endian; blocks hold host order, swapped at write time on the rare big-endian host. */
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
/** Silence for ticks no frame touched; views of it are written as often as needed. */
const SILENCE = Buffer.alloc(64 * 1024);
const NO_BLOCK = new Int16Array(0);

/** Tuning of {@link CallRecorder}. */
export interface CallRecorderOptions {
  /** Rate of both sides' PCM, in Hz; a multiple of 50, so a tick is a whole number of samples. */
  readonly sampleRate: number;
  /** Time source of the flush timer; default the process clock. */
  readonly clock?: Clock;
  /** Time between flushes. Default 500 ms. */
  readonly flushIntervalMs?: number;
  /** Audio held while waiting for the disk; beyond this (rounded up to whole blocks), frames are dropped. Default 10 s. */
  readonly maxBufferedMs?: number;
  /** Call tick that becomes the file's first sample, when recording starts mid-call. Default 0. */
  readonly firstTick?: number;
  /** Cap on the file's audio, in bytes; frames past it are dropped. Default and maximum: the RIFF limit, about 4 GiB. */
  readonly maxDataBytes?: number;
  /** Block pool; default the process-wide one. */
  readonly pool?: RecordingBlockPool;
  /** Opens the file; default creates its folder and opens it for writing, truncating it. */
  readonly openFile?: OpenRecordingFile;
  /** Told once when the file cannot be written; the recorder then records nothing more. */
  readonly onError?: (error: Error) => void;
}

/** What a recorder has done so far. */
export interface CallRecorderStats {
  readonly path: string;
  /** Ticks the header declares: on disk and playable. */
  readonly ticksWritten: number;
  /** Bytes of audio the header declares. */
  readonly dataBytes: number;
  /** Caller frames accepted. */
  readonly callerFrames: number;
  /** Bot frames accepted. */
  readonly botFrames: number;
  /** Accepted frames whose `count` was not one tick: shorter ones padded with silence, longer ones truncated. */
  readonly resizedFrames: number;
  /** Frames for ticks already handed to the disk, before `firstTick`, or not integers: ignored. */
  readonly lateFrames: number;
  /** Frames dropped because the disk fell more than `maxBufferedMs` behind; their ticks are silent in the file. */
  readonly droppedFrames: number;
  /** Frames past `maxDataBytes`: not recorded. */
  readonly truncatedFrames: number;
  /** Ticks whose bot audio {@link CallRecorder.cutBot} erased. */
  readonly cutTicks: number;
  /** The I/O error that stopped the recorder, if any. */
  readonly error: Error | undefined;
}

/**
 * Writes one call's recording to `path`: a stereo 16-bit PCM WAV, caller on the left channel, bot on
 * the right, one 20 ms tick of the engine's pacer per `sampleRate / 50` stereo frames.
 *
 * @remarks
 * Hot path: {@link caller} and {@link bot} copy a frame into its tick's place in a pooled block
 * (interleaved, so flushing copies nothing) and allocate nothing once the pool is warm. A side
 * missing for a tick is silence; a frame whose `count` is not one tick is padded with silence or
 * truncated (counted in `resizedFrames`), never thrown at, so a recording can never disturb a call.
 *
 * Bot audio is recorded at the tick it plays, which may be several ticks after it was sent.
 * A tick is final once its caller frame has arrived; its bot audio must be written before the next
 * flush, which in the engine holds because both are written in the same pacer tick. A frame for a
 * tick already handed to the disk is ignored and counted as late.
 *
 * Off the hot path: a timer every `flushIntervalMs` appends the final ticks with one vectored write
 * (one write in flight at a time), then rewrites the 44-byte header with the new sizes. The header
 * is only updated after the audio it declares is written, so the file on disk is a valid WAV at
 * every moment, also if the process dies: it then holds everything up to the last flush. When the
 * disk falls more than `maxBufferedMs` behind, new frames are dropped and counted; their ticks are
 * written as silence, so the two channels stay aligned with each other and with the call.
 *
 * {@link close} writes everything, including bot audio sent ahead of the last caller tick (at most
 * the outbound lead, tens of milliseconds), and closes the file. Write errors stop the recorder
 * (reported once through `onError`); the call is never disturbed. The flush timer runs until
 * `close`, so every recorder must be closed.
 * @example
 * const recorder = new CallRecorder(join(dir, `${callId}.wav`), { sampleRate: 16000 });
 * recorder.caller(tick, frame.samples, frame.sampleCount); // each pacer tick
 * recorder.bot(playTick, botFrame, botFrame.length); // each frame sent
 * recorder.cutBot(tick + 1); // on clear()
 * await recorder.close(); // when the socket closes
 */
export class CallRecorder {
  /** Absolute or relative path of the WAV file. */
  readonly path: string;
  readonly #pool: RecordingBlockPool;
  readonly #firstTick: number;
  /** Mono samples in one tick. */
  readonly #frameSamples: number;
  /** Interleaved samples in one tick. */
  readonly #tickSamples: number;
  readonly #tickBytes: number;
  readonly #ticksPerBlock: number;
  /** Ring of blocks; block `b` lives in slot `b % slotCount` while `b` is in the held window. */
  readonly #slots: (Int16Array | undefined)[];
  readonly #slotCount: number;
  /** Most ticks one write covers, so its blocks are all in the held window. */
  readonly #maxWriteTicks: number;
  readonly #maxDataTicks: number;
  readonly #header: Buffer;
  readonly #batches: BatchedFileWriter<RecordingFile>;
  /** Block the last successful slot lookup found. */
  #target: Int16Array = NO_BLOCK;
  /** Ticks (counted from `firstTick`) below this have their caller frame: final. */
  #finalTick = 0;
  /** Ticks below this may hold bot audio. */
  #botEnd = 0;
  /** Ticks below this are handed to a write. */
  #committedTick = 0;
  /** Ticks below this are on disk and declared in the header. */
  #diskTick = 0;
  /** Blocks below this were released; the window is `[firstHeldBlock, firstHeldBlock + slotCount)`. */
  #firstHeldBlock = 0;
  #callerFrames = 0;
  #botFrames = 0;
  #resizedFrames = 0;
  #lateFrames = 0;
  #droppedFrames = 0;
  #truncatedFrames = 0;
  #cutTicks = 0;

  /**
   * @throws RangeError if `sampleRate` is not a positive multiple of 50 that fits a WAV header, if
   * `flushIntervalMs` or `maxBufferedMs` is not positive, or if the pool's blocks hold less than a tick.
   */
  constructor(path: string, options: CallRecorderOptions) {
    const { sampleRate } = options;
    if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate % TICKS_PER_SECOND !== 0) {
      throw new RangeError(`sampleRate must be a positive multiple of ${TICKS_PER_SECOND} Hz, got ${sampleRate}`);
    }
    const flushIntervalMs = options.flushIntervalMs ?? 500;
    const maxBufferedMs = options.maxBufferedMs ?? 10_000;
    if (!(flushIntervalMs > 0)) throw new RangeError(`flushIntervalMs must be positive, got ${flushIntervalMs}`);
    if (!(maxBufferedMs > 0)) throw new RangeError(`maxBufferedMs must be positive, got ${maxBufferedMs}`);
    const pool = options.pool ?? sharedRecordingBlockPool;
    const frameSamples = sampleRate / TICKS_PER_SECOND;
    const ticksPerBlock = Math.floor(pool.blockSamples / (frameSamples * CHANNELS));
    if (ticksPerBlock < 1) throw new RangeError(`pool blocks of ${pool.blockSamples} samples hold less than a ${sampleRate} Hz stereo tick`);

    this.path = path;
    this.#pool = pool;
    this.#firstTick = options.firstTick ?? 0;
    this.#frameSamples = frameSamples;
    this.#tickSamples = frameSamples * CHANNELS;
    this.#tickBytes = frameSamples * CHANNELS * 2;
    this.#ticksPerBlock = ticksPerBlock;
    // One more block than the cap needs: the oldest held block is usually partly on disk already.
    this.#slotCount = Math.ceil(Math.ceil(maxBufferedMs / TICK_MS) / ticksPerBlock) + 1;
    this.#slots = new Array<Int16Array | undefined>(this.#slotCount).fill(undefined);
    this.#maxWriteTicks = (this.#slotCount - 1) * ticksPerBlock;
    this.#maxDataTicks = Math.floor(Math.min(options.maxDataBytes ?? MAX_WAV_DATA_BYTES, MAX_WAV_DATA_BYTES) / this.#tickBytes);
    this.#header = createStereoWavHeader(sampleRate);
    this.#batches = new BatchedFileWriter<RecordingFile>(options.clock ?? systemClock, flushIntervalMs, {
      path,
      open: options.openFile ?? openRecordingFile,
      writeBatch: () => this.#writeUpTo(this.#finalTick),
      // A tick is recorded even when no frame came for it (silence): the timer keeps running.
      hasPending: () => true,
      release: () => this.#releaseAll(),
      onError: options.onError,
    });
    this.#batches.schedule();
  }

  /**
   * Records the caller frame heard at pacer tick `tick` (ticks count from the call's first tick):
   * `samples[0, count)`, mono at `sampleRate`. Copied; `samples` may be reused. Makes `tick` final.
   */
  caller(tick: number, samples: Int16Array, count: number): void {
    if (!this.#batches.accepting) return;
    const relative = tick - this.#firstTick;
    const at = this.#slotFor(relative);
    if (at === REFUSED_LATE) return;
    if (relative >= this.#finalTick) this.#finalTick = relative + 1;
    if (at < 0) return;
    if (copyIntoChannel(this.#target, at + CALLER_CHANNEL, samples, count, this.#frameSamples)) this.#resizedFrames++;
    this.#callerFrames++;
  }

  /**
   * Records bot audio that plays at pacer tick `tick`, which may be ahead of the last caller tick:
   * `samples[0, count)`, mono at `sampleRate`. Copied; `samples` may be reused. Must come before the
   * next flush after `caller(tick)`, else it is late.
   */
  bot(tick: number, samples: Int16Array, count: number): void {
    if (!this.#batches.accepting) return;
    const relative = tick - this.#firstTick;
    const at = this.#slotFor(relative);
    if (at < 0) return;
    if (copyIntoChannel(this.#target, at + BOT_CHANNEL, samples, count, this.#frameSamples)) this.#resizedFrames++;
    if (relative >= this.#botEnd) this.#botEnd = relative + 1;
    this.#botFrames++;
  }

  /**
   * Erases the bot audio already recorded for ticks `fromTick` and later (a barge-in `clear`: sent
   * ahead, never played). Ticks already handed to the disk stay as they are.
   */
  cutBot(fromTick: number): void {
    if (!this.#batches.accepting) return;
    const from = Math.max(Math.ceil(fromTick - this.#firstTick), this.#committedTick);
    const end = this.#botEnd;
    if (!(from < end)) return;
    for (let tick = from; tick < end; tick++) {
      const block = Math.floor(tick / this.#ticksPerBlock);
      const samples = this.#slots[block % this.#slotCount];
      if (samples !== undefined) clearChannel(samples, (tick - block * this.#ticksPerBlock) * this.#tickSamples + BOT_CHANNEL, this.#frameSamples);
    }
    this.#cutTicks += end - from;
    this.#botEnd = from;
  }

  /**
   * Writes every tick recorded so far (both sides, up to the last tick either reached), sets the
   * final sizes and closes the file. Idempotent: later calls return the same promise. Never rejects;
   * an I/O error goes to `onError` and {@link stats}.
   */
  close(): Promise<void> {
    return this.#batches.close(() => this.#writeUpTo(Math.max(this.#finalTick, this.#botEnd)));
  }

  /** Resolves once the flush in progress, if any, is on disk (or failed). */
  whenIdle(): Promise<void> {
    return this.#batches.whenIdle();
  }

  /** Counts so far. */
  get stats(): CallRecorderStats {
    return {
      path: this.path,
      ticksWritten: this.#diskTick,
      dataBytes: this.#diskTick * this.#tickBytes,
      callerFrames: this.#callerFrames,
      botFrames: this.#botFrames,
      resizedFrames: this.#resizedFrames,
      lateFrames: this.#lateFrames,
      droppedFrames: this.#droppedFrames,
      truncatedFrames: this.#truncatedFrames,
      cutTicks: this.#cutTicks,
      error: this.#batches.error,
    };
  }

  /**
   * Points {@link #target} at the block holding tick `relative` (taking one from the pool when the
   * tick is the block's first) and returns the tick's first interleaved sample index, or a refusal
   * after counting it.
   */
  #slotFor(relative: number): number {
    if (!(relative >= this.#committedTick) || !Number.isInteger(relative)) {
      this.#lateFrames++;
      return REFUSED_LATE;
    }
    if (relative >= this.#maxDataTicks) {
      this.#truncatedFrames++;
      return REFUSED_FULL;
    }
    const block = Math.floor(relative / this.#ticksPerBlock);
    if (block >= this.#firstHeldBlock + this.#slotCount) {
      this.#droppedFrames++;
      return REFUSED_FULL;
    }
    const slot = block % this.#slotCount;
    let samples = this.#slots[slot];
    if (samples === undefined) {
      samples = this.#pool.take();
      this.#slots[slot] = samples;
    }
    this.#target = samples;
    return (relative - block * this.#ticksPerBlock) * this.#tickSamples;
  }

  /**
   * Appends ticks up to `end` (exclusive, capped at `maxDataBytes`) in writes of at most
   * {@link #maxWriteTicks}, rewriting the header after each. Opens the file, with an empty WAV's
   * header, the first time.
   */
  async #writeUpTo(end: number): Promise<void> {
    const fresh = !this.#batches.opened;
    const file = await this.#batches.file();
    if (fresh) await file.write(this.#header, 0, WAV_HEADER_BYTES, 0);
    const last = Math.min(end, this.#maxDataTicks);
    while (this.#committedTick < last) {
      const from = this.#committedTick;
      const to = Math.min(last, from + this.#maxWriteTicks);
      const views = this.#viewsOf(from, to);
      this.#committedTick = to;
      await writeFullyAt(file, views, WAV_HEADER_BYTES + from * this.#tickBytes);
      setWavDataBytes(this.#header, to * this.#tickBytes);
      await file.write(this.#header, 0, WAV_HEADER_BYTES, 0);
      this.#diskTick = to;
      this.#releaseBlocksBefore(Math.floor(to / this.#ticksPerBlock));
    }
  }

  /** Views of ticks `[from, to)` in the held blocks, with silence where no block was taken. */
  #viewsOf(from: number, to: number): Buffer[] {
    const views: Buffer[] = [];
    const ticksPerBlock = this.#ticksPerBlock;
    for (let tick = from; tick < to; ) {
      const block = Math.floor(tick / ticksPerBlock);
      const next = Math.min(to, (block + 1) * ticksPerBlock);
      const bytes = (next - tick) * this.#tickBytes;
      const samples = this.#slots[block % this.#slotCount];
      if (samples === undefined) {
        for (let left = bytes; left > 0; left -= SILENCE.length) views.push(SILENCE.subarray(0, Math.min(left, SILENCE.length)));
      } else {
        const view = Buffer.from(samples.buffer, samples.byteOffset + (tick - block * ticksPerBlock) * this.#tickBytes, bytes);
        // These ticks are final and never touched again, so swapping in place is safe.
        if (!LITTLE_ENDIAN_HOST) view.swap16();
        views.push(view);
      }
      tick = next;
    }
    return views;
  }

  /** Gives back every held block below `block` and moves the window past them. */
  #releaseBlocksBefore(block: number): void {
    for (let b = this.#firstHeldBlock; b < block && b < this.#firstHeldBlock + this.#slotCount; b++) {
      const slot = b % this.#slotCount;
      const samples = this.#slots[slot];
      if (samples === undefined) continue;
      this.#slots[slot] = undefined;
      this.#pool.give(samples);
    }
    if (block > this.#firstHeldBlock) this.#firstHeldBlock = block;
  }

  /** Gives back every held block; only once nothing will be written or accepted any more. */
  #releaseAll(): void {
    for (let slot = 0; slot < this.#slotCount; slot++) {
      const samples = this.#slots[slot];
      if (samples === undefined) continue;
      this.#slots[slot] = undefined;
      this.#pool.give(samples);
    }
  }
}

/**
 * Copies `samples[0, count)` into every other sample of `block` from `at`, padding with silence or
 * truncating to one tick. Returns true when the frame was not exactly one tick.
 */
function copyIntoChannel(block: Int16Array, at: number, samples: Int16Array, count: number, frameSamples: number): boolean {
  const copied = Math.min(count, samples.length, frameSamples);
  let i = 0;
  for (; i < copied; i++) block[at + 2 * i] = samples[i]!;
  for (; i < frameSamples; i++) block[at + 2 * i] = 0;
  return copied !== frameSamples || count !== frameSamples;
}

/** Silences one tick of one channel. */
function clearChannel(block: Int16Array, at: number, frameSamples: number): void {
  for (let i = 0; i < frameSamples; i++) block[at + 2 * i] = 0;
}
