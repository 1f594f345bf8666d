import { Observable, type OperatorFunction } from 'rxjs';
import type { AudioFrame } from '../../bots/api.js';
import { AudioFrameBuffer } from '../audioFrameBuffer.js';
import type { Resampler } from '../resample/types.js';

/** Frames up to this long (Opus's longest) fit the first buffer; longer ones grow it once. */
const INITIAL_CAPACITY_MS = 60;

/**
 * Converts each frame to `resampler.outputRate`, keeping its kind and sequence number. One frame
 * out per frame in; a 20 ms frame stays a 20 ms frame.
 *
 * @remarks The emitted frame is one reused {@link AudioFrameBuffer}, overwritten by the next frame:
 * copy what you keep. Nothing is allocated per frame. Give each subscription its own resampler (it
 * carries the signal's state); the caller closes it. A frame at another rate than
 * `resampler.inputRate`, or a resampler error, errors the stream.
 * @example
 * decoded$.pipe(resampleFrames(createResampler(8000, 16000))).subscribe((frame) => bot.audio(frame));
 */
export function resampleFrames(resampler: Resampler): OperatorFunction<AudioFrame, AudioFrame> {
  return (source) =>
    new Observable<AudioFrame>((subscriber) => {
      let frame: AudioFrameBuffer | null = new AudioFrameBuffer(
        resampler.maxOutputCount((resampler.inputRate * INITIAL_CAPACITY_MS) / 1000),
        resampler.outputRate,
      );
      const subscription = source.subscribe({
        next: (input) => {
          if (frame === null) return;
          if (input.sampleRate !== resampler.inputRate) {
            subscriber.error(new RangeError(`frame at ${input.sampleRate} Hz given to a ${resampler.inputRate} Hz resampler`));
            return;
          }
          const needed = resampler.maxOutputCount(input.sampleCount);
          if (needed > frame.samples.length) frame = new AudioFrameBuffer(needed, resampler.outputRate);
          try {
            frame.sampleCount = resampler.process(input.samples, input.sampleCount, frame.samples);
          } catch (error: unknown) {
            subscriber.error(error);
            return;
          }
          frame.kind = input.kind;
          frame.sequenceNumber = input.sequenceNumber;
          subscriber.next(frame);
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        frame = null;
      };
    });
}
