/** The speech quality each strategy of `bench --jitter` delivered on one call. */
import { createDecoder } from '../../codecs/createCodec.js';
import type { AudioDecoder } from '../../codecs/types.js';
import type { CaptureMediaFormat } from '../capture/captureFormat.js';
import type { ArrivalTrace } from './arrivalTrace.js';
import type { CallMedia } from './callMedia.js';
import type { PlayoutOutcome, StrategyName } from './playoutOutcome.js';
import { renderAroundDisturbances, renderReference } from './renderPlayout.js';
import { ReferenceSpeech, speechQuality, TOP_SCORE, type QualityScore } from './speechQuality.js';

/** Media time of one frame, ms. */
const FRAME_MS = 20;

/** Codecs whose decoders keep no state between frames: a frame decodes the same wherever a call starts. */
const STATELESS_ENCODINGS = new Set(['PCMU', 'PCMA', 'L16']);
/**
 * Frames at the start of a call on a codec with state that are not scored: its decoder starts cold
 * there (on the Opus fixture it is within −40 dB of a warm one after 6 frames), whatever the buffer does.
 */
const COLD_START_FRAMES = 10;

/**
 * The clean speech of calls: each source decoded in order, as one loop, once for all the calls
 * that carry it; a call starting at payload `offset` is compared with the loop from there on.
 *
 * @remarks A codec with state (Opus, G.722) decodes a frame a little differently after different
 * history. The loop is decoded across its own seam (its first frames are decoded again after its
 * last, as a call that wraps around decodes them), and the first {@link COLD_START_FRAMES} frames
 * of each call, where the call's decoder starts cold, are left out of the score.
 */
export class CallReferences {
  readonly #loops = new Map<CallMedia, ReferenceSpeech>();

  /** The reference of a call carrying `media` from payload `offset`, where in it the call starts, and the first frame to score. */
  of(media: CallMedia, offset: number): { readonly speech: ReferenceSpeech; readonly offset: number; readonly firstScoredFrame: number } {
    const stateless = STATELESS_ENCODINGS.has(media.format.encoding.toUpperCase());
    let loop = this.#loops.get(media);
    if (loop === undefined) this.#loops.set(media, (loop = decodeLoop(media, stateless ? 0 : COLD_START_FRAMES)));
    return { speech: loop, offset, firstScoredFrame: stateless ? 0 : COLD_START_FRAMES };
  }
}

/** `media`'s payloads decoded in order by one decoder, then its first `seamFrames` again, which replace the first decode of them. */
function decodeLoop(media: CallMedia, seamFrames: number): ReferenceSpeech {
  const count = media.payloads.length;
  const again = Math.min(seamFrames, count);
  return withDecoder(media.format, (decoder) => {
    const frameSamples = samplesPerFrame(decoder);
    const decoded = renderReference(count + again, (i) => media.payloads[i % count]!, decoder, frameSamples);
    decoded.copyWithin(0, count * frameSamples, (count + again) * frameSamples);
    return new ReferenceSpeech(decoded.subarray(0, count * frameSamples), decoder.sampleRate, frameSamples);
  });
}

/**
 * Scores every outcome's audio against the call's clean speech (`reference`, from
 * {@link CallReferences}), from the first delivered frame to the last, with {@link speechQuality}.
 *
 * @remarks An outcome with `audio` (callwire) is scored as it really sounded; the others are
 * rendered from `heard` by {@link renderAroundDisturbances}, from the reference's clean frames. Outcomes that heard
 * the same frames on the same ticks sound the same, so they are rendered and scored once.
 */
export function scoreCallAudio(
  outcomes: Readonly<Record<StrategyName, PlayoutOutcome>>,
  trace: ArrivalTrace,
  format: CaptureMediaFormat,
  payloadOf: (frameIndex: number) => Uint8Array,
  reference: { readonly speech: ReferenceSpeech; readonly offset: number; readonly firstScoredFrame: number },
): Record<StrategyName, QualityScore> {
  const delivered = deliveredSpan(trace);
  const span = { firstFrame: Math.max(delivered.firstFrame, reference.firstScoredFrame), lastFrame: delivered.lastFrame, offset: reference.offset };
  const { speech } = reference;
  const cleanFrame = (source: number, out: Int16Array, at: number): void => {
    const from = ((reference.offset + source) % speech.frameCount) * speech.frameSamples;
    out.set(speech.samples.subarray(from, from + speech.frameSamples), at);
  };
  const scored: { heard: Float64Array; score: QualityScore }[] = [];
  const scores = {} as Record<StrategyName, QualityScore>;
  for (const name of Object.keys(outcomes) as StrategyName[]) {
    const outcome = outcomes[name];
    if (span.firstFrame > span.lastFrame) {
      // Nothing was delivered (after the cold start), so there is nothing to compare.
      scores[name] = { score: TOP_SCORE, disturbanceDb: 0, windows: 0 };
      continue;
    }
    const same = outcome.audio === undefined ? scored.find((entry) => sameFrames(entry.heard, outcome.heard)) : undefined;
    if (same !== undefined) {
      scores[name] = same.score;
      continue;
    }
    const samples = outcome.audio ?? renderAroundDisturbances(outcome.heard, payloadOf, () => createDecoder(format), speech.frameSamples, cleanFrame);
    const score = speechQuality(reference.speech, { samples, sourceFrames: outcome.heard }, span);
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

function sameFrames(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
