import { describe, expect, it } from 'vitest';
import { CallControl } from './callControl.js';
import { CallControlError } from './callControlError.js';

interface SeenRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization: string | null;
  readonly body: Record<string, unknown>;
}

/** A fetch that records requests and answers from `replies` in turn (the last one repeats). */
function fakeTelnyx(replies: { status: number; body: unknown }[]) {
  const requests: SeenRequest[] = [];
  const fetchImpl = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
    const headers = new Headers(init?.headers);
    requests.push({
      method: init?.method ?? 'GET',
      path: url.pathname,
      authorization: headers.get('authorization'),
      body: JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown>,
    });
    const reply = replies[Math.min(requests.length - 1, replies.length - 1)]!;
    // retry-after-ms: 0 makes the SDK retry at once instead of backing off.
    return new Response(JSON.stringify(reply.body), { status: reply.status, headers: { 'content-type': 'application/json', 'retry-after-ms': '0' } });
  }) as typeof fetch;
  const control = new CallControl({ apiKey: 'KEY123', baseUrl: 'http://telnyx.test/v2', fetch: fetchImpl, maxRetries: 2 });
  return { control, requests };
}

const OK = { status: 200, body: { data: { result: 'ok' } } };
const ENDED = { status: 422, body: { errors: [{ code: '90018', title: 'Call has already ended', detail: 'This call is no longer active' }] } };

