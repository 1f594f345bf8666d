import type { UpstreamCallFacts, UpstreamMessageWriter } from './upstreamProtocol.js';

/** Telnyx sends `connected` with this version (see the media-streaming reference). */
const CONNECTED = '{"event":"connected","version":"1.0.0"}';

/**
 * Telnyx's media-streaming protocol as Telnyx itself speaks it to a bot: the bot server sees what it
 * would see if Telnyx called it directly, with callwire's clean, reordered audio in `media`.
 */
export class TelnyxMessageWriter implements UpstreamMessageWriter {
  #sequence = 0;
  #chunk = 0;
  /** `","stream_id":…,"media":{"track":"inbound","chunk":"`: the constant part after the sequence number. */
  #mediaMiddle = '';
  #streamId: string | undefined;
  #callControlId = '';
  #userId: string | undefined;

  connected(): string {
    return CONNECTED;
  }

  start(call: UpstreamCallFacts): string {
    this.#streamId = call.streamId;
    this.#mediaMiddle = '","stream_id":' + JSON.stringify(call.streamId) + ',"media":{"track":"inbound","chunk":"';
    this.#callControlId = call.callControlId;
    this.#userId = call.userId;
    return JSON.stringify({
      event: 'start',
      sequence_number: String(++this.#sequence),
      stream_id: call.streamId,
      start: {
        user_id: call.userId,
        call_control_id: call.callControlId,
        call_session_id: call.callSessionId,
        from: call.from,
        to: call.to,
        tags: call.tags,
        client_state: call.clientState,
        custom_parameters: call.customParameters,
        media_format: { encoding: call.encoding, sample_rate: 8000, channels: 1 },
      },
    });
  }

  media(payload: Buffer, length: number): string {
    const chunk = ++this.#chunk;
    return (
      '{"event":"media","sequence_number":"' + ++this.#sequence + this.#mediaMiddle + chunk +
      '","timestamp":"' + (chunk - 1) * 20 + '","payload":"' + payload.toString('base64', 0, length) + '"}}'
    );
  }

  dtmf(digit: string, occurredAt: string): string {
    return JSON.stringify({ event: 'dtmf', stream_id: this.#streamId, occurred_at: occurredAt, sequence_number: String(++this.#sequence), dtmf: { digit } });
  }

  mark(name: string): string {
    return JSON.stringify({ event: 'mark', stream_id: this.#streamId, sequence_number: String(++this.#sequence), mark: { name } });
  }

  stop(): string {
    return JSON.stringify({ event: 'stop', sequence_number: String(++this.#sequence), stream_id: this.#streamId, stop: { user_id: this.#userId, call_control_id: this.#callControlId } });
  }
}
