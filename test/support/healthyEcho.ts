import alawmulaw from 'alawmulaw';
import { TelnyxMediaClient, type CloseInfo } from '../../bench/telnyx/mediaClient.js';
import type { SimulatedCall } from '../../bench/telnyx/mediaFrames.js';
import { EchoAligner, framesHeard } from './echoAlignment.js';
import { mulawTone } from './signals.js';

/** Options of {@link HealthyEchoCall.start}. */
export interface EchoCallOptions {
  /** 20 ms frames to stream (default 75: 1.5 s). */
  readonly frameCount?: number;
  readonly call?: Partial<SimulatedCall>;
  /** Runs on the open socket before `connected` and `start`. */
  readonly beforeBegin?: (client: TelnyxMediaClient) => void;
  /** Runs just before frame `index` is sent, to slip other messages in between. */
  readonly beforeFrame?: (client: TelnyxMediaClient, index: number) => void;
}

/** How a healthy echo call went while something else misbehaved. */
export interface EchoReport {
  /** 20 ms frames the caller sent. */
  readonly sentFrames: number;
  /**
   * Sent frames at least half heard back sample for sample (see {@link alignEcho}: the jitter
   * buffer may cross-fade, conceal, or time-stretch by a pitch period).
   */
  readonly matchedFrames: number;
  /** Times the echo went back to audio heard before (should be 0). */
  readonly outOfOrderFrames: number;
  /** Longest silence between two outbound media messages while the echo ran, in ms. */
  readonly maxGapMs: number;
  /** When that silence ended (`performance.now()` of the message after it; 0 when none). */
  readonly maxGapEndAt: number;
  /**
   * How far the outbound stream fell behind real time from its start to its end, in ms: the least
   * lag of the last few messages minus that of the first few. Near 0 when the pacer caught up.
   */
  readonly lagGrowthMs: number;
  readonly closed: CloseInfo;
  readonly violations: readonly string[];
}

/** Messages at each end of the stream whose least lag is compared (timer noise only ever adds lag). */
const LAG_WINDOW = 5;

/**
 * An `echo.default` call that streams a gliding tone (every 20 ms frame distinct) while a test
 * injects a fault elsewhere, then checks it heard its own voice back, frame for frame and in order.
 */
export class HealthyEchoCall {
  readonly client: TelnyxMediaClient;
  readonly #frames: Uint8Array[];
  readonly #streaming: Promise<void>;
  #compared: { matchedFrames: number; outOfOrderFrames: number } | undefined;
  #comparedAt = -1;
  #aligner: EchoAligner | undefined;

  private constructor(client: TelnyxMediaClient, frames: Uint8Array[], options: EchoCallOptions) {
    this.client = client;
    this.#frames = frames;
    options.beforeBegin?.(client);
    client.begin();
    this.#streaming = this.#stream(options.beforeFrame);
  }

  /** Connects to `url` (an echo agent) and starts streaming in real time. */
  static async start(url: string, options: EchoCallOptions = {}): Promise<HealthyEchoCall> {
    const client = await TelnyxMediaClient.connect(url, options.call === undefined ? {} : { call: options.call });
    return new HealthyEchoCall(client, mulawTone(options.frameCount ?? 75, 250, 1500), options);
  }

  /** The frames this call sends, in order. */
  get frames(): readonly Uint8Array[] {
    return this.#frames;
  }

  /** Resolves once every frame has been sent (or the socket closed). */
  get streamed(): Promise<void> {
    return this.#streaming;
  }

  /** Sends one frame per 20 ms on a drift-corrected schedule, as `TelnyxMediaClient.streamMedia` does. */
  async #stream(beforeFrame: EchoCallOptions['beforeFrame']): Promise<void> {
    const begin = performance.now();
    for (let i = 0; i < this.#frames.length; i++) {
      const wait = begin + i * 20 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.client.open) return;
      beforeFrame?.(this.client, i);
      this.client.sendMedia(this.#frames[i]!);
    }
  }

  /** Waits for the stream and its echo to finish, stops the call and reports. */
  async finish(timeoutMs = 3_000): Promise<EchoReport> {
    await this.#streaming;
    const wanted = this.#frames.length;
    try {
      await this.client.waitFor(() => this.#compare().matchedFrames >= wanted, timeoutMs, 'the healthy call to hear its echo');
    } catch {
      // Report what came back; the caller's assertions say what is missing.
    }
    this.client.sendStop();
    const closed = await this.client.closed;
    return {
      ...this.#compare(),
      sentFrames: this.#frames.length,
      ...this.#maxGap(),
      lagGrowthMs: this.#lagGrowthMs(),
      closed,
      violations: this.client.violations,
    };
  }

  #compare(): { matchedFrames: number; outOfOrderFrames: number } {
    // Polled every few ms while waiting: aligned again only when more audio came back.
    const received = this.client.media.length;
    if (this.#compared === undefined || this.#comparedAt !== received) {
      this.#aligner ??= new EchoAligner(alawmulaw.mulaw.decode(Buffer.concat(this.#frames)));
      const alignment = this.#aligner.align(alawmulaw.mulaw.decode(this.client.receivedAudio()));
      this.#compared = { matchedFrames: framesHeard(alignment), outOfOrderFrames: alignment.backwardJumps };
      this.#comparedAt = received;
    }
    return this.#compared;
  }

  #lagGrowthMs(): number {
    const media = this.client.media;
    if (media.length < 2 * LAG_WINDOW) return 0;
    const first = media[0]!.at;
    let audioMs = 0;
    const lags: number[] = [];
    for (const item of media) {
      lags.push(item.at - first - audioMs);
      audioMs += item.payload.length / 8;
    }
    return Math.min(...lags.slice(-LAG_WINDOW)) - Math.min(...lags.slice(0, LAG_WINDOW));
  }

  #maxGap(): { maxGapMs: number; maxGapEndAt: number } {
    const media = this.client.media;
    let maxGapMs = 0;
    let maxGapEndAt = 0;
    for (let i = 1; i < media.length; i++) {
      const gap = media[i]!.at - media[i - 1]!.at;
      if (gap > maxGapMs) {
        maxGapMs = gap;
        maxGapEndAt = media[i]!.at;
      }
    }
    return { maxGapMs, maxGapEndAt };
  }
}
