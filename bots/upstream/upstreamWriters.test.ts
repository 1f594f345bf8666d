import { describe, expect, it } from 'vitest';
import { TelnyxMessageWriter } from './telnyxUpstream.js';
import { TwilioMessageWriter } from './twilioUpstream.js';
import type { UpstreamCallFacts } from './upstreamProtocol.js';

const CALL: UpstreamCallFacts = {
  streamId: 'stream-"1"',
  callControlId: 'v3:cc-1',
  callSessionId: 'session-1',
  userId: 'user-1',
  from: '+13125550100',
  to: '+13125550199',
  tags: ['vip'],
  clientState: 'aGk=',
  customParameters: { firstName: 'Ada', to: 'desk' },
  encoding: 'PCMU',
};

const FRAME = Buffer.from([0xff, 0x7f, 0x00, 0x80, 0x12]);

describe('the Telnyx protocol towards a bot server', () => {
  it('says what Telnyx says, with the real call_control_id and gap-free numbering', () => {
    const writer = new TelnyxMessageWriter();
    expect(JSON.parse(writer.connected())).toEqual({ event: 'connected', version: '1.0.0' });
    expect(JSON.parse(writer.start(CALL))).toEqual({
      event: 'start',
      sequence_number: '1',
      stream_id: 'stream-"1"',
      start: {
        user_id: 'user-1',
        call_control_id: 'v3:cc-1',
        call_session_id: 'session-1',
        from: '+13125550100',
        to: '+13125550199',
        tags: ['vip'],
        client_state: 'aGk=',
        custom_parameters: { firstName: 'Ada', to: 'desk' },
        media_format: { encoding: 'PCMU', sample_rate: 8000, channels: 1 },
      },
    });
    const first = JSON.parse(writer.media(FRAME, 4));
    expect(first).toEqual({ event: 'media', sequence_number: '2', stream_id: 'stream-"1"', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: FRAME.toString('base64', 0, 4) } });
    expect(JSON.parse(writer.dtmf('5', '2026-12-05T00:00:00.000Z'))).toEqual({ event: 'dtmf', stream_id: 'stream-"1"', occurred_at: '2026-12-05T00:00:00.000Z', sequence_number: '3', dtmf: { digit: '5' } });
    const second = JSON.parse(writer.media(FRAME, 5));
    expect(second.sequence_number).toBe('4');
    expect(second.media).toMatchObject({ chunk: '2', timestamp: '20' });
    expect(Buffer.from(second.media.payload, 'base64')).toEqual(FRAME);
    expect(JSON.parse(writer.mark('m "1"'))).toEqual({ event: 'mark', stream_id: 'stream-"1"', sequence_number: '5', mark: { name: 'm "1"' } });
    expect(JSON.parse(writer.stop())).toEqual({ event: 'stop', sequence_number: '6', stream_id: 'stream-"1"', stop: { user_id: 'user-1', call_control_id: 'v3:cc-1' } });
  });
});

describe('the Twilio protocol towards a bot server', () => {
  it('maps the Telnyx call onto Twilio Media Streams messages', () => {
    const writer = new TwilioMessageWriter();
    expect(JSON.parse(writer.connected())).toEqual({ event: 'connected', protocol: 'Call', version: '1.0.0' });
    expect(JSON.parse(writer.start(CALL))).toEqual({
      event: 'start',
      sequenceNumber: '1',
      start: {
        accountSid: 'user-1',
        streamSid: 'stream-"1"',
        callSid: 'v3:cc-1',
        tracks: ['inbound'],
        // The stream's own `to` parameter wins over the called number.
        customParameters: { from: '+13125550100', to: 'desk', firstName: 'Ada' },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: 'stream-"1"',
    });
    expect(JSON.parse(writer.media(FRAME, 5))).toEqual({ event: 'media', sequenceNumber: '2', media: { track: 'inbound', chunk: '1', timestamp: '0', payload: FRAME.toString('base64') }, streamSid: 'stream-"1"' });
    expect(JSON.parse(writer.media(FRAME, 5)).media).toMatchObject({ chunk: '2', timestamp: '20' });
    expect(JSON.parse(writer.dtmf('#'))).toEqual({ event: 'dtmf', streamSid: 'stream-"1"', sequenceNumber: '4', dtmf: { track: 'inbound_track', digit: '#' } });
    expect(JSON.parse(writer.mark('greeting'))).toEqual({ event: 'mark', sequenceNumber: '5', streamSid: 'stream-"1"', mark: { name: 'greeting' } });
    expect(JSON.parse(writer.stop())).toEqual({ event: 'stop', sequenceNumber: '6', streamSid: 'stream-"1"', stop: { accountSid: 'user-1', callSid: 'v3:cc-1' } });
  });
});
