import type { IncomingMessage, ServerResponse } from 'node:http';
import type { KeyObject } from 'node:crypto';
import type { Logger } from '../logger.js';
import { SUPPRESSED } from '../logging/logBudget.js';
import type { SharedLogBudget } from '../logging/sharedLogBudget.js';
import type { PublicOrigin } from '../publicUrl.js';
import type { TelnyxCalls } from '../telnyxCalls.js';
import type { SeenWebhookIds } from '../telnyx/seenWebhookIds.js';
import { parseWebhookEvent, WebhookFormatError, type TelnyxWebhookEvent } from '../telnyx/webhookEvents.js';
import { SIGNATURE_HEADER, signatureHeadersFailure, TIMESTAMP_HEADER, verifyWebhookSignature } from '../telnyx/webhookSignature.js';
import type { AdmitBody } from './bodiesInFlight.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { refuseBeforeBody, sendJson } from './replies.js';
import type { StreamOrigins } from './streamOrigins.js';

/** Path Telnyx posts Call Control webhooks to. */
export const WEBHOOK_PATH = '/webhooks/telnyx';
/** Largest webhook body accepted; Telnyx events are a few kilobytes. */
export const MAX_WEBHOOK_BYTES = 64 * 1024;

/** What the webhook route needs. */
export interface WebhookRouteDeps {
  /** The account's public key; undefined refuses every webhook (nothing can be verified). */
  readonly publicKey: KeyObject | undefined;
  /** Event ids already handled, each kept until its signature expires. */
  readonly seen: SeenWebhookIds;
  readonly telnyx: TelnyxCalls;
  /** Where stream URLs may point; refusals are logged there. */
  readonly origins: StreamOrigins;
  readonly log: Logger;
  /** Wall-clock milliseconds, for the signature's timestamp window. */
  readonly now: () => number;
  /** Budget of refusal lines: anyone can post here, so refusals must not size the log. */
  readonly edgeLog: SharedLogBudget;
  /** Takes the body in under the engine's bounds on unverified bodies; false: its connection was cut off. */
  readonly admitBody: AdmitBody;
  /** Event ids taken across engine processes (shared state in Redis), asked after {@link seen}; absent: this process alone decides. */
  readonly claims?: WebhookClaims | undefined;
  /** Sends a handled event on to the engine process running its call, when that is another (shared state in Redis). */
  readonly forward?: ((event: TelnyxWebhookEvent, rawBody: Buffer, acceptedUntilMs: number) => void) | undefined;
}

/** Webhook events taken across engine processes: a redelivery that lands on another process is skipped there. */
export interface WebhookClaims {
  /** True when this process takes event `id`; false when another process took it already. */
  claim(id: string, acceptedUntilMs: number, nowMs: number): Promise<boolean>;
  /** Gives event `id` back, so its next delivery anywhere is handled. */
  release(id: string): void;
}

/**
 * `POST /webhooks/telnyx`: verifies Telnyx's Ed25519 signature over the raw body (401 and one log
 * line otherwise), answers 200 at once, and applies each event once: a redelivery (same `data.id`)
 * is acknowledged and skipped, at any volume, for as long as the signature it came with could be
 * replayed (see {@link SeenWebhookIds}), and with shared state in Redis also when it lands on
 * another engine process ({@link WebhookClaims}). A call is answered with a stream only to an origin
 * {@link StreamOrigins} accepts for this request; otherwise it is left unanswered, like any call the
 * engine cannot serve, and the event is not remembered, so a delivery that reaches the engine the
 * right way can still answer it.
 */
export async function handleWebhook(request: IncomingMessage, response: ServerResponse, deps: WebhookRouteDeps): Promise<void> {
  const { log } = deps;
  // Everything the headers can show is checked before the body is read: a stranger's body costs
  // the engine memory for as long as it takes to arrive.
  if (Number(request.headers['content-length']) > MAX_WEBHOOK_BYTES) {
    refusedTooLarge(deps);
    refuseBeforeBody(response, 413, { error: 'body_too_large' });
    return;
  }
  if (deps.publicKey === undefined) {
    if (deps.edgeLog.take('webhook:no_public_key') !== SUPPRESSED) log.warn('refused webhook: no Telnyx public key configured (telnyx.publicKey or TELNYX_PUBLIC_KEY)');
    refuseBeforeBody(response, 401, { error: 'unauthorized' });
    return;
  }
  const signature = header(request, SIGNATURE_HEADER);
  const timestamp = header(request, TIMESTAMP_HEADER);
  const headerFailure = signatureHeadersFailure(signature, timestamp, deps.now());
  if (headerFailure !== undefined) {
    refusedSignature(request, deps, headerFailure);
    refuseBeforeBody(response, 401, { error: 'unauthorized' });
    return;
  }
  if (!deps.admitBody(request, response)) return;
  let rawBody: Buffer;
  try {
    rawBody = await readBody(request, MAX_WEBHOOK_BYTES);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) throw error;
    refusedTooLarge(deps);
    refuseBeforeBody(response, 413, { error: 'body_too_large' });
    return;
  }
  const check = verifyWebhookSignature(deps.publicKey, { signature, timestamp, rawBody }, deps.now());
  if (!check.ok) {
    refusedSignature(request, deps, check.reason);
    sendJson(response, 401, { error: 'unauthorized' });
    return;
  }
  let event;
  try {
    event = parseWebhookEvent(rawBody);
  } catch (error) {
    if (!(error instanceof WebhookFormatError)) throw error;
    log.warn({ detail: error.message }, 'refused webhook: not a Call Control event');
    sendJson(response, 400, { error: 'invalid_event' });
    return;
  }
  if (deps.seen.check(event.id, check.acceptedUntilMs, deps.now())) {
    log.debug({ eventId: event.id }, 'skipped redelivered webhook');
    sendJson(response, 200, { status: 'duplicate' });
    return;
  }
  if (deps.claims !== undefined && !(await deps.claims.claim(event.id, check.acceptedUntilMs, deps.now()))) {
    log.debug({ eventId: event.id, eventType: event.type }, 'skipped webhook another engine process took');
    sendJson(response, 200, { status: 'duplicate' });
    return;
  }
  sendJson(response, 200, { status: 'ok' });
  try {
    const origin = (): PublicOrigin | undefined => {
      const decision = deps.origins.resolve(request, 'webhook');
      if (decision.ok) return decision.origin;
      // Not acted on: a delivery of the same event that reaches the engine the right way must still answer the call.
      deps.seen.forget(event.id);
      deps.claims?.release(event.id);
      return undefined;
    };
    deps.telnyx.handleEvent(event, origin);
    deps.forward?.(event, rawBody, check.acceptedUntilMs);
  } catch (error) {
    log.error({ err: error, eventId: event.id, eventType: event.type }, 'webhook handling failed');
  }
}

function refusedSignature(request: IncomingMessage, deps: WebhookRouteDeps, reason: string): void {
  const heldBack = deps.edgeLog.take('webhook:bad_signature');
  if (heldBack !== SUPPRESSED) deps.log.warn({ reason, remoteAddress: request.socket.remoteAddress, alsoRefusedSinceLastLine: heldBack }, 'refused webhook: bad signature');
}

function refusedTooLarge(deps: WebhookRouteDeps): void {
  if (deps.edgeLog.take('webhook:too_large') !== SUPPRESSED) deps.log.warn({ limit: MAX_WEBHOOK_BYTES }, 'refused webhook: body too large');
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}
