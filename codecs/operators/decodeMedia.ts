import { Observable, type OperatorFunction } from 'rxjs';
import type { AudioFrame } from '../../bots/api.js';
import type { MediaPacket } from '../../engine/telnyx/frames.js';
import type { DecodeStage } from '../decodeStage.js';

/** Runs each inbound media packet through a {@link DecodeStage}; one frame out per packet. */
export function decodeMedia(stage: DecodeStage): OperatorFunction<MediaPacket, AudioFrame> {
  return (source) =>
    new Observable<AudioFrame>((subscriber) =>
      source.subscribe({
        next: (packet) => subscriber.next(stage.process(packet)),
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
