import { TelnyxMediaClient } from '../telnyx/mediaClient.js';
import { CallerVoice, isAgentSpeech } from './callerVoice.js';
import type { ModelSide } from './modelSide.js';
import { waitUntil } from '../support/waitUntil.js';

/** One measured turn of a call: the agent answers, and the caller cuts the answer off. */
export interface TurnFigures {
  /** Fake's first audio delta sent → first byte of that answer at the simulated Telnyx, ms. */
  readonly answerLatencyMs: number;
  /** The model's barge-in cue sent (OpenAI `speech_started`, Gemini `interrupted`) → `clear` at the simulated Telnyx, ms. */
  readonly bargeInMs: number;
  /** `audio_end_ms` callwire sent minus what the simulated Telnyx had played at the clear, ms; undefined for a provider without truncation. */
  readonly truncationErrorMs: number | undefined;
}

/**
 * A simulated caller on one AI agent call: silence every 20 ms, speech while it talks. Each turn it
 * speaks until the fake model hears it, waits for the answer, lets `hearMs` of it play, then talks
 * over it, and measures what callwire did in between.
 */
export class AiCaller {
  private readonly voice: CallerVoice;
  private clearTimes: number[] = [];

  private constructor(private readonly client: TelnyxMediaClient) {
    this.voice = new CallerVoice(client);
  }

  /** Connects and starts the stream; the call's instructions carry `tag` so its fake session can be found. */
  static async dial(url: string, tag: string): Promise<AiCaller> {
    let caller: AiCaller | undefined;
    const client = await TelnyxMediaClient.connect(url, {
      call: { customParameters: { benchCall: tag } },
      observer: { received: (data, _binary, at) => void (data.includes('"clear"') && caller?.clearTimes.push(at)) },
    });
    caller = new AiCaller(client);
    caller.startedAt = performance.now();
    client.begin();
    caller.voice.start();
    return caller;
  }

  /** `performance.now()` when the stream's `connected` and `start` went out. */
  startedAt = 0;

  /** Milliseconds from the stream's start to the first byte of the agent's speech at Telnyx. */
  async firstWordsMs(): Promise<number> {
    await waitUntil(() => this.client.media.some((media) => isAgentSpeech(media.payload)), 'the greeting', 15_000, 2);
    return this.client.media.find((media) => isAgentSpeech(media.payload))!.at - this.startedAt;
  }

  /** Runs one turn against `model` (the fake's side of this call); `turn` counts from 1. */
  async turn(model: ModelSide, turn: number, hearMs: number): Promise<TurnFigures> {
    // Speak until the model hears turn `turn` (from the second turn on, the barge-in of the last
    // answer already started it), then stop so it answers.
    this.voice.speaking = true;
    await waitUntil(() => model.speechStarts() >= turn, 'the model to hear the caller', 10_000, 2);
    await new Promise((resolve) => setTimeout(resolve, 100));
    this.voice.speaking = false;
    await waitUntil(() => model.answerSentAt(turn - 1) !== undefined, 'an answer', 10_000, 2);
    const answerSentAt = model.answerSentAt(turn - 1)!;
    await waitUntil(() => this.client.media.some((media) => media.at >= answerSentAt && isAgentSpeech(media.payload)), 'the answer at Telnyx', 10_000, 2);
    const firstHeard = this.client.media.find((media) => media.at >= answerSentAt && isAgentSpeech(media.payload))!;
    // Let part of the answer play, then talk over it.
    await waitUntil(() => performance.now() >= firstHeard.at + hearMs, 'the answer to play', hearMs + 1000, 2);
    const clearsBefore = this.clearTimes.length;
    this.voice.speaking = true;
    await waitUntil(() => model.bargeInCueAt(turn - 1) !== undefined && this.clearTimes.length > clearsBefore && (!model.truncates || model.truncation(turn - 1) !== undefined), 'the barge-in', 10_000, 2);
    const clearAt = this.clearTimes[clearsBefore]!;
    const cueAt = model.bargeInCueAt(turn - 1)!;
    // What Telnyx had played of this answer when the clear arrived: its real-time playout of what it received.
    let playoutEnd = firstHeard.at;
    let received = 0;
    for (const media of this.client.media) {
      if (media.at < firstHeard.at || media.at > clearAt) continue;
      playoutEnd = Math.max(media.at, playoutEnd) + media.payload.length / 8;
      received += media.payload.length / 8;
    }
    const played = received - Math.max(0, playoutEnd - clearAt);
    const audioEndMs = model.truncation(turn - 1);
    return { answerLatencyMs: firstHeard.at - answerSentAt, bargeInMs: clearAt - cueAt, truncationErrorMs: audioEndMs === undefined ? undefined : audioEndMs - played };
  }

  /** Talks now and then for `durationMs` without measuring: load for the CPU figures. */
  async converse(durationMs: number): Promise<void> {
    const end = performance.now() + durationMs;
    // Callers on real lines do not talk in step: each starts at its own point of the 3 s cycle, so
    // a hundred answers do not all land in the same tick.
    await new Promise((resolve) => setTimeout(resolve, Math.random() * 3000));
    while (performance.now() < end) {
      this.voice.speaking = true;
      await new Promise((resolve) => setTimeout(resolve, 600));
      this.voice.speaking = false;
      await new Promise((resolve) => setTimeout(resolve, 2400));
    }
  }

  /** Hangs up (Telnyx's `stop`) and waits for the engine to close the stream. */
  async hangUp(): Promise<void> {
    this.voice.stop();
    if (this.client.open) this.client.sendStop();
    await this.client.closed;
  }
}
