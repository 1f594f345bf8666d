import type { Subscription } from 'rxjs';
import type { AudioFrame } from '../../bots/api.js';
import { resolveBotSampleRate, type BotSampleRate } from '../../bots/botSampleRate.js';
import { createDecoder, createEncoder, type CodecFormat, type CodecOptions } from '../../codecs/createCodec.js';
import { FrameChannel } from '../../codecs/frameChannel.js';
import type { JitterStats } from '../../codecs/jitter/jitterStats.js';
import { PacerTicks } from '../../codecs/jitter/pacerTicks.js';
import { PlayoutStage } from '../../codecs/jitter/playoutStage.js';
import { L16Decoder, L16Encoder } from '../../codecs/l16.js';
import { playout } from '../../codecs/operators/playout.js';
import { resampleFrames } from '../../codecs/operators/resampleFrames.js';
import { createResampler } from '../../codecs/resample/createResampler.js';
import { PassThroughResampler } from '../../codecs/resample/passThroughResampler.js';
import type { Resampler } from '../../codecs/resample/types.js';
import type { AudioDecoder } from '../../codecs/types.js';
import type { AgentMedia } from '../agent.js';
import type { Clock } from '../clock.js';
import { L16ByteOrderWatch } from '../l16ByteOrderWatch.js';
import type { Logger } from '../logger.js';
import { OutboundStream, type OutboundFrameWriter } from '../outboundStream.js';
import type { Pacer } from '../pacer.js';
import { ProtocolError, ProtocolErrorCode } from '../telnyx/errors.js';
import type { MediaFormat, MediaPacket } from '../telnyx/frames.js';
import type { SideOutputs } from './sideOutputs.js';

/** What a {@link MediaPipeline} is connected to. */
export interface MediaPipelineDeps {
  readonly clock: Clock;
  /** The call's logger. */
  readonly log: Logger;
  /** Where the bot hears the caller. */
  readonly audio: FrameChannel<AudioFrame>;
  /** Where the caller's audio is also recorded. */
  readonly sideOutputs: SideOutputs;
  /** Told when the inbound pipeline fails (a bug, not bad input). */
  readonly onError: (error: unknown) => void;
}

/** Where a pipeline's outbound frames go, and how they are paced. */
export interface OutboundWiring {
  readonly writer: OutboundFrameWriter;
  /** Sends one frame's text on the socket. */
  readonly send: (text: string) => void;
  readonly pacer: Pacer;
  /** Cap on queued outbound audio, in milliseconds. */
  readonly maxQueuedMs: number;
}

/**
 * One call's audio, both ways. Inbound: each accepted media packet goes into the jitter buffer
 * (reorder and playout stages, decoding at the pacer's ticks), is resampled to the bot's rate and
 * reaches the bot and the recording. Outbound: the bot's PCM goes through an {@link OutboundStream}
 * (resampler, encoder, paced messages). Built at `start`, when the codecs are known.
 *
 * @remarks Construction throws the codecs' and resamplers' "unsupported" errors; the outbound side
 * is opened separately ({@link openOutbound}) so a call whose outbound codec is refused still has
 * its inbound side, as it is built first. Pushing a packet allocates nothing.
 */
export class MediaPipeline {
  /** Rate the bot hears and plays on this call. */
  readonly botSampleRate: BotSampleRate;
  readonly #media: AgentMedia;
  readonly #codecOptions: CodecOptions;
  readonly #log: Logger;
  readonly #decoder: AudioDecoder;
  readonly #toBot: Resampler;
  readonly #playout: PlayoutStage;
  readonly #packets = new FrameChannel<MediaPacket>();
  /** Inbound playout ticks, driven by the shared pacer just before the outbound side. */
  readonly #ticks: PacerTicks;
  readonly #subscription: Subscription;
  readonly #bytesPerSample: number;
  /** Set on L16 calls for their first seconds: corrects a stream that arrives byte-swapped. */
  #l16Watch: L16ByteOrderWatch | undefined;
  #output: OutboundStream | undefined;

