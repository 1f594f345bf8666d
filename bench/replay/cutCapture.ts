/** The first part of a capture, ended the way the whole call ended, for short replays (`--first`). */
import type { Capture, CaptureEvent, CaptureMessageEvent } from '../capture/captureFormat.js';

/**
 * Keeps the events before `untilMs`; if that cut off the capture's `stop` frame and `close` line,
 * they are moved to the cut (keeping the gap between them), so the engine still sees the call end.
 *
 * @throws RangeError when `untilMs` is not a positive number.
 */
export function cutCapture(capture: Capture, untilMs: number): Capture {
  if (!(untilMs > 0)) throw new RangeError(`the cut must be after 0 ms, got ${untilMs}`);
  const cutAt = Math.round(untilMs * 1000);
  const kept: CaptureEvent[] = capture.events.filter((event) => event.t < cutAt);
  if (kept.length === capture.events.length) return capture;
  const stop = capture.events.findLast((event): event is CaptureMessageEvent => event.kind === 'in' && isStop(event));
  const close = capture.events.at(-1)?.kind === 'close' ? capture.events.at(-1) : undefined;
  let t = cutAt;
  if (stop !== undefined && stop.t >= cutAt) kept.push({ ...stop, t });
  if (close !== undefined) {
    t += stop !== undefined && stop.t >= cutAt ? close.t - stop.t : 0;
    kept.push({ ...close, t });
  }
  return { header: capture.header, events: kept };
}

function isStop(event: CaptureMessageEvent): boolean {
  // The captured bytes are the frame as sent: cheap to test before parsing.
  if (!event.data.includes('"stop"')) return false;
  try {
    return (JSON.parse(event.data.toString('utf8')) as { event?: unknown }).event === 'stop';
  } catch {
    return false;
  }
}
