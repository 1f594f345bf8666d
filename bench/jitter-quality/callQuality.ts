/** The speech quality each strategy of `bench --jitter` delivered on one call. */
import { createDecoder } from '../../codecs/createCodec.js';
import type { AudioDecoder } from '../../codecs/types.js';
import type { CaptureMediaFormat } from '../capture/captureFormat.js';
import type { ArrivalTrace } from './arrivalTrace.js';
import type { CallMedia } from './callMedia.js';
import type { PlayoutOutcome, StrategyName } from './playoutOutcome.js';
import { renderPlayout, renderReference } from './renderPlayout.js';
import { ReferenceSpeech, speechQuality, TOP_SCORE, type QualityScore } from './speechQuality.js';

/** Media time of one frame, ms. */
const FRAME_MS = 20;

/** Codecs whose decoders keep no state between frames: a frame decodes the same wherever a call starts. */
const STATELESS_ENCODINGS = new Set(['PCMU', 'PCMA', 'L16']);

/**
 * Finds the clean speech of calls: the source decoded in order by a fresh decoder, as a call's own
 * decoder would have decoded it with nothing lost.
 *
 * @remarks A stateless codec's source is decoded and analysed once, as a loop every call on it
 * indexes from its starting frame; a codec with state (Opus, G.722) decodes a frame differently
 * after different history, so each call gets its own reference, decoded from its starting frame.
 */
export class CallReferences {
  readonly #loops = new Map<CallMedia, ReferenceSpeech>();

  /** The reference of a call of `frames` frames carrying `media` from payload `offset`, and where in it the call starts. */
  of(media: CallMedia, offset: number, frames: number): { readonly speech: ReferenceSpeech; readonly offset: number } {
    if (STATELESS_ENCODINGS.has(media.format.encoding.toUpperCase())) {
      let loop = this.#loops.get(media);
      if (loop === undefined) this.#loops.set(media, (loop = decodeReference(media.format, media.payloads.length, (i) => media.payloads[i]!)));
      return { speech: loop, offset };
    }
    return { speech: decodeReference(media.format, frames, (i) => media.payloads[(offset + i) % media.payloads.length]!), offset: 0 };
  }
}

function decodeReference(format: CaptureMediaFormat, frames: number, payloadOf: (frameIndex: number) => Uint8Array): ReferenceSpeech {
  return withDecoder(format, (decoder) => {
    const frameSamples = samplesPerFrame(decoder);
    return new ReferenceSpeech(renderReference(frames, payloadOf, decoder, frameSamples), decoder.sampleRate, frameSamples);
  });
}

/**
 * Scores every outcome's audio against the call's clean speech (`reference`, from
 * {@link CallReferences}), from the first delivered frame to the last, with {@link speechQuality}.
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
  reference: { readonly speech: ReferenceSpeech; readonly offset: number },
): Record<StrategyName, QualityScore> {
  const span = { ...deliveredSpan(trace), offset: reference.offset };
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
    const samples = outcome.audio ?? withDecoder(format, (decoder) => renderPlayout(outcome.heard, payloadOf, decoder, reference.speech.frameSamples));
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

function sameFrames(a: Int32Array, b: Int32Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
