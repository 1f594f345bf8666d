import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AgentDefinition } from '../agent.js';
import type { AgentCatalog } from '../agentCatalog.js';
import type { Logger } from '../logger.js';
import { SUPPRESSED } from '../logging/logBudget.js';
import type { SharedLogBudget } from '../logging/sharedLogBudget.js';
import { mediaStreamUrl, type PublicOrigin } from '../publicUrl.js';
import { secretsEqual } from '../secrets.js';
import { telnyxStreamFormat } from '../telnyx/streamFormat.js';
import { texmlDocument } from '../telnyx/texml.js';
import type { AdmitBody } from './bodiesInFlight.js';
import { BodyTooLargeError, readBody } from './readBody.js';
import { sendJson, sendXml } from './replies.js';
import { sendOriginRefusal, type StreamOrigins } from './streamOrigins.js';

/** `/texml/ORG/AGENT`. */
const TEXML_PATH = /^\/texml\/([^/]+)\/([^/]+)\/?$/;

/** The TeXML document for `agent`, streaming to `origin`; an agent with a stream auth token gets it as the URL's `token`. */
export function agentTexml(agent: AgentDefinition, origin: PublicOrigin): string {
  const token = agent.streamAuthToken;
  return texmlDocument({
    url: mediaStreamUrl(origin, `${agent.name}.${agent.org}`, token === undefined ? {} : { token }),
    format: telnyxStreamFormat(agent.media),
    parameters: agent.customParameters,
  });
}

/** What the TeXML route needs. */
export interface TexmlRouteDeps {
  readonly catalog: AgentCatalog;
  /** Where stream URLs may point; refusals are logged there. */
  readonly origins: StreamOrigins;
  readonly log: Logger;
  /** Budget of refusal lines: anyone can ask here, so refusals must not size the log. */
  readonly edgeLog: SharedLogBudget;
  /** Takes the body in under the engine's bounds on unverified bodies; false: its connection was cut off. */
  readonly admitBody: AdmitBody;
}

/** True when the path is a TeXML route. */
export function isTexmlPath(pathname: string): boolean {
  return TEXML_PATH.test(pathname);
}

/**
 * `GET`/`POST /texml/ORG/AGENT`: the `<Connect><Stream>` document for a TeXML application. An agent
 * with a stream auth token puts it in the stream URL, so this route then wants the same secret as
 * `?token=` (set the TeXML URL in Telnyx to `…/texml/ORG/AGENT?token=SECRET`): else anyone could
 * read the token here. A host {@link StreamOrigins} refuses gets its error status and a JSON body
 * naming the fix.
 */
export async function handleTexml(request: IncomingMessage, response: ServerResponse, url: URL, deps: TexmlRouteDeps): Promise<void> {
  const { catalog, origins, log } = deps;
  // Telnyx posts call details as a form; they are not needed, but the body must be consumed.
  if (request.method === 'POST') {
    if (!deps.admitBody(request, response)) return;
    try {
      await readBody(request, 64 * 1024);
    } catch (error) {
      if (!(error instanceof BodyTooLargeError)) throw error;
      sendJson(response, 413, { error: 'body_too_large' });
      return;
    }
  }
  const [, org = '', name = ''] = TEXML_PATH.exec(url.pathname) ?? [];
  const agent = catalog.find(decodedSegment(org), decodedSegment(name));
  if (agent === undefined) {
    sendJson(response, 404, { error: 'unknown_agent' });
    return;
  }
  const token = agent.streamAuthToken;
  if (token !== undefined && !secretsEqual(url.searchParams.get('token') ?? '', token)) {
    if (deps.edgeLog.take('texml:unauthorized') !== SUPPRESSED) log.warn({ agent: `${agent.name}.${agent.org}` }, 'refused texml request: missing or wrong token');
    sendJson(response, 401, { error: 'unauthorized' });
    return;
  }
  const decision = origins.resolve(request, 'texml');
  if (!decision.ok) {
    sendOriginRefusal(response, decision);
    return;
  }
  sendXml(response, 200, agentTexml(agent, decision.origin));
}

/** A path segment decoded; a malformed escape (`%zz`) names no agent rather than failing the request. */
function decodedSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return '';
  }
}
