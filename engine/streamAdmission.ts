import type { IncomingHttpHeaders } from 'node:http';
import type { AgentDefinition } from './agent.js';
import { secretsEqual } from './secrets.js';
import { AUTH_TOKEN_FIELD } from './telnyx/inboundSchemas.js';

/** What the engine learned about a stream before its first frame. */
export interface StreamAdmission {
  /**
   * True when the agent needs no stream auth token, or the upgrade request already presented it
   * (header or URL `token`). False: the `connected` frame must carry it, or the stream is refused.
   */
  readonly authenticated: boolean;
  /** Parameters the engine holds for this stream (a dial-out's), under the `start` frame's own. */
  readonly parameters: Readonly<Record<string, string>>;
  /**
   * Key of the work the agent's bot prepared for this call before the stream (a Call Control call);
   * undefined for a stream the engine did not start itself (TeXML), which prepares at `connected`.
   */
  readonly preparedKey?: string | undefined;
}

/** A stream that needs nothing more. */
export const OPEN_ADMISSION: StreamAdmission = { authenticated: true, parameters: {} };

/** The outcome of {@link admitStream}. */
export type AdmissionResult = { readonly ok: true; readonly admission: StreamAdmission } | { readonly ok: false; readonly detail: string };

/** Query parameter carrying an agent's stream secret in a TeXML stream URL (`<Stream>` has no token attribute). */
export const URL_TOKEN_PARAM = 'token';
/** Query parameter naming the parameters held for a dial-out stream. */
export const DIAL_KEY_PARAM = 'dial';
/** Query parameter naming what a bot prepared for an answered Call Control call before its stream started. */
export const PREPARED_KEY_PARAM = 'prepared';

/** The key of the preparation a stream's URL points to: a dial-out's `dial=`, else `prepared=`. */
export function preparedKeyOf(url: URL): string | undefined {
  const dial = url.searchParams.get(DIAL_KEY_PARAM);
  if (dial !== null) return `dial:${dial}`;
  const prepared = url.searchParams.get(PREPARED_KEY_PARAM);
  return prepared === null ? undefined : `answered:${prepared}`;
}

/**
 * Checks what the upgrade request shows of an agent's stream auth token: Telnyx's
 * `x-telnyx-streaming-auth-token` header, or the TeXML URL's `token`. A presented but wrong secret
 * is refused at once; none at all leaves the `connected` frame to carry it (Telnyx sends it there
 * too). Also picks up the parameters held for a dial-out stream.
 */
export function admitStream(
  agent: AgentDefinition,
  headers: IncomingHttpHeaders,
  url: URL,
  heldParameters: (key: string | null) => Readonly<Record<string, string>>,
): AdmissionResult {
  const parameters = heldParameters(url.searchParams.get(DIAL_KEY_PARAM));
  const preparedKey = preparedKeyOf(url);
  const expected = agent.streamAuthToken;
  if (expected === undefined) return { ok: true, admission: { authenticated: true, parameters, preparedKey } };
  const header = headers[AUTH_TOKEN_FIELD];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const fromUrl = url.searchParams.get(URL_TOKEN_PARAM) ?? undefined;
  for (const [where, presented] of [['header', fromHeader], ['url', fromUrl]] as const) {
    if (presented === undefined) continue;
    if (!secretsEqual(presented, expected)) return { ok: false, detail: `wrong stream auth token in the ${where}` };
    return { ok: true, admission: { authenticated: true, parameters, preparedKey } };
  }
  return { ok: true, admission: { authenticated: false, parameters, preparedKey } };
}
