import { callNotAnswered, invalidValue, missingParameter } from './apiErrors.js';
import { clientStateOf, enumField, optionalString, requiredString, streamRequestOf, type Body } from './bodyFields.js';
import type { CallLeg, HangupSource } from './callLeg.js';

/** Extra fields of the `data` a command answers with, beside `result: "ok"`. */
export type ActionResult = Record<string, unknown>;

/**
 * Applies one validated Call Control action to `leg`: state changes happen at once (so the next
 * command sees them), webhooks and stream changes are queued on the leg after the webhook delay.
 */
type ActionHandler = (leg: CallLeg, body: Body) => ActionResult;

const notBeforeAnswer = (leg: CallLeg): void => {
  if (leg.state === 'parked' || leg.state === 'bridging') throw callNotAnswered();
};

/** Who `hangup` makes the source: our side is the callee of an inbound call, the caller of a dialled one. */
const ourSide = (leg: CallLeg): HangupSource => (leg.details.direction === 'incoming' ? 'callee' : 'caller');

const handlers: Readonly<Record<string, ActionHandler>> = {
  answer(leg, body) {
    // Answering a call that is not parked has no effect (Telnyx's error for it is not documented).
    if (leg.state !== 'parked') return {};
    const stream = streamRequestOf(body, 'answer', leg.clientState);
    leg.state = 'answered';
    const result: ActionResult = {};
    if (body['record'] === 'record-from-answer') {
      result['recording_id'] = leg.startRecording(optionalString(body, 'record_format') ?? 'mp3', optionalString(body, 'record_channels') ?? 'single');
    }
    void leg.enqueueDelayed(async () => {
      await leg.emit('call.answered', { start_time: leg.startTime });
      if (stream !== undefined) await leg.openStream(stream);
    });
    return result;
  },

  hangup(leg) {
    leg.state = 'hangup';
    void leg.enqueueDelayed(() => leg.finishHangup(ourSide(leg)));
    return {};
  },

  transfer(leg, body) {
    requiredString(body, 'to');
    leg.state = 'transferred';
    // The caller is now with the transfer target; our stream ends. The far leg is not simulated.
    void leg.enqueueDelayed(() => leg.closeStream());
    return {};
  },

  streaming_start(leg, body) {
    notBeforeAnswer(leg);
    const stream = streamRequestOf(body, 'streaming_start', leg.clientState);
    if (stream === undefined) throw missingParameter('stream_url');
    void leg.enqueueDelayed(() => leg.openStream(stream));
    return {};
  },

  streaming_stop(leg, body) {
    const streamId = optionalString(body, 'stream_id');
    if (streamId === undefined || streamId === leg.streamId) void leg.enqueueDelayed(() => leg.closeStream());
    return {};
  },

  record_start(leg, body) {
    notBeforeAnswer(leg);
    const channels = enumField(body, 'channels', ['single', 'dual'], '90001', true)!;
    const format = enumField(body, 'format', ['wav', 'mp3'], '90000', true)!;
    return { recording_id: leg.startRecording(format, channels) };
  },

  record_stop(leg) {
    void leg.enqueueDelayed(() => leg.saveRecording());
    return {};
  },

  send_dtmf(leg, body) {
    notBeforeAnswer(leg);
    const digits = requiredString(body, 'digits');
    if (!/^[0-9A-D*#wW]+$/.test(digits)) {
      throw invalidValue('digits', '90014', 'Invalid value for digits', "The 'digits' parameter must be made of 0-9, A-D, w, W, * or #.");
    }
    return {};
  },

  client_state_update(leg, body) {
    if (clientStateOf(body) === undefined) throw missingParameter('client_state');
    return {};
  },
};

/** Telnyx actions the simulator accepts and records but does not act on (they have no effect on the stream). */
const RECORDED_ONLY = new Set([
  'ai_assistant_start', 'ai_assistant_stop', 'ai_assistant_add_messages', 'ai_assistant_join', 'bridge', 'enqueue', 'fork_start', 'fork_stop',
  'gather', 'gather_stop', 'gather_using_ai', 'gather_using_audio', 'gather_using_speak', 'leave_queue', 'playback_start', 'playback_stop',
  'record_pause', 'record_resume', 'refer', 'reject', 'send_sip_info', 'siprec_start', 'siprec_stop', 'speak', 'suppression_start',
  'suppression_stop', 'switch_supervisor_role', 'transcription_start', 'transcription_stop', 'conversation_relay_start',
  'conversation_relay_stop', 'pay',
]);

/** True if `action` is a Call Control action Telnyx has. */
export function isKnownAction(action: string): boolean {
  return action in handlers || RECORDED_ONLY.has(action);
}

/** Runs `action` on a live `leg`; throws a `TelnyxApiError` for a request Telnyx would refuse. */
export function applyAction(leg: CallLeg, action: string, body: Body): ActionResult {
  const clientState = clientStateOf(body);
  const webhookUrl = optionalString(body, 'webhook_url');
  const previousClientState = leg.clientState;
  // Set first so the command's own webhooks and stream carry it; undone if Telnyx would refuse the command.
  if (clientState !== undefined) leg.clientState = clientState;
  try {
    const result = handlers[action]?.(leg, body) ?? {};
    if (webhookUrl !== undefined) leg.webhookUrl = webhookUrl;
    return result;
  } catch (error) {
    leg.clientState = previousClientState;
    throw error;
  }
}
