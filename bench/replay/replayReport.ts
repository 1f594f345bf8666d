/**
 * Turns the raw record of a replay into the figures `callwire replay` prints: what went out and
 * when, what came back, marks and clears, how the socket closed, and the outbound pacing.
 */
import { audioMsOf, decodeOutboundAudio } from './outboundAudio.js';
import { distribution, type Distribution } from '../support/quantiles.js';
import type { ReplayClose, ReplayRecording } from './replaySession.js';

/** A gap longer than this between the end of queued audio and the next message ends a talk spurt (not a pacing fault). */
export const SPURT_GAP_MS = 100;

/** One mark the engine sent, and its echo. */
export interface MarkTiming {
  readonly name: string;
  /** When the engine's `mark` frame arrived, ms after open. */
  readonly receivedAtMs: number;
  /** When the replay echoed it, ms after open; absent if it never did (the socket closed first). */
  readonly echoedAtMs?: number;
  /** Echoed because of a `clear`, not because its audio played. */
  readonly byClear?: boolean;
}

/** Everything `callwire replay` reports. */
export interface ReplayReport {
  readonly callId: string;
  readonly serviceHost: string;
  readonly url: string;
  readonly speed: number;
  readonly sent: {
    /** Messages sent. */
    readonly messages: number;
    /** Of which `media` frames. */
    readonly media: number;
    /** Messages by `event` (`text` for non-JSON text, `binary` for binary messages). */
    readonly byEvent: Readonly<Record<string, number>>;
    /** Planned messages never sent because the socket closed first. */
    readonly notSent: number;
    /** Captured `mark` echoes left out: the replay echoes this run's marks itself. */
    readonly skippedMarkEchoes: number;
    /** How late each message went out against its schedule, ms. */
    readonly scheduleLatenessMs: Distribution;
  };
  readonly received: {
    readonly messages: number;
    readonly media: number;
    /** Audio carried by the `media` messages, ms. */
    readonly audioMs: number;
    readonly byEvent: Readonly<Record<string, number>>;
    /** Frames Telnyx would reject. */
    readonly violations: readonly string[];
    /** `out` events in the capture: what the engine sent when it was recorded, for comparison. */
    readonly capturedOutbound: number;
  };
  readonly marks: {
    /** Marks the engine sent. */
    readonly sent: number;
    /** Echoed after their audio played. */
    readonly echoedPlayed: number;
    /** Echoed at once by a `clear`. */
    readonly echoedByClear: number;
    /** Never echoed (the call ended with their audio still queued). */
    readonly pending: number;
    readonly list: readonly MarkTiming[];
  };
  readonly clears: { readonly count: number; readonly atMs: readonly number[] };
  readonly close: ReplayClose;
  readonly timing: {
    /** First `media` frame sent, ms after open. */
    readonly firstMediaSentAtMs: number | null;
    /** First `media` frame received, ms after open. */
    readonly firstAudioAtMs: number | null;
    /** First audio back after the first media sent, ms (for `echo`, the bot's delay plus buffering). */
    readonly firstAudioAfterFirstMediaMs: number | null;
    /** Time between consecutive outbound `media` messages, ms. */
    readonly interArrivalMs: Distribution;
    /**
     * |inter-arrival − audio carried by the earlier message|, ms, within talk spurts: 0 when the
     * engine sends exactly as fast as Telnyx plays.
     */
    readonly pacingDeviationMs: Distribution;
    /** Times Telnyx ran out of audio within a talk spurt (the caller heard a gap). */
    readonly playoutGaps: number;
    /** Their total length, ms. */
    readonly playoutGapMs: number;
  };
  readonly audio: {
    readonly encoding: string;
    readonly sampleRate: number;
    /** Samples decoded from everything received. */
    readonly samples: number;
    readonly durationMs: number;
  };
}

/** The report and the decoded audio (for `--wav`). */
export interface ReplayOutcome {
  readonly report: ReplayReport;
  /** Every received `media` payload decoded with the outbound codec, back to back. */
  readonly pcm: Int16Array;
}

interface ParsedMessage {
  readonly atMs: number;
  readonly event: string;
  readonly frame: Record<string, unknown> | undefined;
}

