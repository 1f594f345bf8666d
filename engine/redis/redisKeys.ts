/** Every key callwire writes starts with this, so one Redis can hold other data too. */
export const KEY_PREFIX = 'callwire:';

/** One engine process's name in the cluster: the node id, and `#worker` under `serve --workers`. */
export function processName(nodeId: string, worker: number | undefined): string {
  return worker === undefined ? nodeId : `${nodeId}#${worker}`;
}

/** The node registry entry of one engine process (`worker` under `serve --workers`). */
export function nodeKey(nodeId: string, worker: number | undefined): string {
  return `${KEY_PREFIX}node:${processName(nodeId, worker)}`;
}

/** The call directory entry of one call, by callwire's call id. */
export function callKey(callId: string): string {
  return `${KEY_PREFIX}call:${callId}`;
}

/** The call id of a Telnyx call, by its `call_control_id`. */
export function callControlKey(callControlId: string): string {
  return `${KEY_PREFIX}call-control:${callControlId}`;
}

/** A dial-out's custom parameters, by the one-time key its stream URL carries (`dial=`). */
export function dialParametersKey(streamKey: string): string {
  return `${KEY_PREFIX}dial:${streamKey}`;
}

/** Which process holds a Call Control leg it answered or dialed, by `call_control_id`. */
export function legKey(callControlId: string): string {
  return `${KEY_PREFIX}leg:${callControlId}`;
}

/** Marks a webhook event (`data.id`) one engine process has taken, so a redelivery that lands on another is skipped. */
export function webhookEventKey(eventId: string): string {
  return `${KEY_PREFIX}webhook:${eventId}`;
}

/** The pub/sub channel an engine process hears forwarded webhooks on. */
export function webhookChannel(nodeId: string, worker: number | undefined): string {
  return `${nodeKey(nodeId, worker)}:webhooks`;
}

/** SCAN pattern of the node registry's entries. */
export const NODE_KEYS = `${KEY_PREFIX}node:*`;

/** SCAN pattern of the call directory's entries by call id. */
export const CALL_KEYS = `${KEY_PREFIX}call:*`;
