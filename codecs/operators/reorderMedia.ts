import { Observable, type OperatorFunction } from 'rxjs';
import type { Clock } from '../../engine/clock.js';
import type { MediaPacket } from '../../engine/telnyx/frames.js';
import type { OrderedPacket } from '../jitter/bufferedPacket.js';
import type { ReorderStage } from '../jitter/reorderStage.js';

/** LiveKit's SIP bridge waits this long for a missing packet before declaring it lost. */
export const DEFAULT_REORDER_WAIT_MS = 60;

/**
 * Puts inbound media packets in order through a {@link ReorderStage}: packets that arrive in order
 * go straight through; after a gap, later packets are held until the missing one arrives or the
 * earliest held one has waited `maxWaitMs` (checked at each arrival). Emitted packets are the
 * stage's packets: valid until the stage takes the next packet.
 */
export function reorderMedia(
  stage: ReorderStage,
  clock: Clock,
  maxWaitMs = DEFAULT_REORDER_WAIT_MS,
): OperatorFunction<MediaPacket, OrderedPacket> {
  return (source) =>
    new Observable<OrderedPacket>((subscriber) =>
      source.subscribe({
        next: (packet) => {
          const now = clock.now();
          stage.push(packet, now);
          for (let ready = stage.pop(now, maxWaitMs); ready !== undefined; ready = stage.pop(now, maxWaitMs)) {
            subscriber.next(ready);
          }
        },
        error: (error: unknown) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