describe('CallControl', () => {
  it('sends each command through the SDK with the API key and a fresh command_id', async () => {
    const { control, requests } = fakeTelnyx([OK]);
    await control.transfer('v3:abc', { to: '+13125550123', from: '+13125550100' });
    await control.sendDtmf('v3:abc', '12#', 250);
    await control.startRecording('v3:abc', { format: 'mp3', channels: 'single', playBeep: true });
    expect(requests.map((request) => `${request.method} ${request.path}`)).toEqual([
      'POST /v2/calls/v3:abc/actions/transfer',
      'POST /v2/calls/v3:abc/actions/send_dtmf',
      'POST /v2/calls/v3:abc/actions/record_start',
    ]);
    expect(requests.every((request) => request.authorization === 'Bearer KEY123')).toBe(true);
    expect(requests[0]!.body).toMatchObject({ to: '+13125550123', from: '+13125550100' });
    expect(requests[1]!.body).toMatchObject({ digits: '12#', duration_millis: 250 });
    expect(requests[2]!.body).toMatchObject({ format: 'mp3', channels: 'single', play_beep: true });
    const ids = requests.map((request) => request.body['command_id']);
    expect(ids.every((id) => typeof id === 'string' && /^[0-9a-f-]{36}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(3);
  });

  it('reuses the command_id when the SDK retries, so Telnyx acts once', async () => {
    const { control, requests } = fakeTelnyx([{ status: 503, body: { errors: [] } }, { status: 500, body: {} }, OK]);
    expect(await control.hangup('v3:abc')).toBe('hung_up');
    expect(requests).toHaveLength(3);
    expect(new Set(requests.map((request) => request.body['command_id'])).size).toBe(1);
  });

  it('treats 90018 (call already ended) as success for hangup only', async () => {
    const { control } = fakeTelnyx([ENDED]);
    await expect(control.hangup('v3:gone')).resolves.toBe('already_ended');
    const error = await control.transfer('v3:gone', { to: '+1312' }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CallControlError);
    expect(error).toMatchObject({ code: 'CW_CALL_ENDED', retryable: false, status: 422, telnyxCodes: ['90018'], command: 'transfer' });
  });

  it('classifies refusals, rate limits and server errors, with retryable set', async () => {
    const rejected = await fakeTelnyx([{ status: 422, body: { errors: [{ code: 90034, title: 'Call not answered yet' }] } }])
      .control.sendDtmf('v3:x', '1')
      .catch((caught: unknown) => caught);
    expect(rejected).toMatchObject({ code: 'CW_CALL_CONTROL_REJECTED', retryable: false, telnyxCodes: ['90034'] });
    expect((rejected as Error).message).toContain('90034 Call not answered yet');
    const unauthorized = await fakeTelnyx([{ status: 401, body: { errors: [{ code: '10009', title: 'Authentication failed' }] } }])
      .control.stopRecording('v3:x')
      .catch((caught: unknown) => caught);
    expect(unauthorized).toMatchObject({ code: 'CW_CALL_CONTROL_UNAUTHORIZED', retryable: false });
    const limited = await fakeTelnyx([{ status: 429, body: {} }]).control.stopStreaming('v3:x').catch((caught: unknown) => caught);
    expect(limited).toMatchObject({ code: 'CW_CALL_CONTROL_RATE_LIMITED', retryable: true });
    const failed = await fakeTelnyx([{ status: 502, body: {} }]).control.stopStreaming('v3:x').catch((caught: unknown) => caught);
    expect(failed).toMatchObject({ code: 'CW_CALL_CONTROL_SERVER_ERROR', retryable: true });
  });

  it('reports an unreachable Telnyx as a retryable network error', async () => {
    const control = new CallControl({ apiKey: 'k', baseUrl: 'http://127.0.0.1:1/v2', maxRetries: 0, timeoutMs: 2_000 });
    const error = await control.hangup('v3:x').catch((caught: unknown) => caught);
    expect(error).toMatchObject({ code: 'CW_CALL_CONTROL_NETWORK', retryable: true, command: 'hangup' });
  });

  it('dials with a bidirectional RTP stream, the token and the client state, and returns the call ids', async () => {
    const { control, requests } = fakeTelnyx([{ status: 200, body: { data: { call_control_id: 'v3:new', call_leg_id: 'leg', call_session_id: 'sess', is_alive: false, record_type: 'call' } } }]);
    const call = await control.dial({
      connectionId: 'conn-1',
      to: '+13125550199',
      from: '+13125550100',
      clientState: 'c3RhdGU=',
      stream: { url: 'wss://cw.example/ws/telnyx?serviceHost=a.b', codec: 'L16', samplingRate: 16000, authToken: 'tok' },
    });
    expect(call).toEqual({ callControlId: 'v3:new', callLegId: 'leg', callSessionId: 'sess' });
    expect(requests[0]!.path).toBe('/v2/calls');
    expect(requests[0]!.body).toMatchObject({
      connection_id: 'conn-1',
      to: '+13125550199',
      from: '+13125550100',
      client_state: 'c3RhdGU=',
      stream_url: 'wss://cw.example/ws/telnyx?serviceHost=a.b',
      stream_track: 'inbound_track',
      stream_bidirectional_mode: 'rtp',
      stream_bidirectional_codec: 'L16',
      stream_bidirectional_sampling_rate: 16000,
      stream_auth_token: 'tok',
    });
    expect(typeof requests[0]!.body['command_id']).toBe('string');
  });

  it('answers with a stream but no token or parameters, and starts streaming with both', async () => {
    const { control, requests } = fakeTelnyx([OK]);
    await control.answer('v3:in', { url: 'wss://h/ws/telnyx?serviceHost=a.b', codec: 'PCMU' }, 'c3Q=');
    await control.startStreaming('v3:in', { url: 'wss://h/ws/telnyx?serviceHost=a.b', codec: 'PCMA', samplingRate: 8000, authToken: 't', customParameters: { plan: 'gold' } });
    expect(requests[0]!.body).toMatchObject({ stream_url: 'wss://h/ws/telnyx?serviceHost=a.b', stream_bidirectional_mode: 'rtp', stream_bidirectional_codec: 'PCMU', client_state: 'c3Q=' });
    expect(requests[0]!.body).not.toHaveProperty('stream_auth_token');
    expect(requests[1]!.path).toBe('/v2/calls/v3:in/actions/streaming_start');
    expect(requests[1]!.body).toMatchObject({ stream_auth_token: 't', custom_parameters: [{ name: 'plan', value: 'gold' }], stream_bidirectional_codec: 'PCMA' });
  });
});
