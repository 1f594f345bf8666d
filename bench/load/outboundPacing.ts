/**
 * Outbound pacing as the simulated Telnyx sees it. The engine sends a message when about 20 ms of
 * audio is left at Telnyx, so within a talk spurt message j should arrive 20 ms before the audio
 * in front of it runs out: at `firstArrival + A_j − 20 ms`, where A_j is the audio (ms) carried by
 * the spurt's messages before j. The pacing error is the distance from that instant: how well the
 * engine keeps its own schedule. A message more than 100 ms past its ideal time starts a new talk
 * spurt (the bot paused) and is not scored.
 *
 * Every message implies where the spurt's schedule starts (`arrival − A_j + 20 ms`; the first
 * message: its arrival). The anchor used is the median of what the spurt's last 64 messages imply,
 * so one message cannot shift the schedule for the rest of the call: with the first arrival alone as
 * anchor, a first message delayed by a hiccup would make every later message of the call look early
 * by that much, and p99 over all messages would report one unlucky call instead of the engine's
 * pacing. While messages are on time this is exactly `firstArrival + A_j − 20 ms`.
 *
 * Telnyx underruns are counted on Telnyx's own playout model: playback of a message starts at
 * `max(arrival, end of what Telnyx holds)`, and a message is an underrun when it lands after
 * everything before it has played (the caller hears a gap).
 *
 * A message the generator read late because its own event loop was held up (it passes
 * `trusted = false`) is not scored: its real arrival is unknown, so it is taken as on time. At face
 * value, a receive-side stall would look like an engine stall followed by a burst.
 */

import { MedianWindow } from './medianWindow.js';

/**
 * What Telnyx holds ahead of playback when the engine's audio arrives in real time, as the echo
 * bot's does: one frame, whatever the lead (the lead only fills with audio queued ahead).
 */
export const PACING_LEAD_MS = 20;

/** Messages whose implied schedule start the anchor is the median of. */
export const ANCHOR_WINDOW = 64;

/** A message more than this late against its ideal time starts a new talk spurt instead of counting as late. */
export const SPURT_GAP_MS = 100;

/** Codec and rate of the engine's outbound audio. */
export interface OutboundFormat {
  readonly encoding: string;
  readonly sampleRate: number;
}

/** Milliseconds of audio in one outbound `media` payload of `payloadBytes` bytes. */
export function outboundAudioMs(format: OutboundFormat, payloadBytes: number): number {
  switch (format.encoding) {
    case 'PCMU':
    case 'PCMA':
      return payloadBytes / (format.sampleRate / 1000);
    case 'L16':
      return payloadBytes / ((2 * format.sampleRate) / 1000);
    case 'OPUS':
      // One Opus packet per message, 20 ms each (engine/outboundStream.ts: Opus is never batched).
      return 20;
    default:
      throw new RangeError(`unknown outbound encoding ${format.encoding}`);
  }
}

/** How one message related to the schedule. */
export const PacingOutcome = {
  /** First message of a talk spurt: it sets the schedule, no error. */
  SpurtStart: 0,
  /** Arrived before the audio in front of it ran out. */
  OnTime: 1,
  /** Arrived after the audio in front of it had run out: the caller heard a gap (a Telnyx underrun). */
  Underrun: 2,
  /** Read too late to time (the generator had stalled): audio counted, no error. */
  Unscored: 3,
} as const;

/** One of {@link PacingOutcome}'s values. */
export type PacingOutcomeValue = (typeof PacingOutcome)[keyof typeof PacingOutcome];

/** One call's outbound pacing: feed it each `media` message's arrival; read the error of the last one. */
export class OutboundPacing {
  /** Talk spurts seen. */
  spurts = 0;
  /** Messages that arrived after the audio before them had run out. */
  underruns = 0;
  /** |actual − ideal| of the last scored message, in ms. */
  lastErrorMs = 0;
  #inSpurt = false;
  /** Where the spurt's schedule starts, as implied by each of its recent messages, relative to its first arrival. */
  readonly #anchors = new MedianWindow(ANCHOR_WINDOW);
  /** First arrival of the spurt; anchors are kept relative to it so they stay small numbers. */
  #firstArrivalMs = 0;
  /** Audio carried by the spurt's messages so far. */
  #audioBeforeMs = 0;
  /** When the audio Telnyx holds runs out, on Telnyx's playout model. */
  #playoutEndsAtMs = 0;

  /**
   * Accounts for a message that arrived at `arrivalMs` carrying `audioMs` of audio. With `trusted`
   * false (read right after the generator itself stalled) it only adds its audio, as if on time.
   */
  onMessage(arrivalMs: number, audioMs: number, trusted = true): PacingOutcomeValue {
    if (this.#inSpurt) {
      const ideal = this.#firstArrivalMs + this.#anchors.median() + this.#audioBeforeMs - PACING_LEAD_MS;
      const late = arrivalMs - ideal;
      if (!trusted) {
        this.#audioBeforeMs += audioMs;
        this.#play(late > 0 ? ideal : arrivalMs, audioMs);
        return PacingOutcome.Unscored;
      }
      if (late <= SPURT_GAP_MS) {
        this.lastErrorMs = late < 0 ? -late : late;
        this.#anchors.push(arrivalMs - this.#firstArrivalMs - this.#audioBeforeMs + PACING_LEAD_MS);
        this.#audioBeforeMs += audioMs;
        if (this.#play(arrivalMs, audioMs)) {
          this.underruns++;
          return PacingOutcome.Underrun;
        }
        return PacingOutcome.OnTime;
      }
    }
    this.#inSpurt = true;
    this.#firstArrivalMs = arrivalMs;
    this.#anchors.clear();
    this.#anchors.push(0);
    this.#audioBeforeMs = audioMs;
    this.#playoutEndsAtMs = arrivalMs + audioMs;
    this.spurts++;
    return PacingOutcome.SpurtStart;
  }

  /** Telnyx's playout: queues `audioMs` arriving at `arrivalMs`; true if what it held had run out. */
  #play(arrivalMs: number, audioMs: number): boolean {
    const ranOut = arrivalMs > this.#playoutEndsAtMs;
    this.#playoutEndsAtMs = (ranOut ? arrivalMs : this.#playoutEndsAtMs) + audioMs;
    return ranOut;
  }
}
