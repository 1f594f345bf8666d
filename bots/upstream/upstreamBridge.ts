import { alawDecodeInto, alawEncodeInto } from '../../codecs/pcma.js';
import { mulawDecodeInto, mulawEncodeInto } from '../../codecs/pcmu.js';
import type { EndReason } from '../api.js';
import type { BotContext } from '../defineBot.js';
import { atRate, fallbackPrompt } from '../fallback/fallbackPrompt.js';
import { BotMessageReader, type BotMessage, type BotMessageErrorCode } from './botMessageReader.js';
import { TelnyxMessageWriter } from './telnyxUpstream.js';
import { TwilioMessageWriter } from './twilioUpstream.js';
import type { UpstreamConnection, UpstreamFailureCause, UpstreamListener } from './upstreamConnection.js';
import { upstreamEncodingFor, type UpstreamEncoding, type UpstreamOptions } from './upstreamOptions.js';
import type { UpstreamMessageWriter } from './upstreamProtocol.js';
import { countOne, upstreamTallies } from './upstreamTallies.js';

/** Longest the bridge waits for its last audio to be heard before ending or transferring anyway. */
const END_GRACE_MS = 15_000;

/** The name of the mark after which the call ends; unlike any a bot would choose. */
const END_MARK = 'callwire:end-after-playback';

/** Largest caller frame encoded at once: 60 ms at 48 kHz would be 2,880 samples. */
const MAX_FRAME_SAMPLES = 4096;

/** The part of an {@link UpstreamConnection} the bridge uses. */
export type BridgeConnection = Pick<UpstreamConnection, 'send' | 'attach' | 'close' | 'bufferedBytes'>;

/**
 * One call forwarded to the user's bot server: caller frames go out as the protocol's `media`, one per
 * 20 ms with their own gap-free numbering; the bot's `media` goes into the call's paced queue, its
 * marks are echoed once Telnyx says the caller heard them, its `clear` is a barge-in. When the bot
 * server cannot be reached or breaks, the caller hears the agent's fallback instead of silence.
 */
export class UpstreamBridge implements UpstreamListener {
  readonly #context: BotContext<UpstreamOptions>;
  readonly #connection: BridgeConnection;
  readonly #writer: UpstreamMessageWriter;
  readonly #reader: BotMessageReader;
  readonly #encoding: UpstreamEncoding;
  readonly #encoded = Buffer.alloc(MAX_FRAME_SAMPLES);
  #decoded = new Int16Array(8000);
  readonly #loggedRefusals = new Set<BotMessageErrorCode>();
  #loggedDrop = false;
  #loggedFullQueue = false;
  /** The bot server is done or gone: nothing more is sent to it or taken from it. */
  #detached = false;
  #ended = false;
  #endTimer: unknown;
  #pendingEnd: (() => void) | undefined;
  // What the bridge did, for the call's last log line.
  #framesToBot = 0;
  #framesDropped = 0;
  #samplesFromBot = 0;
  #marksFromBot = 0;
  #clears = 0;
  #messagesRefused = 0;

  constructor(context: BotContext<UpstreamOptions>, connection: BridgeConnection) {
    this.#context = context;
    this.#connection = connection;
    const { options, call } = context;
    this.#encoding = upstreamEncodingFor(options, call.mediaFormat.encoding);
    this.#writer = options.protocol === 'twilio' ? new TwilioMessageWriter() : new TelnyxMessageWriter();
    this.#reader = new BotMessageReader(options.maxMessageBytes);
  }

  /** Tells the bot server about the call and starts taking its messages (those it sent early first). */
  start(): void {
    const { mediaFormat: _telnyxFormat, ...facts } = this.#context.call;
    this.#connection.send(this.#writer.start({ ...facts, encoding: this.#encoding }));
    this.#connection.attach(this);
  }

