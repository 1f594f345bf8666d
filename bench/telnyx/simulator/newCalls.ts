import { clientStateOf, dialTarget, optionalString, requiredString, streamRequestOf, type Body } from './bodyFields.js';
import { CallLeg, type LegDetails, type LegHost } from './callLeg.js';
import { CALL_CODEC } from './streamRequest.js';

/** Connection id of calls placed with `inboundCall` when none is given. */
export const DEFAULT_CONNECTION_ID = '1684641123236054244';

/** The `data` of dial's and retrieveStatus' responses. */
export function callRecord(leg: CallLeg): Record<string, unknown> {
  return {
    call_control_id: leg.callControlId,
    call_leg_id: leg.callLegId,
    call_session_id: leg.callSessionId,
    client_state: leg.clientState ?? null,
    is_alive: leg.state !== 'hangup',
    record_type: 'call',
    start_time: leg.startTime,
  };
}

/**
 * `POST /calls`: an outgoing leg that Telnyx reports initiated, then (the callee picking up at once)
 * answered, then streams to `stream_url` if given. Validation errors throw before anything changes.
 */
export function dial(host: LegHost, body: Body): CallLeg {
  const connectionId = requiredString(body, 'connection_id');
  const from = requiredString(body, 'from');
  const to = dialTarget(body);
  const clientState = clientStateOf(body);
  const stream = streamRequestOf(body, 'dial', clientState);
  const details: LegDetails = { direction: 'outgoing', from, to, connectionId, clientState, webhookUrl: optionalString(body, 'webhook_url') };
  const leg = new CallLeg(host, details);
  void leg.enqueueDelayed(() => leg.emit('call.initiated', { start_time: leg.startTime }));
  void leg.enqueueDelayed(async () => {
    if (leg.state !== 'bridging') return;
    leg.state = 'answered';
    if (body['record'] === 'record-from-answer') leg.startRecording(optionalString(body, 'record_format') ?? 'mp3', optionalString(body, 'record_channels') ?? 'single');
    await leg.emit('call.answered', { start_time: leg.startTime });
    if (stream !== undefined) await leg.openStream(stream);
  });
  return leg;
}

/** Who calls whom, for {@link inbound}. */
export interface InboundCallOptions {
  readonly from: string;
  readonly to: string;
  readonly connectionId?: string;
}

/** A caller dials a number on the connection: a parked incoming leg and its `call.initiated`. */
export function inbound(host: LegHost, options: InboundCallOptions): { leg: CallLeg; initiated: Promise<void> } {
  const leg = new CallLeg(host, {
    direction: 'incoming',
    from: options.from,
    to: options.to,
    connectionId: options.connectionId ?? DEFAULT_CONNECTION_ID,
    clientState: undefined,
    webhookUrl: undefined,
  });
  const initiated = leg.enqueue(() =>
    leg.emit('call.initiated', {
      start_time: leg.startTime,
      caller_id_name: options.from,
      calling_party_type: 'pstn',
      offered_codecs: `${CALL_CODEC},PCMA`,
      tags: [],
    }),
  );
  return { leg, initiated };
}
