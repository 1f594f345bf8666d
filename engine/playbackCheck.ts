import type { Clock, TimerHandle } from './clock.js';
import type { Logger } from './logger.js';
import type { OutboundStats } from './outboundStream.js';
import type { TelnyxStreamFormat } from './telnyx/streamFormat.js';

/** What {@link PlaybackCheck} watches on a call's outbound side. */
export interface PlaybackSignals {
  readonly stats: OutboundStats;
  readonly markEchoOverdueMs: number;
}

/** How long a mark may stay unechoed after its audio played before the stream counts as one-way. */
export const MARK_ECHO_GRACE_MS = 5_000;
const CHECK_INTERVAL_MS = 1_000;

/**
 * Warns, once per call, when Telnyx is evidently not playing callwire's audio: the mistake users
 * make most is a TeXML `<Stream>` without `bidirectionalMode="rtp"`, which makes Telnyx expect MP3.
 *
 * @remarks The `start` frame cannot tell: it describes only what Telnyx sends (`media_format`), not
 * the bidirectional mode. So this watches the effects: a mark whose audio has played by our clock
 * but is still unechoed {@link MARK_ECHO_GRACE_MS} later, or a Telnyx `error` frame calling our
 * media malformed or invalid (100003, 100004). Once any mark echo arrives the stream is known to
 * play back and the check stops. A bot that never sends marks gets only the error-frame check.
 * Runs on a 1 s timer, never per frame.
 */
export class PlaybackCheck {
  readonly #clock: Clock;
  readonly #log: Logger;
  readonly #signals: () => PlaybackSignals | undefined;
  readonly #fix: string;
  #timer: TimerHandle | undefined;
  #done = false;

  constructor(clock: Clock, log: Logger, signals: () => PlaybackSignals | undefined, format: TelnyxStreamFormat, serviceHost: string) {
    this.#clock = clock;
    this.#log = log;
    this.#signals = signals;
    this.#fix = fixText(format, serviceHost);
  }

  /** Starts watching; call once the outbound stream exists. */
  start(): void {
    if (this.#done || this.#timer !== undefined) return;
    this.#timer = this.#clock.setTimeout(this.#check, CHECK_INTERVAL_MS);
  }

  /** A Telnyx `error` frame arrived; 100003/100004 after we sent media point at a non-RTP stream. */
  telnyxError(code: number): void {
    const sent = this.#signals()?.stats.messagesSent ?? 0;
    if (!this.#done && sent > 0 && (code === 100003 || code === 100004)) this.#warn({ telnyxErrorCode: code });
  }

  /** Stops watching; idempotent. */
  stop(): void {
    this.#done = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  readonly #check = (): void => {
    this.#timer = undefined;
    if (this.#done) return;
    const signals = this.#signals();
    if (signals === undefined) return;
    if (signals.stats.marksPlayed + signals.stats.marksCutEchoed > 0) {
      this.stop();
      return;
    }
    const overdue = signals.markEchoOverdueMs;
    if (overdue >= MARK_ECHO_GRACE_MS) {
      this.#warn({ markEchoOverdueMs: overdue });
      return;
    }
    this.#timer = this.#clock.setTimeout(this.#check, CHECK_INTERVAL_MS);
  };

  #warn(evidence: Record<string, number>): void {
    this.stop();
    this.#log.warn({ ...evidence, fix: this.#fix }, 'telnyx is not playing the audio callwire sends: the stream is probably not bidirectional RTP');
  }
}

function fixText(format: TelnyxStreamFormat, serviceHost: string): string {
  const codec = format.inboundCodec === undefined ? '' : ` codec="${format.inboundCodec}"`;
  return (
    `In the TeXML, give <Stream> bidirectionalMode="rtp" (Telnyx defaults to mp3, and then plays nothing callwire sends): ` +
    `<Stream url="wss://HOST/ws/telnyx?serviceHost=${serviceHost}"${codec} bidirectionalMode="rtp" bidirectionalCodec="${format.codec}" bidirectionalSamplingRate="${format.samplingRate}"/>. ` +
    `\`callwire texml ${serviceHost} --host HOST\` prints the whole document. With Call Control, send stream_bidirectional_mode "rtp".`
  );
}
