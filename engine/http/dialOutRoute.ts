import type { IncomingMessage, ServerResponse } from 'node:http';
import { z } from 'zod';
import type { AgentCatalog } from '../agentCatalog.js';
import { e164 } from '../configSchema.js';
import type { Logger } from '../logger.js';
import { parseServiceHost } from '../routing.js';
import type { TelnyxCalls } from '../telnyxCalls.js';
import { isCallControlError } from '../telnyx/callControlError.js';
import { hasBearerKey } from './bearerAuth.js';
import { SUPPRESSED } from '../logging/logBudget.js';
import type { SharedLogBudget } from '../logging/sharedLogBudget.js';
import type { AdmitBody } from './bodiesInFlight.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { sendJson } from './replies.js';
import { sendOriginRefusal, type StreamOrigins } from './streamOrigins.js';

/** Path of the dial-out endpoint. */
export const DIAL_OUT_PATH = '/v1/calls';
const MAX_BODY_BYTES = 16 * 1024;

/** The body of `POST /v1/calls`. */
export const dialOutRequestSchema = z
  .object({
    agent: z.string().refine((value) => parseServiceHost(value) !== undefined, 'agent must be NAME.ORG'),
    to: z.union([e164, z.string().regex(/^sips?:[^\s]+$/, 'to must be an E.164 number or a sip: URI')]),
    from: e164.optional(),
    connectionId: z.string().min(1).optional(),
    customParameters: z
      .record(z.string().min(1).max(128), z.string().max(1024))
      .refine((parameters) => Object.keys(parameters).length <= 32, 'at most 32 custom parameters')
      .optional(),
    clientState: z
      .string()
      .max(4096)
      .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'clientState must be base64 (Telnyx echoes it as is)')
      .optional(),
  })
  .strict();

/** What the dial-out route needs. */
export interface DialOutRouteDeps {
  readonly catalog: AgentCatalog;
  readonly telnyx: TelnyxCalls;
  readonly apiKeys: readonly string[];
  readonly connectionId: string | undefined;
  /** Where stream URLs may point; refusals are logged there. */
  readonly origins: StreamOrigins;
  readonly log: Logger;
  /** Budget of refusal lines: anyone can post here, so refusals must not size the log. */
  readonly edgeLog: SharedLogBudget;
  /** Takes the body in under the engine's bounds on unverified bodies; false: its connection was cut off. */
  readonly admitBody: AdmitBody;
}

/** One problem with a request body, for a 400. */
interface FieldIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * `POST /v1/calls`: places an outbound call for an agent through Telnyx Call Control, its stream
 * coming back to this engine. Bearer auth with one of the engine's API keys (constant-time); a
 * body that does not validate gets 400 with every field issue; 201 with the call's ids. The same
 * origin rule as every stream URL holds (an authenticated caller does not vouch for a Host header):
 * a refused host gets its error status and a JSON body naming the fix.
 */
export async function handleDialOut(request: IncomingMessage, response: ServerResponse, deps: DialOutRouteDeps): Promise<void> {
  if (!hasBearerKey(request.headers, deps.apiKeys)) {
    if (deps.edgeLog.take('dial_out:unauthorized') !== SUPPRESSED) {
      deps.log.warn({ remoteAddress: request.socket.remoteAddress, configured: deps.apiKeys.length > 0 }, 'refused dial-out: missing or wrong API key');
    }
    sendJson(response, 401, { error: 'unauthorized' }, { 'www-authenticate': 'Bearer' });
    return;
  }
  if (!deps.admitBody(request, response)) return;
  let json: unknown;
  try {
    json = JSON.parse((await readBody(request, MAX_BODY_BYTES)).toString('utf8'));
  } catch (error) {
    if (error instanceof BodyTooLargeError) sendJson(response, 413, { error: 'body_too_large' });
    else if (error instanceof SyntaxError) sendJson(response, 400, { error: 'invalid_json' });
    else throw error;
    return;
  }
  const parsed = dialOutRequestSchema.safeParse(json);
  if (!parsed.success) {
    const issues: FieldIssue[] = parsed.error.issues.map((issue) => ({ path: issue.path.length === 0 ? '(body)' : issue.path.join('.'), message: issue.message }));
    sendJson(response, 400, { error: 'invalid_request', issues });
    return;
  }
  const body = parsed.data;
  const target = parseServiceHost(body.agent)!;
  const agent = deps.catalog.find(target.org, target.agent);
  if (agent === undefined) {
    sendJson(response, 404, { error: 'unknown_agent', detail: `no agent ${body.agent}` });
    return;
  }
  const from = body.from ?? agent.phoneNumbers[0];
  const connectionId = body.connectionId ?? deps.connectionId;
  const missing: FieldIssue[] = [];
  if (from === undefined) missing.push({ path: 'from', message: `required: ${body.agent} has no phoneNumbers to call from` });
  if (connectionId === undefined) missing.push({ path: 'connectionId', message: 'required: no telnyx.connectionId (TELNYX_CONNECTION_ID) is configured' });
  if (missing.length > 0) {
    sendJson(response, 400, { error: 'invalid_request', issues: missing });
    return;
  }
  const decision = deps.origins.resolve(request, 'dial-out');
  if (!decision.ok) {
    sendOriginRefusal(response, decision);
    return;
  }
  try {
    const call = await deps.telnyx.dial(
      { agent, to: body.to, from: from!, connectionId: connectionId!, customParameters: body.customParameters ?? {}, clientState: body.clientState },
      decision.origin,
    );
    sendJson(response, 201, { callControlId: call.callControlId, callLegId: call.callLegId ?? null, callSessionId: call.callSessionId ?? null, agent: body.agent });
  } catch (error) {
    if (!isCallControlError(error)) throw error;
    deps.log.warn({ err: error, agent: body.agent }, 'dial-out failed');
    const status = error.code === 'CW_CALL_CONTROL_UNAVAILABLE' ? 503 : 502;
    sendJson(response, status, { error: error.code, detail: error.message, telnyxCodes: error.telnyxCodes, retryable: error.retryable });
  }
}
