import type { CallCommands } from '../actors/callPort.js';
import type { DtmfOptions, RecordingOptions } from '../bots/api.js';
import type { CallControl } from './telnyx/callControl.js';
import { CallControlError, CallControlErrorCode } from './telnyx/callControlError.js';

const DTMF_DIGITS = /^[0-9A-D*#wW]+$/;

/** Call Control bound to one call's `call_control_id` and stream; rejects every request once the call has ended. */
export class SessionCallCommands implements CallCommands {
  readonly available = true;
  readonly #control: CallControl;
  readonly #callControlId: string;
  readonly #streamId: string;
  readonly #ended: () => boolean;

  constructor(control: CallControl, callControlId: string, streamId: string, ended: () => boolean) {
    this.#control = control;
    this.#callControlId = callControlId;
    this.#streamId = streamId;
    this.#ended = ended;
  }

  startRecording(options: RecordingOptions = {}): Promise<void> {
    return this.#live('record_start', () =>
      this.#control.startRecording(this.#callControlId, {
        format: options.format ?? 'mp3',
        channels: options.channels ?? 'single',
        playBeep: options.playBeep,
        maxLengthSecs: options.maxLengthSecs,
        track: options.track,
      }),
    );
  }

  stopRecording(): Promise<void> {
    return this.#live('record_stop', () => this.#control.stopRecording(this.#callControlId));
  }

  sendDtmf(digits: string, options: DtmfOptions = {}): Promise<void> {
    if (!DTMF_DIGITS.test(digits)) {
      return Promise.reject(new CallControlError(CallControlErrorCode.InvalidRequest, `send_dtmf: "${digits}" is not DTMF (0-9 A-D * # w W)`, { command: 'send_dtmf' }));
    }
    const { durationMs } = options;
    if (durationMs !== undefined && !(Number.isInteger(durationMs) && durationMs >= 100 && durationMs <= 500)) {
      return Promise.reject(new CallControlError(CallControlErrorCode.InvalidRequest, `send_dtmf: durationMs must be an integer from 100 to 500, got ${durationMs}`, { command: 'send_dtmf' }));
    }
    return this.#live('send_dtmf', () => this.#control.sendDtmf(this.#callControlId, digits, durationMs));
  }

  stopStreaming(): Promise<void> {
    return this.#live('streaming_stop', () => this.#control.stopStreaming(this.#callControlId, this.#streamId));
  }

  transfer(to: string, from?: string): Promise<void> {
    return this.#live('transfer', () => this.#control.transfer(this.#callControlId, { to, from }));
  }

  #live(command: string, send: () => Promise<void>): Promise<void> {
    if (this.#ended()) return Promise.reject(new CallControlError(CallControlErrorCode.CallEnded, `${command}: the call has already ended`, { command }));
    return send();
  }
}

/** Call Control when the engine has no Telnyx API key: every request rejects with `CW_CALL_CONTROL_UNAVAILABLE`. */
export const UNAVAILABLE_CALL_COMMANDS: CallCommands = {
  available: false,
  startRecording: () => unavailable('record_start'),
  stopRecording: () => unavailable('record_stop'),
  sendDtmf: () => unavailable('send_dtmf'),
  stopStreaming: () => unavailable('streaming_stop'),
  transfer: () => unavailable('transfer'),
};

function unavailable(command: string): Promise<never> {
  return Promise.reject(
    new CallControlError(
      CallControlErrorCode.Unavailable,
      `${command}: Telnyx Call Control is off: set TELNYX_API_KEY (or telnyx.apiKey in the configuration) to use it`,
      { command },
    ),
  );
}
