import type { AgentDefinition } from './agent.js';
import type { AgentCatalog } from './agentCatalog.js';

/** WebSocket close codes the engine uses when it refuses a stream (application range 4000-4999). */
export const RouteCloseCode = {
  /** No `serviceHost` query parameter, or not of the form `AGENT.ORG`. */
  BadServiceHost: 4400,
  /** `serviceHost` names an organization or agent that does not exist. */
  UnknownAgent: 4404,
} as const;

/** The outcome of routing one upgrade request. */
export type RouteResult =
  | { readonly ok: true; readonly agent: AgentDefinition }
  | { readonly ok: false; readonly closeCode: number; readonly reason: string };

/** Splits `AGENT.ORG` at the first dot, as Pipecat Cloud's `serviceHost` does. */
export function parseServiceHost(value: string | null): { agent: string; org: string } | undefined {
  if (value === null) return undefined;
  const dot = value.indexOf('.');
  if (dot <= 0 || dot === value.length - 1) return undefined;
  return { agent: value.slice(0, dot), org: value.slice(dot + 1) };
}

/** Picks the agent for a `/ws/telnyx?serviceHost=AGENT.ORG` request. Reasons fit in a close frame (123 bytes). */
export function routeStream(url: URL, catalog: AgentCatalog): RouteResult {
  const raw = url.searchParams.get('serviceHost');
  const target = parseServiceHost(raw);
  if (target === undefined) {
    const reason = raw === null ? 'missing serviceHost query parameter' : 'serviceHost must be AGENT.ORG';
    return { ok: false, closeCode: RouteCloseCode.BadServiceHost, reason };
  }
  const agent = catalog.find(target.org, target.agent);
  if (agent === undefined) {
    const what = catalog.hasOrg(target.org) ? `unknown agent in org ${target.org}` : 'unknown organization';
    return { ok: false, closeCode: RouteCloseCode.UnknownAgent, reason: truncateReason(`${what}: ${raw}`) };
  }
  return { ok: true, agent };
}

/** A close reason may hold at most 123 bytes of UTF-8. */
function truncateReason(reason: string): string {
  let result = reason;
  while (Buffer.byteLength(result) > 123) result = result.slice(0, -1);
  return result;
}
