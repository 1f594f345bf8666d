import Telnyx from 'telnyx';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { looksLikeMp3 } from './callLeg.js';
import { TelnyxSimulator } from './index.js';
import { startMediaServer, startWebhookReceiver, type AcceptedStream, type MediaServer, type WebhookReceiver } from './testKit.js';
import { EVENT_WAIT_MS } from '../../../test/support/eventWait.js';

let sim: TelnyxSimulator;
let receiver: WebhookReceiver;
let media: MediaServer;
let client: Telnyx;

beforeEach(async () => {
  receiver = await startWebhookReceiver();
  media = await startMediaServer();
  sim = await TelnyxSimulator.start({ webhookUrl: receiver.url, webhookDelayMs: 1 });
  client = new Telnyx({ apiKey: sim.apiKey, baseURL: sim.baseUrl, maxRetries: 0 });
});

afterEach(async () => {
  await sim.close();
  await media.close();
  await receiver.close();
});

/** The n-th socket the engine side accepted, once it has received `frameCount` frames. */
async function acceptedStream(index: number, frameCount = 2): Promise<AcceptedStream> {
  await sim.waitFor(() => (media.streams[index]?.frames.length ?? 0) >= frameCount, EVENT_WAIT_MS, `stream ${index} with ${frameCount} frames`);
  return media.streams[index]!;
}

/** An inbound call answered without a stream. */
async function answeredCall(): Promise<string> {
  const leg = await sim.inboundCall({ from: '+13125550100', to: '+13125550199' });
  await client.calls.actions.answer(leg.callControlId, {});
  return leg.callControlId;
}

