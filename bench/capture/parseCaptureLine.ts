/** Parses and validates single capture lines (see bench/capture/FORMAT.md). */
import { isUtf8 } from 'node:buffer';
import {
  CAPTURE_MAGIC,
  CAPTURE_VERSION,
  type CaptureEvent,
  type CaptureHeader,
  type CaptureMediaFormat,
  type DroppedCounts,
} from './captureFormat.js';
import { CaptureFormatError, CaptureFormatErrorCode } from './captureFormatError.js';

const CLOSING_BRACKET = 0x5d;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** Line 1. @throws CaptureFormatError `CW_CAPTURE_NOT_JSON` or `CW_CAPTURE_BAD_HEADER`. */
export function parseHeaderLine(bytes: Buffer, line: number): CaptureHeader {
  const value = parseJson(bytes, line);
  const bad = (why: string) => new CaptureFormatError(CaptureFormatErrorCode.BadHeader, line, why);
  if (!isRecord(value) || value['callwire'] !== CAPTURE_MAGIC) throw bad(`not a capture header (expected {"callwire":"${CAPTURE_MAGIC}",...})`);
  if (value['version'] !== CAPTURE_VERSION) throw bad(`unsupported capture version ${JSON.stringify(value['version'])}; this reader reads ${CAPTURE_VERSION}`);
  const { callId, serviceHost, startedAt, note } = value;
  if (typeof callId !== 'string' || callId === '') throw bad('callId must be a non-empty string');
  if (typeof serviceHost !== 'string') throw bad('serviceHost must be a string');
  if (typeof startedAt !== 'string' || Number.isNaN(Date.parse(startedAt))) throw bad('startedAt must be an ISO 8601 time');
  if (note !== undefined && typeof note !== 'string') throw bad('note must be a string');
  const header: CaptureHeader = {
    callwire: CAPTURE_MAGIC,
    version: CAPTURE_VERSION,
    callId,
    serviceHost,
    startedAt,
    inbound: parseMediaFormat(value['inbound'], 'inbound', bad),
    outbound: parseMediaFormat(value['outbound'] ?? null, 'outbound', bad),
  };
  return note === undefined ? header : { ...header, note };
}

/**
 * An event line. `in` and `out` data are the bytes of the line between the canonical prefix
 * `[t,"in",` and the final `]`, so they are the frame exactly as written.
 *
 * @throws CaptureFormatError `CW_CAPTURE_NOT_JSON` or `CW_CAPTURE_BAD_EVENT`.
 */
export function parseEventLine(bytes: Buffer, line: number): CaptureEvent {
  const value = parseJson(bytes, line);
  const bad = (why: string) => new CaptureFormatError(CaptureFormatErrorCode.BadEvent, line, why);
  if (!Array.isArray(value) || value.length !== 3) throw bad('an event line is [t, kind, value]');
  const [t, kind, body] = value as [unknown, unknown, unknown];
  if (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0) throw bad('t must be a non-negative integer of microseconds');
  switch (kind) {
    case 'in':
    case 'out':
      return { kind, t, data: rawValue(bytes, t, kind, bad) };
    case 'in-text':
      if (typeof body !== 'string') throw bad('an "in-text" value must be a JSON string');
      return { kind, t, data: Buffer.from(body, 'utf8') };
    case 'in-bin':
      if (typeof body !== 'string' || !BASE64.test(body)) throw bad('an "in-bin" value must be a base64 string');
      return { kind, t, data: Buffer.from(body, 'base64') };
    case 'dropped':
      return { kind, t, dropped: parseDropped(body, bad) };
    case 'close': {
      if (!isRecord(body) || !Number.isInteger(body['code']) || typeof body['reason'] !== 'string') {
        throw bad('a "close" value is {"code": integer, "reason": string}');
      }
      return { kind, t, code: body['code'] as number, reason: body['reason'] };
    }
    default:
      throw bad(`unknown event kind ${JSON.stringify(kind)}`);
  }
}

function parseJson(bytes: Buffer, line: number): unknown {
  if (!isUtf8(bytes)) throw new CaptureFormatError(CaptureFormatErrorCode.NotJson, line, 'not UTF-8');
  try {
    return JSON.parse(bytes.toString('utf8')) as unknown;
  } catch (error) {
    throw new CaptureFormatError(CaptureFormatErrorCode.NotJson, line, 'not valid JSON', { cause: error });
  }
}

/** The embedded JSON text; the line already parsed, so only the prefix and suffix need checking. */
function rawValue(bytes: Buffer, t: number, kind: string, bad: (why: string) => CaptureFormatError): Buffer {
  const prefix = `[${t},"${kind}",`;
  if (bytes.length < prefix.length + 2 || bytes.toString('latin1', 0, prefix.length) !== prefix || bytes[bytes.length - 1] !== CLOSING_BRACKET) {
    throw bad(`an "${kind}" line must start with ${prefix} and end with ], with no spaces around the frame`);
  }
  return bytes.subarray(prefix.length, bytes.length - 1);
}

function parseMediaFormat(value: unknown, name: string, bad: (why: string) => CaptureFormatError): CaptureMediaFormat | null {
  if (value === null) return null;
  if (!isRecord(value) || typeof value['encoding'] !== 'string' || !Number.isInteger(value['sampleRate']) || (value['sampleRate'] as number) <= 0) {
    throw bad(`${name} must be null or {"encoding": string, "sampleRate": positive integer}`);
  }
  return { encoding: value['encoding'], sampleRate: value['sampleRate'] as number };
}

function parseDropped(value: unknown, bad: (why: string) => CaptureFormatError): DroppedCounts {
  const counts: Record<string, number> = {};
  for (const key of ['events', 'bytes', 'cap', 'buffer'] as const) {
    const count = isRecord(value) ? value[key] : undefined;
    if (typeof count !== 'number' || !Number.isSafeInteger(count) || count < 0) throw bad(`a "dropped" value needs a non-negative integer "${key}"`);
    counts[key] = count;
  }
  return { events: counts['events']!, bytes: counts['bytes']!, cap: counts['cap']!, buffer: counts['buffer']! };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
