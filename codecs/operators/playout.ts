import { Observable, Subscription, type OperatorFunction } from 'rxjs';
import type { AudioFrame } from '../../bots/api.js';
import type { Clock } from '../../engine/clock.js';
import type { MediaPacket } from '../../engine/telnyx/frames.js';
import type { PlayoutStage } from '../jitter/playoutStage.js';

/**
 * Feeds inbound media packets into a {@link PlayoutStage} as they arrive (stamped with
 * `clock.now()`) and emits one frame per tick of `ticks` (tick times, e.g. a `PacerTicks` on the
 * engine's shared pacer). Completes or errors with the packets.
 *
 * @example
 * const ticks = new PacerTicks(clock);
 * pacer.add(ticks);
 * packets$.pipe(playout(new PlayoutStage(decoder), ticks, clock)).subscribe((frame) => bot.audio(frame));
 */
export function playout(stage: PlayoutStage, ticks: Observable<number>, clock: Clock): OperatorFunction<MediaPacket, AudioFrame> {
  return (source) =>
    new Observable<AudioFrame>((subscriber) => {
      const subscription = new Subscription();
      subscription.add(
        ticks.subscribe({
          next: (tickMs) => subscriber.next(stage.tick(tickMs)),
          error: (error: unknown) => subscriber.error(error),
        }),
      );
      subscription.add(
        source.subscribe({
          next: (packet) => {
            stage.push(packet, clock.now());
          },
          error: (error: unknown) => subscriber.error(error),
          complete: () => subscriber.complete(),
        }),
      );
      return subscription;
    });
}
