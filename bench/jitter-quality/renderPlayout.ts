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

/**
 * Decodes `heard` (one entry per output frame: a source frame index, or a negative number for none) with
 * `decoder`, frame i carrying `payloadOf(i)`.
 *
 * @remarks Concealment follows `PlayoutStage` with its defaults: the codec's own PLC when it has one
 * (Opus; its FEC cannot be decoded in this build, so `PlayoutStage` never gets any either), else
 * {@link WaveformSubstitution}; silence after {@link CONCEAL_FRAMES} frames of one gap; a 5 ms
 * cross-fade back into real audio.
 */
export function renderPlayout(heard: Int32Array, payloadOf: (frameIndex: number) => Uint8Array, decoder: AudioDecoder, frameSamples: number): Int16Array {
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