describe('media streams', () => {
  it('dial with stream_url opens the socket after streaming.started and sends connected + start', async () => {
    const clientState = Buffer.from('{"agent":"demo"}').toString('base64');
    // Telnyx documents custom_parameters on streaming_start, not on dial; the simulator honours them on both.
    const body = {
      connection_id: 'conn-1',
      from: '+13125550100',
      to: '+13125550123',
      stream_url: media.url,
      stream_track: 'inbound_track',
      stream_bidirectional_mode: 'rtp',
      stream_bidirectional_codec: 'PCMU',
      stream_auth_token: 'secret-token',
      client_state: clientState,
      custom_parameters: [{ name: 'first_name', value: 'Ada' }],
    } as Parameters<Telnyx['calls']['dial']>[0];
    const dialed = await client.calls.dial(body);
    const id = dialed.data!.call_control_id;
    const stream = await acceptedStream(0);
    expect(stream.headers['x-telnyx-streaming-auth-token']).toBe('secret-token');
    const [connected, start] = stream.frames;
    expect(connected).toEqual({ event: 'connected', version: '1.0.0', connected: { 'x-telnyx-streaming-auth-token': 'secret-token' } });
    expect(start).toMatchObject({
      event: 'start',
      sequence_number: '1',
      stream_id: expect.any(String),
      start: {
        call_control_id: id,
        call_session_id: dialed.data!.call_session_id,
        from: '+13125550100',
        to: '+13125550123',
        client_state: clientState,
        custom_parameters: { first_name: 'Ada' },
        media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 },
      },
    });
    expect(receiver.eventTypes(id)).toEqual(['call.initiated', 'call.answered', 'streaming.started']);
    expect((await sim.leg(id)!.streamOpened()).open).toBe(true);
  });

  it('answer with stream_url streams without token or custom parameters (answer takes neither)', async () => {
    const leg = await sim.inboundCall({ from: '+1', to: '+2' });
    const body = { stream_url: media.url, stream_codec: 'L16', stream_auth_token: 'ignored', custom_parameters: [{ name: 'x', value: 'y' }] };
    await client.calls.actions.answer(leg.callControlId, body as Parameters<Telnyx['calls']['actions']['answer']>[1]);
    const stream = await acceptedStream(0);
    expect(stream.headers['x-telnyx-streaming-auth-token']).toBeUndefined();
    expect(stream.frames[0]).toEqual({ event: 'connected', version: '1.0.0' });
    expect(stream.frames[1]).toMatchObject({ start: { custom_parameters: {}, media_format: { encoding: 'L16', sample_rate: 16000 } } });
  });

  it('streaming_start delivers the stream auth token and custom parameters', async () => {
    const id = await answeredCall();
    await client.calls.actions.startStreaming(id, {
      stream_url: media.url,
      stream_bidirectional_mode: 'rtp',
      stream_auth_token: 'tok-123',
      custom_parameters: [
        { name: 'org', value: 'acme' },
        { name: 'agent', value: 'support' },
      ],
    });
    const stream = await acceptedStream(0);
    expect(stream.headers['x-telnyx-streaming-auth-token']).toBe('tok-123');
    expect(stream.frames[0]).toMatchObject({ connected: { 'x-telnyx-streaming-auth-token': 'tok-123' } });
    expect(stream.frames[1]).toMatchObject({ start: { call_control_id: id, custom_parameters: { org: 'acme', agent: 'support' } } });
  });

  it('transfer ends the stream with a stop frame and streaming.stopped, and no call.hangup', async () => {
    const id = await answeredCall();
    await client.calls.actions.startStreaming(id, { stream_url: media.url, stream_bidirectional_mode: 'rtp' });
    const stream = await acceptedStream(0);
    await client.calls.actions.transfer(id, { to: '+13125550111', command_id: 'xfer' });
    expect(sim.leg(id)!.state).toBe('transferred');
    expect(await stream.closed).toBe(1000);
    expect(stream.frames.at(-1)).toMatchObject({ event: 'stop', stop: { call_control_id: id } });
    await sim.waitFor(() => receiver.eventTypes(id).includes('streaming.stopped'), EVENT_WAIT_MS, 'streaming.stopped');
    expect(receiver.eventTypes(id)).toEqual(['call.initiated', 'call.answered', 'streaming.started', 'streaming.stopped']);
  });

  it('the caller hanging up closes the stream (stop first), then streaming.stopped and call.hangup', async () => {
    const id = await answeredCall();
    await client.calls.actions.startStreaming(id, { stream_url: media.url, stream_bidirectional_mode: 'rtp' });
    const stream = await acceptedStream(0);
    await sim.leg(id)!.hangup();
    expect(stream.frames.at(-1)).toMatchObject({ event: 'stop' });
    expect(receiver.eventTypes(id).slice(-2)).toEqual(['streaming.stopped', 'call.hangup']);
  });

  it('streaming_stop stops the stream; the engine closing the socket is reported as streaming.stopped', async () => {
    const id = await answeredCall();
    await client.calls.actions.startStreaming(id, { stream_url: media.url, stream_bidirectional_mode: 'rtp' });
    const first = await acceptedStream(0);
    await client.calls.actions.stopStreaming(id, {});
    await first.closed;
    expect(first.frames.at(-1)).toMatchObject({ event: 'stop' });

    await client.calls.actions.startStreaming(id, { stream_url: media.url, stream_bidirectional_mode: 'rtp' });
    const second = await acceptedStream(1);
    second.socket.close(1008, 'bad token');
    await sim.waitFor(() => receiver.eventTypes(id).filter((t) => t === 'streaming.stopped').length === 2, EVENT_WAIT_MS, 'a second streaming.stopped');
    expect(sim.leg(id)!.state).toBe('answered');
  });

  it('a stream_url that refuses the connection gives streaming.failed', async () => {
    const id = await answeredCall();
    const closed = await startMediaServer();
    const deadUrl = closed.url;
    await closed.close();
    await client.calls.actions.startStreaming(id, { stream_url: deadUrl });
    await sim.waitFor(() => receiver.eventTypes(id).includes('streaming.failed'), EVENT_WAIT_MS, 'streaming.failed');
    const failed = receiver.received.find((w) => w.json.data.event_type === 'streaming.failed')!.json.data.payload;
    expect(failed).toMatchObject({ failure_reason: 'connection_failed', stream_params: { stream_url: deadUrl }, stream_type: 'websocket' });
    expect(sim.problems).toHaveLength(1);
  });

  it('echoes a mark, and flags raw audio on a stream not in rtp mode', async () => {
    const id = await answeredCall();
    await client.calls.actions.startStreaming(id, { stream_url: media.url });
    const stream = await acceptedStream(0);
    stream.socket.send(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(160, 0x55).toString('base64') } }));
    stream.socket.send(JSON.stringify({ event: 'mark', mark: { name: 'after-20ms' } }));
    await sim.waitFor(() => stream.frames.some((f) => f['event'] === 'mark'), EVENT_WAIT_MS, 'the mark echo');
    expect(stream.frames.find((f) => f['event'] === 'mark')).toMatchObject({ mark: { name: 'after-20ms' } });
    expect(sim.leg(id)!.media!.violations).toEqual([expect.stringMatching(/not rtp/)]);
  });

  it('plays what it receives in real time: clear echoes a mark queued behind 10 s of audio at once', async () => {
    const id = await answeredCall();
    await client.calls.actions.startStreaming(id, { stream_url: media.url, stream_bidirectional_mode: 'rtp' });
    const stream = await acceptedStream(0);
    stream.socket.send(JSON.stringify({ event: 'media', media: { payload: Buffer.alloc(80_000, 0x55).toString('base64') } }));
    stream.socket.send(JSON.stringify({ event: 'mark', mark: { name: 'queued' } }));
    await sim.waitFor(() => sim.leg(id)!.media!.media.length === 1, EVENT_WAIT_MS, 'the audio to arrive');
    expect(sim.leg(id)!.media!.echoedMarks).toEqual([]);
    stream.socket.send(JSON.stringify({ event: 'clear' }));
    await sim.waitFor(() => stream.frames.some((f) => f['event'] === 'mark'), EVENT_WAIT_MS, 'the mark flushed by clear');
    expect(sim.leg(id)!.media!.clears).toBe(1);
    expect(sim.leg(id)!.media!.violations).toEqual([]);
  });
});

describe('looksLikeMp3', () => {
  it('tells MP3 (ID3 tag or frame header) from raw PCMU, including PCMU silence', () => {
    expect(looksLikeMp3(Buffer.from('ID3\x04\x00', 'latin1'))).toBe(true);
    expect(looksLikeMp3(Buffer.from([0xff, 0xfb, 0x90, 0x64]))).toBe(true); // MPEG-1 layer III, 128 kbit/s, 44.1 kHz
    expect(looksLikeMp3(Buffer.from([0xff, 0xff, 0xff, 0xff]))).toBe(false);
    expect(looksLikeMp3(Buffer.from([0x55, 0x55, 0x55]))).toBe(false);
  });
});