  /** One frame of caller audio (data plane): encoded and written, or dropped when the bot is not reading. */
  hear(samples: Int16Array, count: number): void {
    if (this.#detached) return;
    const n = count < MAX_FRAME_SAMPLES ? count : MAX_FRAME_SAMPLES;
    const length = this.#encoding === 'PCMU' ? mulawEncodeInto(samples, 0, n, this.#encoded) : alawEncodeInto(samples, 0, n, this.#encoded);
    if (this.#connection.send(this.#writer.media(this.#encoded, length))) {
      this.#framesToBot++;
      return;
    }
    this.#framesDropped++;
    upstreamTallies.droppedCallerFrames++;
    if (!this.#loggedDrop) {
      this.#loggedDrop = true;
      this.#context.log.warn({ code: 'CW_UPSTREAM_SLOW_READER', bufferedBytes: this.#connection.bufferedBytes }, 'bot server is not reading; dropping caller audio until it catches up');
    }
  }

  /** A key the caller pressed. */
  dtmf(digit: string): void {
    if (!this.#detached) this.#connection.send(this.#writer.dtmf(digit, new Date().toISOString()));
  }

  /** Telnyx echoed a mark: the caller heard what came before it. */
  heardMark(name: string): void {
    if (name === END_MARK) this.#runPendingEnd();
    else if (!this.#detached) this.#connection.send(this.#writer.mark(name));
  }

  /** The call is ending: the bot server gets `stop` and the connection closes. */
  end(reason: EndReason): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#context.clock.clearTimeout(this.#endTimer);
    if (!this.#detached) this.#connection.send(this.#writer.stop());
    this.#detached = true;
    this.#connection.close(1000, reason);
    this.#context.annotate('upstream', {
      protocol: this.#context.options.protocol,
      framesToBot: this.#framesToBot,
      framesDropped: this.#framesDropped,
      audioFromBotMs: Math.round((this.#samplesFromBot * 1000) / this.#context.output.sampleRate),
      marksFromBot: this.#marksFromBot,
      clears: this.#clears,
      messagesRefused: this.#messagesRefused,
    });
  }

  message(data: Buffer, isBinary: boolean): void {
    if (this.#detached || this.#ended) return;
    this.#act(this.#reader.read(data, isBinary));
  }

  failed(cause: UpstreamFailureCause, detail: string): void {
    if (this.#ended || this.#detached) return;
    this.#detached = true;
    const { output, options, log } = this.#context;
    countOne(upstreamTallies.failures, cause);
    log.error(
      { code: 'CW_UPSTREAM_UNAVAILABLE', cause, detail: detail.slice(0, 200), url: options.url, fallback: options.fallback.transferTo === undefined ? 'hangup' : 'transfer' },
      'bot server unavailable; playing the fallback',
    );
    output.clear();
    output.play(atRate(fallbackPrompt(options.fallback.prompt), output.sampleRate));
    const transferTo = options.fallback.transferTo;
    this.#afterPlayback(() => (transferTo === undefined ? this.#context.hangup({ reason: 'upstream_unavailable' }) : this.#context.transfer(transferTo)));
  }

  ended(code: number): void {
    if (this.#ended || this.#detached) return;
    this.#context.log.info({ closeCode: code }, 'bot server closed the connection; ending the call');
    this.#botDone();
  }

  #act(message: BotMessage): void {
    const { output } = this.#context;
    switch (message.kind) {
      case 'media': {
        const count = this.#decode(message.payload, message.length);
        const accepted = output.play(this.#decoded, 0, count);
        this.#samplesFromBot += accepted;
        if (accepted < count) this.#queueFull(count - accepted);
        return;
      }
      case 'mark':
        this.#marksFromBot++;
        output.mark(message.name);
        return;
      case 'clear': {
        this.#clears++;
        // Both carriers echo the marks a clear dropped; so does callwire, at once.
        for (const name of output.clear().cutMarks) if (name !== END_MARK) this.#connection.send(this.#writer.mark(name));
        return;
      }
      case 'stop':
        this.#botDone();
        return;
      case 'refused':
        this.#refused(message.code, message.detail);
        return;
    }
  }

  #decode(payload: Buffer, length: number): number {
    if (this.#decoded.length < length) this.#decoded = new Int16Array(length);
    return this.#encoding === 'PCMU' ? mulawDecodeInto(payload, length, this.#decoded) : alawDecodeInto(payload, length, this.#decoded);
  }

  #queueFull(droppedSamples: number): void {
    upstreamTallies.droppedBotAudioMs += (droppedSamples * 1000) / this.#context.output.sampleRate;
    if (this.#loggedFullQueue) return;
    this.#loggedFullQueue = true;
    this.#context.log.warn({ code: 'CW_UPSTREAM_QUEUE_FULL', droppedSamples }, "bot server sent more audio than the call's outbound queue holds; the rest was dropped");
  }

  #refused(code: BotMessageErrorCode, detail: string): void {
    this.#messagesRefused++;
    countOne(upstreamTallies.refusedMessages, code);
    if (this.#loggedRefusals.has(code)) return;
    this.#loggedRefusals.add(code);
    this.#context.log.warn({ code: 'CW_UPSTREAM_BAD_MESSAGE', reason: code, detail }, 'refused a message from the bot server (logged once per kind per call)');
  }

  /** The bot server is done: end the call after what it sent has played, or at once. */
  #botDone(): void {
    this.#detached = true;
    if (this.#context.options.endWhenBotStops === 'at-once') {
      this.#context.output.clear();
      this.#context.hangup();
      return;
    }
    this.#afterPlayback(() => this.#context.hangup());
  }

  /** Runs `action` once everything queued so far has been heard (a mark after it echoes), or after a grace period. */
  #afterPlayback(action: () => void): void {
    if (this.#pendingEnd !== undefined) return;
    this.#pendingEnd = action;
    this.#endTimer = this.#context.clock.setTimeout(() => this.#runPendingEnd(), END_GRACE_MS);
    this.#context.output.mark(END_MARK);
  }

  #runPendingEnd(): void {
    const action = this.#pendingEnd;
    if (action === undefined || this.#ended) return;
    this.#pendingEnd = undefined;
    this.#context.clock.clearTimeout(this.#endTimer);
    action();
  }
}
