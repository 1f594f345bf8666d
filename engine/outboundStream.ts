import type { BotOutput, ClearedAudio } from '../bots/api.js';
import { OutboundQueue } from '../codecs/outboundQueue.js';
import type { AudioEncoder } from '../codecs/types.js';
import type { PacedStream } from './pacer.js';

/** Builds outbound Telnyx frames as JSON text. */
export interface OutboundFrameWriter {
  /** A `media` frame carrying `bytes[0, length)`. */
  media(bytes: Uint8Array, length: number): string;
  /** A `mark` frame. */
  mark(name: string): string;
  /** The `clear` frame. */
  clear(): string;
}

/** Counters of one call's outbound side. */
export interface OutboundStats {
  framesSent: number;
  marksSent: number;
  clears: number;
  /** Samples a bot tried to play beyond the queue's cap. */
  samplesRefused: number;
}

/** Sizing and timing of an {@link OutboundStream}. */
export interface OutboundStreamOptions {
  /** Samples per paced frame (20 ms). */
  readonly frameSamples: number;
  /** Cap on queued audio, in samples. */
  readonly maxQueuedSamples: number;
}

/**
 * One call's outbound side: the bot writes into it at any pace, the shared pacer takes one frame per
 * tick, encodes it and sends it; a mark goes out right after the audio queued before it.
 */
export class OutboundStream implements PacedStream, BotOutput {
  pacerSlot = -1;
  readonly sampleRate: number;
  readonly stats: OutboundStats = { framesSent: 0, marksSent: 0, clears: 0, samplesRefused: 0 };
  readonly #queue: OutboundQueue;
  readonly #encoder: AudioEncoder;
  readonly #writer: OutboundFrameWriter;
  readonly #send: (text: string) => void;
  readonly #frameSamples: number;
  readonly #frame: Int16Array;
  readonly #bytes: Uint8Array;
  #wroteSinceTick = false;

  constructor(encoder: AudioEncoder, writer: OutboundFrameWriter, send: (text: string) => void, options: OutboundStreamOptions) {
    this.sampleRate = encoder.sampleRate;
    this.#encoder = encoder;
    this.#writer = writer;
    this.#send = send;
    this.#frameSamples = options.frameSamples;
    this.#frame = new Int16Array(options.frameSamples);
    this.#bytes = new Uint8Array(options.frameSamples * 2);
    this.#queue = new OutboundQueue({ initialSamples: options.frameSamples * 50, maxSamples: options.maxQueuedSamples });
  }

  get queuedSamples(): number {
    return this.#queue.queuedSamples;
  }

  /** True when nothing is left to send. */
  get drained(): boolean {
    return this.#queue.queuedSamples === 0 && this.#queue.queuedMarks === 0;
  }

  play(pcm: Int16Array, offset = 0, count = pcm.length - offset): number {
    const accepted = this.#queue.write(pcm, offset, count);
    if (accepted > 0) this.#wroteSinceTick = true;
    if (accepted < count) this.stats.samplesRefused += count - accepted;
    return accepted;
  }

  mark(name: string): void {
    this.#queue.mark(name);
  }

  clear(): ClearedAudio {
    const cleared = this.#queue.clear();
    this.stats.clears++;
    this.#send(this.#writer.clear());
    return cleared;
  }

  /** Sends one frame if one is ready, then every mark that has become due. */
  pace(): void {
    const queue = this.#queue;
    const queued = queue.queuedSamples;
    // A short tail waits one tick for more audio, unless nothing came in the last tick or a mark
    // follows it: then it goes out padded, since Telnyx wants at least 20 ms per media frame.
    const sendTail = queued > 0 && (!this.#wroteSinceTick || queue.hasMarkAfterQueuedAudio());
    if (queued >= this.#frameSamples || sendTail) {
      const frame = this.#frame;
      const read = queue.read(frame, this.#frameSamples);
      if (read < this.#frameSamples) frame.fill(0, read);
      const length = this.#encoder.encode(frame, 0, this.#frameSamples, this.#bytes);
      this.#send(this.#writer.media(this.#bytes, length));
      this.stats.framesSent++;
    }
    this.#wroteSinceTick = false;
    for (let name = queue.takeDueMark(); name !== undefined; name = queue.takeDueMark()) {
      this.#send(this.#writer.mark(name));
      this.stats.marksSent++;
    }
  }
}
