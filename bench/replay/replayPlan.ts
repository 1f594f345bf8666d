/**
 * What a replay sends, worked out from a capture before the socket opens: the inbound messages with
 * their offsets, how the capture ended, and the call details the simulated Telnyx needs for the
 * frames it writes itself (mark echoes).
 */
import type { Capture, CaptureMediaFormat, CaptureMessageEvent } from '../capture/captureFormat.js';

/** One inbound message to send. */
export interface PlannedSend {
  /** When to send it, ms after the socket opens, at speed 1. */
  readonly atMs: number;
  /** The bytes, exactly as captured. */
  readonly data: Buffer;
  /** Sent as a binary message (`in-bin`) rather than text. */
  readonly binary: boolean;
  /** The frame's `event` when it is a JSON object with one (`media`, `dtmf`, ...); `undefined` otherwise. */
  readonly event: string | undefined;
  /** Its `sequence_number` as a number, or NaN when it has none. */
  readonly sequenceNumber: number;
}

/** How the captured socket closed. */
export interface PlannedClose {
  readonly atMs: number;
  readonly code: number;
  readonly reason: string;
}

/** Everything a replay of one capture needs. */
export interface ReplayPlan {
  readonly callId: string;
  readonly serviceHost: string;
  /** Messages to send, in capture order. */
  readonly sends: readonly PlannedSend[];
  /** The capture's `close` line, if it has one. */
  readonly close: PlannedClose | undefined;
  /** The caller's codec, from the header (null when the header did not know it). */
  readonly inbound: CaptureMediaFormat | null;
  /** Codec the engine is expected to send back: the header's `outbound`, else PCMU 8 kHz. */
  readonly outbound: CaptureMediaFormat;
  /** `stream_id` of the capture's `start` frame (mark echoes carry it), if any. */
  readonly streamId: string | undefined;
  /** Highest `sequence_number` among the messages sent; mark echoes are numbered after it. */
  readonly highestSequenceNumber: number;
  /** Captured `mark` echoes left out (the replay echoes the engine's marks itself), see {@link planReplay}. */
  readonly skippedMarkEchoes: number;
  /** `out` events of the capture: what the engine answered when it was recorded. */
  readonly capturedOutbound: number;
}

/** Options of {@link planReplay}. */
export interface PlanReplayOptions {
  /** Also send the capture's own `mark` echoes. Default false: they answered another run's marks. */
  readonly keepCapturedMarks?: boolean;
}

/** Outbound format assumed when the capture does not say: Telnyx's default `bidirectionalCodec`. */
export const DEFAULT_OUTBOUND: CaptureMediaFormat = { encoding: 'PCMU', sampleRate: 8000 };

/**
 * The replay of `capture`: its `in`, `in-text` and `in-bin` events become sends at `t` / 1000 ms.
 *
 * @remarks Captured `mark` frames are Telnyx's echoes of marks the engine sent during the recording.
 * The replay plays Telnyx's side live and echoes the marks this run's engine sends, so by default
 * the captured echoes are left out (counted in `skippedMarkEchoes`): sending both would tell the
 * engine twice that audio played.
 */
export function planReplay(capture: Capture, options: PlanReplayOptions = {}): ReplayPlan {
  const sends: PlannedSend[] = [];
  let close: PlannedClose | undefined;
  let streamId: string | undefined;
  let highestSequenceNumber = 0;
  let skippedMarkEchoes = 0;
  let capturedOutbound = 0;
  for (const event of capture.events) {
    if (event.kind === 'close') {
      close = { atMs: event.t / 1000, code: event.code, reason: event.reason };
      continue;
    }
    if (event.kind === 'dropped') continue;
    if (event.kind === 'out') {
      capturedOutbound++;
      continue;
    }
    const frame = event.kind === 'in-bin' ? undefined : jsonObject(event);
    const name = typeof frame?.['event'] === 'string' ? frame['event'] : undefined;
    if (name === 'mark' && options.keepCapturedMarks !== true) {
      skippedMarkEchoes++;
      continue;
    }
    if (name === 'start' && streamId === undefined && typeof frame?.['stream_id'] === 'string') streamId = frame['stream_id'];
    const raw = frame?.['sequence_number'];
    const sequence = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
    const sequenceNumber = Number.isSafeInteger(sequence) && sequence >= 0 ? sequence : Number.NaN;
    if (sequenceNumber > highestSequenceNumber) highestSequenceNumber = sequenceNumber;
    sends.push({ atMs: event.t / 1000, data: event.data, binary: event.kind === 'in-bin', event: name, sequenceNumber });
  }
  return {
    callId: capture.header.callId,
    serviceHost: capture.header.serviceHost,
    sends,
    close,
    inbound: capture.header.inbound,
    outbound: capture.header.outbound ?? DEFAULT_OUTBOUND,
    streamId,
    highestSequenceNumber,
    skippedMarkEchoes,
    capturedOutbound,
  };
}

function jsonObject(event: CaptureMessageEvent): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(event.data.toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
