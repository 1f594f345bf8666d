import type { UpstreamCallFacts, UpstreamMessageWriter } from './upstreamProtocol.js';

/** Twilio's first message on a Media Streams socket. */
const CONNECTED = '{"event":"connected","protocol":"Call","version":"1.0.0"}';
/** The constant part of a `media` message after its sequence number. */
const MEDIA_MIDDLE = '","media":{"track":"inbound","chunk":"';

/**
 * The call in Twilio Media Streams messages, so a bot written for Twilio runs on a Telnyx number:
 * `streamSid` is Telnyx's stream_id, `callSid` its call_control_id, `accountSid` its user_id, and the
 * caller and called numbers join `customParameters` as `from` and `to` unless the stream already
 * set parameters of those names.
 */
export class TwilioMessageWriter implements UpstreamMessageWriter {
  #sequence = 0;
  #chunk = 0;
  /** `"}},"streamSid":…}`: the constant end of every media message. */
  #mediaEnd = '"}}';
  #streamSid = '';
  #callSid = '';
  #accountSid = '';

  connected(): string {
    return CONNECTED;
  }

  start(call: UpstreamCallFacts): string {
    this.#streamSid = call.streamId;
    this.#callSid = call.callControlId;
    this.#accountSid = call.userId ?? '';
    this.#mediaEnd = '"},"streamSid":' + JSON.stringify(call.streamId) + '}';
    return JSON.stringify({
      event: 'start',
      sequenceNumber: String(++this.#sequence),
      start: {
        accountSid: this.#accountSid,
        streamSid: call.streamId,
        callSid: call.callControlId,
        tracks: ['inbound'],
        customParameters: { from: call.from, to: call.to, ...call.customParameters },
        mediaFormat: { encoding: 'audio/x-mulaw', sampleRate: 8000, channels: 1 },
      },
      streamSid: call.streamId,
    });
  }

  media(payload: Buffer, length: number): string {
    const chunk = ++this.#chunk;
    return (
      '{"event":"media","sequenceNumber":"' + ++this.#sequence + MEDIA_MIDDLE + chunk +
      '","timestamp":"' + (chunk - 1) * 20 + '","payload":"' + payload.toString('base64', 0, length) + this.#mediaEnd
    );
  }

  dtmf(digit: string): string {
    return JSON.stringify({ event: 'dtmf', streamSid: this.#streamSid, sequenceNumber: String(++this.#sequence), dtmf: { track: 'inbound_track', digit } });
  }

  mark(name: string): string {
    return JSON.stringify({ event: 'mark', sequenceNumber: String(++this.#sequence), streamSid: this.#streamSid, mark: { name } });
  }

  stop(): string {
    return JSON.stringify({ event: 'stop', sequenceNumber: String(++this.#sequence), streamSid: this.#streamSid, stop: { accountSid: this.#accountSid, callSid: this.#callSid } });
  }
}
