/**
 * Builders for the frames Telnyx sends on a media-streaming WebSocket, shaped as in Telnyx's
 * documentation (../shared/reference/telnyx.md §1.2): counters as strings, `stream_id` top-level.
 */

/** Call details a simulated `start` frame carries. */
export interface SimulatedCall {
  readonly streamId: string;
  readonly callControlId: string;
  readonly callSessionId: string;
  readonly from: string;
  readonly to: string;
  readonly encoding: string;
  readonly sampleRate: number;
  readonly customParameters: Readonly<Record<string, string>>;
  readonly clientState: string | undefined;
  readonly tags: readonly string[];
}

/** A call with every field filled in; override what matters to the test. */
export function simulatedCall(overrides: Partial<SimulatedCall> = {}): SimulatedCall {
  const id = Math.random().toString(36).slice(2, 10);
  return {
    streamId: `stream-${id}`,
    callControlId: `v3:cc-${id}`,
    callSessionId: `session-${id}`,
    from: '+13125550100',
    to: '+13125550199',
    encoding: 'PCMU',
    sampleRate: 8000,
    customParameters: {},
    clientState: undefined,
    tags: [],
    ...overrides,
  };
}

/** `connected`, optionally with the stream auth token. */
export function connectedFrame(authToken?: string): string {
  const frame: Record<string, unknown> = { event: 'connected', version: '1.0.0' };
  if (authToken !== undefined) frame['connected'] = { 'x-telnyx-streaming-auth-token': authToken };
  return JSON.stringify(frame);
}

/** `start` for `call`. */
export function startFrame(call: SimulatedCall, sequenceNumber = 1): string {
  return JSON.stringify({
    event: 'start',
    sequence_number: String(sequenceNumber),
    start: {
      user_id: 'user-0000',
      call_control_id: call.callControlId,
      call_session_id: call.callSessionId,
      from: call.from,
      to: call.to,
      tags: call.tags,
      client_state: call.clientState,
      custom_parameters: call.customParameters,
      media_format: { encoding: call.encoding, sample_rate: call.sampleRate, channels: 1 },
    },
    stream_id: call.streamId,
  });
}

/** `media` carrying `payload` on `track`. */
export function mediaFrame(call: SimulatedCall, sequenceNumber: number, chunk: number, timestamp: number, payload: Uint8Array, track = 'inbound'): string {
  return JSON.stringify({
    event: 'media',
    sequence_number: String(sequenceNumber),
    media: { track, chunk: String(chunk), timestamp: String(timestamp), payload: Buffer.from(payload).toString('base64') },
    stream_id: call.streamId,
  });
}

/** `dtmf` for one key. */
export function dtmfFrame(call: SimulatedCall, sequenceNumber: number, digit: string): string {
  return JSON.stringify({
    event: 'dtmf',
    stream_id: call.streamId,
    occurred_at: new Date().toISOString(),
    sequence_number: String(sequenceNumber),
    dtmf: { digit },
  });
}

/** `mark` echo. */
export function markFrame(call: SimulatedCall, sequenceNumber: number, name: string): string {
  return JSON.stringify({ event: 'mark', stream_id: call.streamId, sequence_number: String(sequenceNumber), mark: { name } });
}

/** `stop`, the last frame. */
export function stopFrame(call: SimulatedCall, sequenceNumber: number): string {
  return JSON.stringify({
    event: 'stop',
    sequence_number: String(sequenceNumber),
    stop: { user_id: 'user-0000', call_control_id: call.callControlId },
    stream_id: call.streamId,
  });
}

/** `error`, as Telnyx reports a problem with what we sent. */
export function errorFrame(call: SimulatedCall, code: number, title: string, detail: string): string {
  return JSON.stringify({ event: 'error', payload: { code, title, detail }, stream_id: call.streamId });
}
