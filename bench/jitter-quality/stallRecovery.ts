/**
 * How fast callwire's buffer gives back the delay a stall added: per stall, the speech it plays
 * before its added delay is back near where it was before the stall.
 */
import type { PlayoutOptions } from '../../codecs/jitter/playoutStage.js';
import { simulateTrace, type TracePacket } from '../../codecs/jitter/simulateTrace.js';
import type { AudioDecoder } from '../../codecs/types.js';
import type { StallWindow } from '../impair/index.js';
import { earliestPlayoutMs, type ArrivalTrace, type TickGrid } from './arrivalTrace.js';
import { median } from '../support/quantiles.js';

/** `sequence_number` of frame 0, as in `playWithCallwire`. */
const FIRST_SEQUENCE = 2;

/** One stall as the buffer lived through it. */
export interface StallRecoveryOutcome {
  /** The stall, from the schedule. */
  readonly stall: StallWindow;
  /** Added delay of the last frame that started playing before the stall began, ms. */
  readonly beforeMs: number;
  /** Largest added delay between the stall's start and the recovery (or the window's end), ms. */
  readonly peakMs: number;
  /**
   * Speech played from the stall's end until a frame started within the tolerance of `beforeMs`,
   * ms; 0 when the first frame after the stall already was. NaN when the window (up to the next
   * stall or the end of the call) closed first: then `speechSeenMs` says how much speech it held.
   */
  readonly speechToRecoverMs: number;
  /** Speech played in the window from the stall's end to the next stall (or the call's end), ms. */
  readonly speechSeenMs: number;
}

/** One tick of callwire's playout: when, whether it played speech, and the added delay of the last frame that started in it (NaN if none). */
interface TickRecord {
  readonly tickMs: number;
  readonly speech: boolean;
  readonly delayMs: number;
}

/**
 * Plays `trace` through callwire's buffer (as `playWithCallwire` does) and follows each of
 * `stalls`: the added delay before it, and the speech (ticks that played speech, each one frame)
 * from its end until a frame starts no more than `toleranceMs` above that delay.
 */
export function measureStallRecovery(
  trace: ArrivalTrace,
  stalls: readonly StallWindow[],
  payloadOf: (frameIndex: number) => Uint8Array,
  decoder: AudioDecoder,
  grid: TickGrid,
  playout?: PlayoutOptions,
  toleranceMs = 20,
): StallRecoveryOutcome[] {
  const first = trace.arrivalsMs[0];
  if (first === undefined) return [];
  const packets: TracePacket[] = [];
  for (let n = 0; n < trace.arrivalsMs.length; n++) {
    const index = trace.frameIndices[n] ?? 0;
    packets.push({ arrivalMs: trace.arrivalsMs[n] ?? 0, sequenceNumber: index + FIRST_SEQUENCE, chunk: index + 1, timestamp: index * trace.frameMs, payload: payloadOf(index) });
  }
  const ticks: TickRecord[] = [];
  simulateTrace(packets, {
    decoder,
    ...(playout === undefined ? {} : { playout }),
    startMs: grid.atOrAfter(first),
    onFrame: (frame, tickMs, stage) => {
      let delayMs = Number.NaN;
      for (let p = 0; p < stage.playedInTick; p++) {
        const index = stage.playedSequenceNumber(p) - FIRST_SEQUENCE;
        delayMs = tickMs + stage.playedOffsetMs(p) - earliestPlayoutMs(trace, index);
      }
      ticks.push({ tickMs, speech: frame.kind === 'speech', delayMs });
    },
  });
  const frameMs = trace.frameMs;
  return stalls.map((stall, s) => {
    const endMs = stall.startMs + stall.durationMs;
    const windowEndMs = stalls[s + 1]?.startMs ?? Number.POSITIVE_INFINITY;
    let beforeMs = Number.NaN;
    let peakMs = Number.NaN;
    let speechMs = 0;
    let speechToRecoverMs = Number.NaN;
    for (const tick of ticks) {
      if (tick.tickMs < stall.startMs) {
        if (!Number.isNaN(tick.delayMs)) beforeMs = tick.delayMs;
        continue;
      }
      if (tick.tickMs >= windowEndMs) break;
      if (Number.isNaN(speechToRecoverMs) && !Number.isNaN(tick.delayMs) && !(tick.delayMs <= peakMs)) peakMs = tick.delayMs;
      if (tick.tickMs < endMs) continue;
      if (Number.isNaN(speechToRecoverMs) && tick.delayMs <= beforeMs + toleranceMs) speechToRecoverMs = speechMs;
      if (tick.speech) speechMs += frameMs;
    }
    return { stall, beforeMs, peakMs, speechToRecoverMs, speechSeenMs: speechMs };
  });
}

/** Recovery pooled over a set of stalls. */
export interface RecoveryShare {
  /** Stalls counted: their window held at least `withinMs` of speech, or they recovered. */
  readonly stalls: number;
  /** Of those, back within the tolerance within `withinMs` of speech. */
  readonly recovered: number;
  /** `recovered` / `stalls`, % (0 when there are none). */
  readonly recoveredPct: number;
  /** Median speech to recover over the counted stalls, ms; Infinity when fewer than half recovered in their window. */
  readonly medianSpeechToRecoverMs: number;
}

/** Stalls pooled over calls: all of them, and those that raised the added delay beyond the tolerance at all. */
export interface StallRecoverySummary {
  /** Stalls with a pre-stall delay (something had played before them). */
  readonly stalls: number;
  /** Of those, the ones whose window closed before recovery with less than `withinMs` of speech in it: undecided, left out. */
  readonly undecided: number;
  /** Every decided stall; one the buffer rode through without a rise counts as recovered at once. */
  readonly all: RecoveryShare;
  /** Only the decided stalls after which the added delay rose more than the tolerance above its pre-stall level. */
  readonly raised: RecoveryShare;
}

/** Pools {@link StallRecoveryOutcome}s: share recovered within `withinMs` of speech (the goal: 3 s). */
export function summarizeStallRecovery(outcomes: readonly StallRecoveryOutcome[], withinMs = 3000, toleranceMs = 20): StallRecoverySummary {
  const withBefore = outcomes.filter((outcome) => !Number.isNaN(outcome.beforeMs));
  const decided = withBefore.filter((outcome) => !Number.isNaN(outcome.speechToRecoverMs) || outcome.speechSeenMs >= withinMs);
  return {
    stalls: withBefore.length,
    undecided: withBefore.length - decided.length,
    all: recoveryShare(decided, withinMs),
    raised: recoveryShare(
      decided.filter((outcome) => outcome.peakMs > outcome.beforeMs + toleranceMs),
      withinMs,
    ),
  };
}

function recoveryShare(outcomes: readonly StallRecoveryOutcome[], withinMs: number): RecoveryShare {
  // A stall that never recovered in its window sorts last: it took longer than any that did.
  const times = outcomes.map((outcome) => (Number.isNaN(outcome.speechToRecoverMs) ? Number.POSITIVE_INFINITY : outcome.speechToRecoverMs));
  times.sort((a, b) => a - b);
  const recovered = times.filter((ms) => ms <= withinMs).length;
  const middle = times.length === 0 ? Number.POSITIVE_INFINITY : median(times);
  return { stalls: outcomes.length, recovered, recoveredPct: outcomes.length > 0 ? (100 * recovered) / outcomes.length : 0, medianSpeechToRecoverMs: middle };
}
