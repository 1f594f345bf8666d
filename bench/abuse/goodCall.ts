/**
 * The good call the abuse bench keeps going through an attack: a Telnyx-faithful echo call from
 * 127.0.0.1 (`connected`, `start`, then one 20 ms PCMU frame every 20 ms on a drift-corrected
 * schedule), started before the attack so that no admission rule applies to it during the attack.
 */
import { TelnyxMediaClient, type CloseInfo } from '../telnyx/mediaClient.js';
import { TARGET_HOST } from './attackOptions.js';
import { distinctMulawFrames } from './distinctAudio.js';
import { auditEcho, type EchoAudit } from './echoAudit.js';

/** How long the call waits for the echo of its last frames once it stops streaming. */
const ECHO_TAIL_MS = 3_000;
/** How long it waits for the engine to close the stream after `stop`. */
const CLOSE_TIMEOUT_MS = 5_000;

/** How the good call went over the attack. */
export interface GoodCallOutcome extends EchoAudit {
  /** True when the stream was still open when the call itself ended it. */
  readonly survived: boolean;
  /** How the engine closed the stream early, when it did. */
  readonly closedEarly: CloseInfo | undefined;
}

/** Times the good call is placed while the engine refuses it with 503, before the attack starts. */
const START_ATTEMPTS = 10;

/** One good echo call; see the module comment. */
export class GoodCall {
  readonly #client: TelnyxMediaClient;
  readonly #frames: Uint8Array[];
  readonly #sentAt: Float64Array;
  #closedEarly: CloseInfo | undefined;
  #streaming = true;
  #finished = false;
  readonly #streamed: Promise<void>;

  private constructor(client: TelnyxMediaClient, frames: Uint8Array[]) {
    this.#client = client;
    this.#frames = frames;
    this.#sentAt = new Float64Array(frames.length).fill(Number.NaN);
    void client.closed.then((info) => {
      if (!this.#finished) this.#closedEarly = info;
    });
    client.begin();
    this.#streamed = this.#stream();
  }

  /** Connects to `echo.default` on `port` and starts streaming; `maxSeconds` bounds its length. */
  static async start(port: number, maxSeconds: number): Promise<GoodCall> {
    const url = `ws://${TARGET_HOST}:${port}/ws/telnyx?serviceHost=echo.default`;
    // On a machine busy with other work, an idle engine's event loop can run late enough for its
    // admission control to refuse a call for a second ("overload", 503): the call is placed again,
    // as a carrier would retry, before any attack has started.
    for (let attempt = 1; ; attempt++) {
      try {
        const client = await TelnyxMediaClient.connect(url, { handshakeTimeoutMs: 10_000 });
        return new GoodCall(client, distinctMulawFrames(Math.ceil(maxSeconds * 50)));
      } catch (error) {
        if (attempt === START_ATTEMPTS || !(error instanceof Error) || !error.message.includes('503')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 1_000));
      }
    }
  }

  /** Resolves once the echo is heard, or rejects after `timeoutMs` (the engine is not echoing). */
  async heard(timeoutMs = 10_000): Promise<void> {
    await this.#client.waitFor(() => this.#client.media.length > 0, timeoutMs, 'the good call to hear its echo');
  }

  /** Stops streaming, lets the echo of the last frames arrive, sends `stop`, and audits [from, to]. */
  async finish(from: number, to: number): Promise<GoodCallOutcome> {
    this.#streaming = false;
    await this.#streamed;
    const echoDue = performance.now() + ECHO_TAIL_MS;
    // The echo of the last frames is in once nothing has arrived for 500 ms (or the tail time is up).
    while (performance.now() < echoDue && this.#client.open && performance.now() - (this.#client.media.at(-1)?.at ?? 0) < 500) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    this.#finished = true;
    const survived = this.#client.open && this.#closedEarly === undefined;
    if (this.#client.open) this.#client.sendStop();
    await Promise.race([this.#client.closed, new Promise((resolve) => setTimeout(resolve, CLOSE_TIMEOUT_MS))]);
    if (this.#client.open) this.#client.terminate();
    const audit = auditEcho({ frames: this.#frames, sentAt: this.#sentAt, received: this.#client.media, from, to });
    return { ...audit, survived, closedEarly: this.#closedEarly };
  }

  /** Sends frame i at start + 20 ms × i; a late timer sends the frames that are due at once, as a real sender catches up. */
  async #stream(): Promise<void> {
    const begin = performance.now();
    for (let i = 0; i < this.#frames.length && this.#streaming; i++) {
      const wait = begin + i * 20 - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      if (!this.#client.open || !this.#streaming) return;
      this.#sentAt[i] = performance.now();
      this.#client.sendMedia(this.#frames[i] as Uint8Array);
    }
  }
}
