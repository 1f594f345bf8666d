/**
 * Writes captures in one go, for tools that hold a whole call in memory (fixtures, tests, the
 * bench's own recordings). The engine records live calls with `engine/capture/CaptureWriter`,
 * which produces the same lines without allocating per frame.
 */
import { writeFile } from 'node:fs/promises';
import type { Capture, CaptureEvent, CaptureHeader } from './captureFormat.js';

const NEWLINE = 0x0a;
const CARRIAGE_RETURN = 0x0d;

/** Line 1, without its newline; keys in the documented order. */
export function encodeCaptureHeader(header: CaptureHeader): string {
  const ordered: Record<string, unknown> = {
    callwire: header.callwire,
    version: header.version,
    callId: header.callId,
    serviceHost: header.serviceHost,
    startedAt: header.startedAt,
    inbound: header.inbound === null ? null : { encoding: header.inbound.encoding, sampleRate: header.inbound.sampleRate },
    outbound: header.outbound === null ? null : { encoding: header.outbound.encoding, sampleRate: header.outbound.sampleRate },
  };
  if (header.note !== undefined) ordered['note'] = header.note;
  return JSON.stringify(ordered);
}

/** True when `data` is JSON text that fits on one line, so it can be embedded as is. */
export function isSingleLineJson(data: Buffer): boolean {
  if (data.includes(NEWLINE) || data.includes(CARRIAGE_RETURN)) return false;
  try {
    JSON.parse(data.toString('utf8'));
    return true;
  } catch {
    return false;
  }
}

/**
 * One event line with its newline.
 *
 * @throws RangeError when `t` is not a non-negative safe integer, or an `in`/`out` event's data is
 * not single-line JSON (use `in-text` for such inbound text).
 */
export function encodeCaptureEvent(event: CaptureEvent): Buffer {
  const { t } = event;
  if (!Number.isSafeInteger(t) || t < 0) throw new RangeError(`capture time must be a non-negative integer of microseconds, got ${t}`);
  switch (event.kind) {
    case 'in':
    case 'out': {
      if (!isSingleLineJson(event.data)) throw new RangeError(`an "${event.kind}" event must hold single-line JSON`);
      return Buffer.concat([Buffer.from(`[${t},"${event.kind}",`, 'latin1'), event.data, Buffer.from(']\n', 'latin1')]);
    }
    case 'in-text':
      return Buffer.from(`[${t},"in-text",${JSON.stringify(event.data.toString('utf8'))}]\n`, 'utf8');
    case 'in-bin':
      return Buffer.from(`[${t},"in-bin","${event.data.toString('base64')}"]\n`, 'latin1');
    case 'dropped': {
      const { events, bytes, cap, buffer } = event.dropped;
      return Buffer.from(`${JSON.stringify([t, 'dropped', { events, bytes, cap, buffer }])}\n`, 'utf8');
    }
    case 'close':
      return Buffer.from(`${JSON.stringify([t, 'close', { code: event.code, reason: event.reason }])}\n`, 'utf8');
  }
}

/** A whole capture as file bytes. @throws RangeError as {@link encodeCaptureEvent} does. */
export function encodeCapture(capture: Capture): Buffer {
  const parts: Buffer[] = [Buffer.from(`${encodeCaptureHeader(capture.header)}\n`, 'utf8')];
  for (const event of capture.events) parts.push(encodeCaptureEvent(event));
  return Buffer.concat(parts);
}

/** Writes `capture` to `path`, replacing the file. */
export async function writeCapture(path: string, capture: Capture): Promise<void> {
  await writeFile(path, encodeCapture(capture));
}
