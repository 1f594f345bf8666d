import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { fileURLToPath } from 'node:url';
import type { AgentDefinition } from '../agent.js';
import type { AgentCatalog } from '../agentCatalog.js';
import type { CallRegistry } from '../callRegistry.js';
import { resolveOutboundFormat } from '../mediaFormats.js';
import { sendJson } from '../http/replies.js';
import { TRY_PAGE_CSS, TRY_PAGE_HTML } from './tryPage.js';

/** Prefix of every softphone route. */
export const TRY_PATH = '/try';

/** The inbound formats the page can send, as it names them. */
const PAGE_FORMATS = {
  PCMU: { encoding: 'PCMU', sampleRate: 8000, channels: 1 },
  L16: { encoding: 'L16', sampleRate: 16000, channels: 1 },
} as const;

/** The page's script modules: a name, no folders. */
const SCRIPT_NAME = /^\/try\/app\/([A-Za-z0-9]+\.js)$/;

/** `/try/calls/<call_control_id>`: only the ids the page makes up (`try-` and 32 hex digits), so a phone call's figures stay private. */
const CALL_STATS_PATH = /^\/try\/calls\/(try-[0-9a-f]{32})$/;

/** Each poll on a connection of its own: with worker processes, the primary routes it to the worker holding the call. */
const CLOSE_AFTER = { connection: 'close' } as const;

/** What the softphone routes read. */
export interface TryRouteDeps {
  readonly catalog: AgentCatalog;
  readonly calls: CallRegistry;
}

/** True when the path belongs to the softphone. */
export function isTryPath(path: string): boolean {
  return path === TRY_PATH || path.startsWith(`${TRY_PATH}/`);
}

/** Serves the softphone page, its scripts, the agent list and one page call's engine-side figures (GET only). */
export async function handleTry(path: string, response: ServerResponse, deps: TryRouteDeps): Promise<void> {
  if (path === TRY_PATH || path === `${TRY_PATH}/`) return sendText(response, 'text/html; charset=utf-8', TRY_PAGE_HTML);
  if (path === `${TRY_PATH}/style.css`) return sendText(response, 'text/css; charset=utf-8', TRY_PAGE_CSS);
  if (path === `${TRY_PATH}/agents`) return sendJson(response, 200, { agents: deps.catalog.agents().map(agentEntry) });
  const script = SCRIPT_NAME.exec(path)?.[1];
  if (script !== undefined) return sendScript(response, script);
  const callControlId = CALL_STATS_PATH.exec(path)?.[1];
  if (callControlId !== undefined) return sendCallStats(response, deps.calls, callControlId);
  sendJson(response, 404, { error: 'not_found' });
}

/** One agent as the page lists it: how to reach it, whether it wants a token, and what it sends back for each format the page may send. */
function agentEntry(agent: AgentDefinition) {
  return {
    serviceHost: `${agent.name}.${agent.org}`,
    bot: agent.botName,
    needsToken: agent.streamAuthToken !== undefined,
    l16ByteOrder: agent.media.l16ByteOrder,
    replies: {
      PCMU: resolveOutboundFormat(agent.media, PAGE_FORMATS.PCMU),
      L16: resolveOutboundFormat(agent.media, PAGE_FORMATS.L16),
    },
  };
}

/** The engine's view of a page call: its inbound jitter buffer (the page's microphone audio) and frame counts. */
function sendCallStats(response: ServerResponse, calls: CallRegistry, callControlId: string): void {
  const session = calls.byCallControlId(callControlId);
  if (session === undefined) return sendJson(response, 404, { error: 'no_such_call' }, CLOSE_AFTER);
  const view = session.liveView();
  const jitter = session.jitter;
  sendJson(response, 200, {
    state: view.state,
    framesIn: view.framesIn,
    framesOut: view.framesOut,
    jitter: {
      targetDelayMs: jitter.targetDelayMs,
      ticks: jitter.ticks,
      concealedFrames: jitter.concealedFrames,
      late: jitter.late,
      lost: jitter.lost,
      underruns: jitter.underruns,
    },
    transcript: session.recentTurns.map((turn) => ({ role: turn.role, text: turn.text, offsetMs: turn.offsetMs, interrupted: turn.interrupted === true })),
  }, CLOSE_AFTER);
}

async function sendScript(response: ServerResponse, name: string): Promise<void> {
  let text: string;
  try {
    text = await readFile(new URL(name, scriptFolder()), 'utf8');
  } catch {
    return sendJson(response, 404, { error: 'not_found' });
  }
  sendText(response, 'text/javascript; charset=utf-8', text);
}

function sendText(response: ServerResponse, contentType: string, text: string): void {
  response.writeHead(200, {
    'content-type': contentType,
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    'content-security-policy': "default-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'",
  });
  response.end(text);
}

let scripts: URL | undefined;

/**
 * Where the page's compiled scripts are: beside the engine's build (`dist/web/try/`), or, when the
 * engine runs from its sources (tests, tsx), in the checkout's `dist/`.
 */
function scriptFolder(): URL {
  if (scripts !== undefined) return scripts;
  const besideBuild = new URL('../../web/try/', import.meta.url);
  scripts = existsSync(fileURLToPath(new URL('app.js', besideBuild))) ? besideBuild : new URL('../../dist/web/try/', import.meta.url);
  return scripts;
}