/** Builds the report of `recording`. Decodes the received audio (pure apart from the codec). */
export function buildReplayReport(recording: ReplayRecording): ReplayOutcome {
  const { plan } = recording;
  const format = plan.outbound;
  const parsed = recording.received.map(parseMessage);

  const sentByEvent: Record<string, number> = {};
  const lateness: number[] = [];
  let sentMessages = 0;
  let sentMedia = 0;
  let firstMediaSentAtMs: number | null = null;
  plan.sends.forEach((item, index) => {
    const at = recording.sentAtMs[index] ?? Number.NaN;
    if (Number.isNaN(at)) return;
    sentMessages++;
    const key = item.binary ? 'binary' : (item.event ?? 'text');
    sentByEvent[key] = (sentByEvent[key] ?? 0) + 1;
    lateness.push(at - (recording.dueMs[index] ?? at));
    if (item.event === 'media') {
      sentMedia++;
      firstMediaSentAtMs ??= at;
    }
  });

  const receivedByEvent: Record<string, number> = {};
  const payloads: Buffer[] = [];
  const mediaTimes: number[] = [];
  const mediaDurations: number[] = [];
  const marks: MarkTiming[] = [];
  const clears: number[] = [];
  for (const message of parsed) {
    receivedByEvent[message.event] = (receivedByEvent[message.event] ?? 0) + 1;
    if (message.event === 'media') {
      const payload = Buffer.from(String((message.frame?.['media'] as { payload?: unknown } | undefined)?.payload ?? ''), 'base64');
      payloads.push(payload);
      mediaTimes.push(message.atMs);
      mediaDurations.push(audioMsOf(format, payload.length));
    } else if (message.event === 'mark') {
      marks.push({ name: String((message.frame?.['mark'] as { name?: unknown } | undefined)?.name), receivedAtMs: message.atMs });
    } else if (message.event === 'clear') {
      clears.push(message.atMs);
    }
  }
  const matched = matchEchoes(marks, recording.echoedMarks);

  const pacing = outboundPacing(mediaTimes, mediaDurations, clears);
  const pcm = decodeOutboundAudio(format, payloads);
  const firstAudioAtMs = mediaTimes[0] ?? null;
  let audioMs = 0;
  for (const duration of mediaDurations) audioMs += duration;

  const report: ReplayReport = {
    callId: plan.callId,
    serviceHost: plan.serviceHost,
    url: recording.url,
    speed: recording.speed,
    sent: {
      messages: sentMessages,
      media: sentMedia,
      byEvent: sentByEvent,
      notSent: plan.sends.length - sentMessages,
      skippedMarkEchoes: plan.skippedMarkEchoes,
      scheduleLatenessMs: distribution(lateness),
    },
    received: {
      messages: parsed.length,
      media: payloads.length,
      audioMs,
      byEvent: receivedByEvent,
      violations: recording.violations,
      capturedOutbound: plan.capturedOutbound,
    },
    marks: {
      sent: marks.length,
      echoedPlayed: matched.filter((mark) => mark.echoedAtMs !== undefined && mark.byClear !== true).length,
      echoedByClear: matched.filter((mark) => mark.byClear === true).length,
      pending: matched.filter((mark) => mark.echoedAtMs === undefined).length,
      list: matched,
    },
    clears: { count: clears.length, atMs: clears },
    close: recording.close,
    timing: {
      firstMediaSentAtMs,
      firstAudioAtMs,
      firstAudioAfterFirstMediaMs: firstAudioAtMs !== null && firstMediaSentAtMs !== null ? firstAudioAtMs - firstMediaSentAtMs : null,
      ...pacing,
    },
    audio: { encoding: format.encoding, sampleRate: format.sampleRate, samples: pcm.length, durationMs: (pcm.length * 1000) / format.sampleRate },
  };
  return { report, pcm };
}

function parseMessage(message: { atMs: number; data: Buffer; binary: boolean }): ParsedMessage {
  if (message.binary) return { atMs: message.atMs, event: 'binary', frame: undefined };
  try {
    const value: unknown = JSON.parse(message.data.toString('utf8'));
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const frame = value as Record<string, unknown>;
      return { atMs: message.atMs, event: typeof frame['event'] === 'string' ? frame['event'] : 'unknown', frame };
    }
  } catch {
    // Not JSON: counted as text below.
  }
  return { atMs: message.atMs, event: 'text', frame: undefined };
}

/** Pairs each mark the engine sent with the first unused echo of the same name. */
function matchEchoes(marks: readonly MarkTiming[], echoes: ReplayRecording['echoedMarks']): MarkTiming[] {
  const used = new Array<boolean>(echoes.length).fill(false);
  return marks.map((mark) => {
    const index = echoes.findIndex((echo, i) => !used[i] && echo.name === mark.name);
    if (index < 0) return mark;
    used[index] = true;
    const echo = echoes[index]!;
    return { ...mark, echoedAtMs: echo.atMs, byClear: echo.byClear };
  });
}

/**
 * Telnyx plays `media` messages back to back; a `clear` empties its queue. Within a talk spurt each
 * message should arrive before the audio in front of it runs out, and the spacing of messages
 * should match the audio they carry.
 */
export function outboundPacing(
  times: readonly number[],
  durations: readonly number[],
  clears: readonly number[] = [],
): Pick<ReplayReport['timing'], 'interArrivalMs' | 'pacingDeviationMs' | 'playoutGaps' | 'playoutGapMs'> {
  const interArrival: number[] = [];
  const deviation: number[] = [];
  let playoutEnd = Number.NaN;
  let gaps = 0;
  let gapMs = 0;
  let clearIndex = 0;
  for (let i = 0; i < times.length; i++) {
    const at = times[i]!;
    let cleared = false;
    while (clearIndex < clears.length && clears[clearIndex]! <= at) {
      clearIndex++;
      cleared = true;
    }
    if (i > 0) {
      const spacing = at - times[i - 1]!;
      interArrival.push(spacing);
      const gap = at - playoutEnd;
      if (!cleared && gap <= SPURT_GAP_MS) {
        deviation.push(Math.abs(spacing - durations[i - 1]!));
        if (gap > 0) {
          gaps++;
          gapMs += gap;
        }
      }
    }
    playoutEnd = (cleared || !(playoutEnd > at) ? at : playoutEnd) + durations[i]!;
  }
  return { interArrivalMs: distribution(interArrival), pacingDeviationMs: distribution(deviation), playoutGaps: gaps, playoutGapMs: gapMs };
}
