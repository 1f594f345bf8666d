/**
 * The frames a Telnyx media stream carries, as the page sends them (the caller's side) and reads
 * them (the engine's side): counters as strings, `stream_id` top-level, payloads in base64.
 */

/** A format the page can send: µ-law at 8 kHz or L16 at 16 kHz. */
export type PageEncoding = 'PCMU' | 'L16';

/** What one page call sends in its `start` frame. */
export interface PageCall {
  readonly streamId: string;
  readonly callControlId: string;
  readonly encoding: PageEncoding;
  readonly sampleRate: number;
}

/** `connected`, with the stream auth token in it when the agent wants one (Telnyx also sends it this way). */
export function connectedFrame(token: string | undefined): string {
  return JSON.stringify(token === undefined ? { event: 'connected', version: '1.0.0' } : { event: 'connected', version: '1.0.0', connected: { 'x-telnyx-streaming-auth-token': token } });
}

/** `start` for `call`. */
export function startFrame(call: PageCall): string {
  return JSON.stringify({
    event: 'start',
    sequence_number: '1',
    start: {
      user_id: 'browser',
      call_control_id: call.callControlId,
      call_session_id: call.streamId,
      from: 'browser',
      to: 'agent',
      tags: ['try'],
      custom_parameters: {},
      media_format: { encoding: call.encoding, sample_rate: call.sampleRate, channels: 1 },
    },
    stream_id: call.streamId,
  });
}

/** `media` with the caller's audio. */
export function mediaFrame(call: PageCall, sequenceNumber: number, chunk: number, timestamp: number, payload: Uint8Array): string {
  return JSON.stringify({
    event: 'media',
    sequence_number: String(sequenceNumber),
    media: { track: 'inbound', chunk: String(chunk), timestamp: String(timestamp), payload: toBase64(payload) },
    stream_id: call.streamId,
  });
}

/** `dtmf` for one key. */
export function dtmfFrame(call: PageCall, sequenceNumber: number, digit: string): string {
  return JSON.stringify({ event: 'dtmf', stream_id: call.streamId, occurred_at: new Date().toISOString(), sequence_number: String(sequenceNumber), dtmf: { digit } });
}

/** `mark`: the audio sent before the engine's mark of this name has played. */
export function markFrame(call: PageCall, sequenceNumber: number, name: string): string {
  return JSON.stringify({ event: 'mark', stream_id: call.streamId, sequence_number: String(sequenceNumber), mark: { name } });
}

/** `stop`: the caller hung up. */
export function stopFrame(call: PageCall, sequenceNumber: number): string {
  return JSON.stringify({ event: 'stop', sequence_number: String(sequenceNumber), stop: { user_id: 'browser', call_control_id: call.callControlId }, stream_id: call.streamId });
}

/** What the engine sends: audio, marks to echo once played, and `clear`. */
export type EngineFrame =
  | { readonly event: 'media'; readonly media: { readonly payload: string } }
  | { readonly event: 'mark'; readonly mark: { readonly name: string } }
  | { readonly event: 'clear' };

/** The engine's frame in `text`, or undefined for anything the page does not act on. */
export function parseEngineFrame(text: string): EngineFrame | undefined {
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof frame !== 'object' || frame === null) return undefined;
  const { event } = frame as { event?: unknown };
  if (event === 'clear') return { event };
  if (event === 'media' && typeof (frame as { media?: { payload?: unknown } }).media?.payload === 'string') return frame as EngineFrame;
  if (event === 'mark' && typeof (frame as { mark?: { name?: unknown } }).mark?.name === 'string') return frame as EngineFrame;
  return undefined;
}

function toBase64(bytes: Uint8Array): string {
  let binary = '';
  for (let index = 0; index < bytes.length; index++) binary += String.fromCharCode(bytes[index]!);
  return btoa(binary);
}

/** Bytes of a base64 string. */
export function fromBase64(text: string): Uint8Array {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let index = 0; index < binary.length; index++) bytes[index] = binary.charCodeAt(index);
  return bytes;
}
