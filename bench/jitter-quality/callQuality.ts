/** The speech quality each strategy of `bench --jitter` delivered on one call. */
import { createDecoder } from '../../codecs/createCodec.js';
import type { AudioDecoder } from '../../codecs/types.js';
import type { CaptureMediaFormat } from '../capture/captureFormat.js';
import type { ArrivalTrace } from './arrivalTrace.js';
import type { PlayoutOutcome, StrategyName } from './playoutOutcome.js';
import { renderPlayout, renderReference } from './renderPlayout.js';
import { ReferenceSpeech, speechQuality, TOP_SCORE, type QualityScore } from './speechQuality.js';

/** Media time of one frame, ms. */
const FRAME_MS = 20;

/**
 * The clean speech of a call: `frames` frames from `payloadOf`, decoded in order by a fresh
 * decoder, as the call's own decoder would have decoded them with nothing lost (a codec with
 * state, like Opus, decodes a source differently from a different starting frame).
 */
export function callReference(format: CaptureMediaFormat, frames: number, payloadOf: (frameIndex: number) => Uint8Array): ReferenceSpeech {
  return withDecoder(format, (decoder) => {
    const frameSamples = samplesPerFrame(decoder);
    return new ReferenceSpeech(renderReference(frames, payloadOf, decoder, frameSamples), decoder.sampleRate, frameSamples);
  });
}

/**
 * Scores every outcome's audio against the call's clean speech ({@link callReference}), from the
 * first delivered frame to the last, with {@link speechQuality}.
 *
 * @remarks An outcome with `audio` (callwire) is scored as it really sounded; the others are
 * rendered from `heard` by {@link renderPlayout}, with a fresh decoder each. Outcomes that heard
 * the same frames on the same ticks sound the same, so they are rendered and scored once.
 */
export function scoreCallAudio(
  outcomes: Readonly<Record<StrategyName, PlayoutOutcome>>,
  trace: ArrivalTrace,
  format: CaptureMediaFormat,
  payloadOf: (frameIndex: number) => Uint8Array,
): Record<StrategyName, QualityScore> {
  const span = { ...deliveredSpan(trace), offset: 0 };
  const reference = callReference(format, Math.max(1, span.lastFrame + 1), payloadOf);
  const scored: { heard: Int32Array; score: QualityScore }[] = [];
  const scores = {} as Record<StrategyName, QualityScore>;
  for (const name of Object.keys(outcomes) as StrategyName[]) {
    const outcome = outcomes[name];
    if (span.firstFrame > span.lastFrame) {
      // Nothing was delivered, so there is nothing to compare.
      scores[name] = { score: TOP_SCORE, disturbanceDb: 0, windows: 0 };
      continue;
    }
    const same = outcome.audio === undefined ? scored.find((entry) => sameFrames(entry.heard, outcome.heard)) : undefined;
    if (same !== undefined) {
      scores[name] = same.score;
      continue;
    }
    const samples = outcome.audio ?? withDecoder(format, (decoder) => renderPlayout(outcome.heard, payloadOf, decoder, samplesPerFrame(decoder)));
    const score = speechQuality(reference, { samples, sourceFrames: outcome.heard }, span);
    if (outcome.audio === undefined) scored.push({ heard: outcome.heard, score });
    scores[name] = score;
  }
  return scores;
}

function withDecoder<T>(format: CaptureMediaFormat, use: (decoder: AudioDecoder) => T): T {
  const decoder = createDecoder(format);
  try {
    return use(decoder);
  } finally {
    decoder.close();
  }
}

function samplesPerFrame(decoder: AudioDecoder): number {
  return Math.round((decoder.sampleRate * FRAME_MS) / 1000);
}

/** First and last frame the network delivered (first > last when it delivered none). */
function deliveredSpan(trace: ArrivalTrace): { firstFrame: number; lastFrame: number } {
  let firstFrame = 0;
  while (firstFrame < trace.frameCount && Number.isNaN(trace.firstArrivalMs[firstFrame] ?? Number.NaN)) firstFrame++;
  let lastFrame = trace.frameCount - 1;
  while (lastFrame >= 0 && Number.isNaN(trace.firstArrivalMs[lastFrame] ?? Number.NaN)) lastFrame--;
  return { firstFrame, lastFrame };
}

function sameFrames(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
