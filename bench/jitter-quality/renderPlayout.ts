/**
 * The audio a timing-only strategy of `bench --jitter` makes heard: its played frames decoded, its
 * empty ticks concealed the way callwire's `PlayoutStage` conceals, so that scoring the audio
 * compares timing decisions and not concealment algorithms.
 */
import type { AudioDecoder } from '../../codecs/types.js';
import { hasLossRecovery } from '../../codecs/jitter/lossRecovery.js';
import { WaveformSubstitution } from '../../codecs/jitter/waveformSubstitution.js';

/** `PlayoutStage`'s default: consecutive concealed frames before the output turns to silence. */
export const CONCEAL_FRAMES = 4;
/** Frames decoded, and not kept, before a disturbance: the decoder's and the concealer's history. */
const WARM_UP_FRAMES = 10;
/** Frames decoded after a disturbance before the clean audio takes over again. */
const SETTLE_FRAMES = 10;

/**
 * Decodes `heard` (one entry per output frame: a source frame index, or a negative number for none) with
 * `decoder`, frame i carrying `payloadOf(i)`.
 *
 * @remarks Concealment follows `PlayoutStage` with its defaults: the codec's own PLC when it has one
 * (Opus; its FEC cannot be decoded in this build, so `PlayoutStage` never gets any either), else
 * {@link WaveformSubstitution}; silence after {@link CONCEAL_FRAMES} frames of one gap; a 5 ms
 * cross-fade back into real audio.
 */
export function renderPlayout(heard: Int32Array | Float64Array, payloadOf: (frameIndex: number) => Uint8Array, decoder: AudioDecoder, frameSamples: number): Int16Array {
  const out = new Int16Array(heard.length * frameSamples);
  const frame = new Int16Array(frameSamples);
  const recovery = hasLossRecovery(decoder) ? decoder : undefined;
  const waveform = new WaveformSubstitution(decoder.sampleRate, { fadeFrames: CONCEAL_FRAMES });
  let concealRun = 0;
  for (let k = 0; k < heard.length; k++) {
    const index = heard[k]!;
    if (index >= 0) {
      const payload = payloadOf(index);
      const written = decoder.decode(payload, payload.length, frame);
      if (written < frameSamples) frame.fill(0, Math.max(0, written));
      if (recovery === undefined) {
        if (concealRun > 0) waveform.merge(frame, frameSamples);
        waveform.remember(frame, frameSamples);
      }
      concealRun = 0;
    } else if (++concealRun > CONCEAL_FRAMES) {
      frame.fill(0);
    } else if (recovery === undefined) {
      waveform.conceal(frame, frameSamples);
    } else {
      const written = recovery.concealLoss(frame, frameSamples);
      if (written < frameSamples) frame.fill(0, Math.max(0, written));
    }
    out.set(frame, k * frameSamples);
  }
  return out;
}

/** The clean audio of frames 0 … frameCount − 1, decoded in order by a fresh `decoder`: the reference. */
export function renderReference(frameCount: number, payloadOf: (frameIndex: number) => Uint8Array, decoder: AudioDecoder, frameSamples: number): Int16Array {
  const heard = new Int32Array(frameCount);
  for (let i = 0; i < frameCount; i++) heard[i] = i;
  return renderPlayout(heard, payloadOf, decoder, frameSamples);
}

/**
 * What {@link renderPlayout} gives, decoding only around disturbances: a frame heard in order more
 * than 10 frames after the last gap or jump is copied from the clean audio (`cleanFrame(source,
 * out, at)` writes source frame `source` at `out[at]`); each disturbance is decoded by a fresh
 * decoder from `newDecoder`, warmed up on the 10 frames heard before it.
 *
 * @remarks Exact for decoders without state (G.711, L16). One with state (Opus) re-converges within
 * a few frames of a disturbance (on the Opus fixture, to within −40 dB after 6 frames), so the
 * copied frames are what it would have decoded, as far as {@link speechQuality} can tell.
 */
export function renderAroundDisturbances(
  heard: Int32Array | Float64Array,
  payloadOf: (frameIndex: number) => Uint8Array,
  newDecoder: () => AudioDecoder,
  frameSamples: number,
  cleanFrame: (sourceFrame: number, out: Int16Array, at: number) => void,
): Int16Array {
  const count = heard.length;
  const out = new Int16Array(count * frameSamples);
  // Frames to decode: each disturbance (the first frame is one: the decoder starts cold) and the frames settling after it.
  const decode = new Uint8Array(count);
  for (let k = 0; k < count; k++) {
    const source = heard[k]!;
    if (k === 0 || source < 0 || source !== heard[k - 1]! + 1) decode.fill(1, k, Math.min(count, k + 1 + SETTLE_FRAMES));
  }
  let k = 0;
  while (k < count) {
    if (decode[k] === 0) {
      cleanFrame(heard[k]!, out, k * frameSamples);
      k++;
      continue;
    }
    // One region, run on into the next when that one's warm-up would reach back into it.
    let end = k + 1;
    while (end < count && decode.subarray(end, end + WARM_UP_FRAMES + 1).includes(1)) end++;
    const start = Math.max(0, k - WARM_UP_FRAMES);
    const decoder = newDecoder();
    try {
      const rendered = renderPlayout(heard.subarray(start, end), payloadOf, decoder, frameSamples);
      out.set(rendered.subarray((k - start) * frameSamples), k * frameSamples);
    } finally {
      decoder.close();
    }
    k = end;
  }
  return out;
}