  constructor(format: MediaFormat, media: AgentMedia, deps: MediaPipelineDeps) {
    this.#media = media;
    this.#codecOptions = { l16ByteOrder: media.l16ByteOrder };
    this.#log = deps.log;
    const decoder = createDecoder(format, this.#codecOptions);
    this.#bytesPerSample = format.encoding === 'L16' ? 2 : 1;
    // Resampling first: it refuses a rate outside 8/16/24/48 kHz with a typed error, where the
    // playout stage would only see a frame size that is not a whole number of samples.
    const botSampleRate = resolveBotSampleRate(media.botSampleRate, format);
    let toBot: Resampler;
    try {
      toBot = createResampler(decoder.sampleRate, botSampleRate);
    } catch (error) {
      decoder.close();
      throw error;
    }
    this.#decoder = decoder;
    this.botSampleRate = botSampleRate;
    this.#toBot = toBot;
    this.#playout = new PlayoutStage(decoder, {
      minTargetMs: media.jitter.minDelayMs,
      maxTargetMs: media.jitter.maxDelayMs,
      ...(media.jitter.timeStretch ? {} : { timeStretch: false as const }),
    });
    this.#ticks = new PacerTicks(deps.clock);
    const { audio, sideOutputs, onError } = deps;
    const played = this.#packets.observable.pipe(playout(this.#playout, this.#ticks, deps.clock));
    // At equal rates resampling is a copy: the bot gets the playout stage's frame itself, one hop less per frame.
    const atBotRate = toBot instanceof PassThroughResampler ? played : played.pipe(resampleFrames(toBot));
    this.#subscription = atBotRate.subscribe({
      next: (frame) => {
        sideOutputs.callerAudio(frame);
        audio.next(frame);
      },
      error: onError,
    });
  }

  /** The bot's outbound queue; undefined until {@link openOutbound}. */
  get output(): OutboundStream | undefined {
    return this.#output;
  }

  /** Inbound jitter-buffer counters. */
  get jitter(): JitterStats {
    return this.#playout.stats;
  }

  /** The unit the jitter buffer learned for `media.timestamp`; NaN when sequence numbers alone timed the audio. */
  get inboundTimestampStep(): number {
    return this.#playout.reorder.timestampStep;
  }

  /**
   * Opens the outbound side in `format`; throws the codecs' and resamplers' "unsupported" errors.
   * Called once.
   */
  openOutbound(format: CodecFormat, wiring: OutboundWiring): OutboundStream {
    const media = this.#media;
    const encoder = createEncoder(format, this.#codecOptions);
    const decoder = this.#decoder;
    if (decoder instanceof L16Decoder) this.#l16Watch = new L16ByteOrderWatch(decoder, encoder instanceof L16Encoder ? encoder : undefined, this.#log);
    const opus = format.encoding === 'OPUS';
    const pacer = wiring.pacer;
    this.#output = new OutboundStream(encoder, createResampler(this.botSampleRate, encoder.sampleRate), wiring.writer, wiring.send, {
      botSampleRate: this.botSampleRate,
      // Telnyx takes one Opus packet per message; the other codecs concatenate cleanly.
      framesPerMessage: opus ? 1 : media.outbound.framesPerMessage,
      prebufferFrames: media.outbound.prebufferFrames,
      leadFrames: media.outbound.leadFrames,
      maxQueuedMs: wiring.maxQueuedMs,
      msSinceTick: () => pacer.msSinceTick(),
    });
    return this.#output;
  }

  /** Throws the `ProtocolError` for a payload the codec cannot hold. */
  checkPayload(packet: MediaPacket): void {
    if (packet.length === 0) throw new ProtocolError(ProtocolErrorCode.BadPayloadSize, 'empty media payload');
    if (this.#bytesPerSample === 2 && packet.length % 2 !== 0) {
      throw new ProtocolError(ProtocolErrorCode.BadPayloadSize, 'L16 media payload with an odd byte count');
    }
  }

  /** Takes one checked caller packet into the jitter buffer. */
  push(packet: MediaPacket): void {
    if (this.#l16Watch !== undefined && !this.#l16Watch.observe(packet.payload, packet.length)) this.#l16Watch = undefined;
    this.#packets.next(packet);
  }

  /** Keeps the jitter buffer from taking a control frame's sequence number for lost audio. */
  noteControlSequence(sequenceNumber: number): void {
    this.#playout.reorder.noteControlSequence(sequenceNumber);
  }

  /** One pacer tick: the bot hears the next inbound frame, then its next outbound audio goes out. */
  pace(): void {
    this.#ticks.pace();
    this.#output?.pace();
  }

  /** Releases codecs, subscriptions and the outbound queue. Called once. */
  close(): void {
    this.#subscription.unsubscribe();
    this.#packets.complete();
    this.#decoder.close();
    this.#toBot.close();
    this.#output?.setRecorder(undefined);
    this.#output?.close();
  }
}
