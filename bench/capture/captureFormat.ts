/**
 * Capture format v1: one call per file, JSON Lines, UTF-8. Specified in bench/capture/FORMAT.md;
 * this module holds its types and constants, shared by the engine's writer and the bench's reader.
 */

/** Value of the header's `callwire` key, which marks a file as a capture. */
export const CAPTURE_MAGIC = 'capture';

/** Format version this code writes and reads. */
export const CAPTURE_VERSION = 1;

/** File name suffix of a capture. */
export const CAPTURE_FILE_SUFFIX = '.capture.jsonl';

/** Kinds of event lines, as they appear in the second element of each line. */
export const CaptureEventKind = {
  /** Inbound text frame that is valid single-line JSON, embedded as is. */
  In: 'in',
  /** Inbound text frame that is not valid JSON or spans lines, as a JSON string. */
  InText: 'in-text',
  /** Inbound binary message, as base64. */
  InBin: 'in-bin',
  /** Text frame the engine sent, embedded as is. */
  Out: 'out',
  /** Events the writer did not record, counted; just before `close`. */
  Dropped: 'dropped',
  /** How the socket closed; the last line. */
  Close: 'close',
} as const;

/** One of {@link CaptureEventKind}'s values. */
export type CaptureEventKindName = (typeof CaptureEventKind)[keyof typeof CaptureEventKind];

/** Codec and rate of one direction of a call. */
export interface CaptureMediaFormat {
  /** Codec name as Telnyx spells it: `PCMU`, `PCMA`, `L16`, `OPUS`, ... */
  readonly encoding: string;
  /** Sample rate in Hz. */
  readonly sampleRate: number;
}

/** Line 1 of a capture. Readers ignore keys they do not know. */
export interface CaptureHeader {
  readonly callwire: typeof CAPTURE_MAGIC;
  readonly version: typeof CAPTURE_VERSION;
  /** The engine's id of the call (or the fixture's name). */
  readonly callId: string;
  /** `serviceHost` the call was routed by, e.g. `echo.default`; a replay connects with it. */
  readonly serviceHost: string;
  /** Wall-clock time the socket opened, ISO 8601 in UTC. */
  readonly startedAt: string;
  /** What Telnyx sent (`start.media_format`), or null when unknown when the header was written. */
  readonly inbound: CaptureMediaFormat | null;
  /** What the engine sent, or null when unknown or when the capture has no outbound side. */
  readonly outbound: CaptureMediaFormat | null;
  /** Free text for people: what the call contains. */
  readonly note?: string;
}

/** Counts of events the writer left out, by reason. */
export interface DroppedCounts {
  /** Every event left out. */
  readonly events: number;
  /** Their message bytes. */
  readonly bytes: number;
  /** Left out because the per-call byte cap was reached. */
  readonly cap: number;
  /** Left out because the writer's buffer was full (disk slower than the call, or a message larger than the buffer). */
  readonly buffer: number;
}

/** A message event: inbound frames and outbound frames, with their bytes. */
export interface CaptureMessageEvent {
  readonly kind: 'in' | 'in-text' | 'in-bin' | 'out';
  /** Microseconds since the call's socket opened. */
  readonly t: number;
  /**
   * The message exactly as it travelled: the JSON text's UTF-8 bytes for `in` and `out`, the text's
   * UTF-8 bytes for `in-text`, the binary message for `in-bin`.
   */
  readonly data: Buffer;
}

/** The `dropped` line. */
export interface CaptureDroppedEvent {
  readonly kind: 'dropped';
  readonly t: number;
  readonly dropped: DroppedCounts;
}

/** The `close` line. */
export interface CaptureCloseEvent {
  readonly kind: 'close';
  readonly t: number;
  /** WebSocket close code. */
  readonly code: number;
  readonly reason: string;
}

/** One event line of a capture, after the header. */
export type CaptureEvent = CaptureMessageEvent | CaptureDroppedEvent | CaptureCloseEvent;

/** A whole capture. */
export interface Capture {
  readonly header: CaptureHeader;
  /** In file order; `close`, when present, is last. */
  readonly events: readonly CaptureEvent[];
}
