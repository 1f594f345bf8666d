import type { RawData, WebSocket } from 'ws';
import type { AgentDefinition } from './agent.js';
import type { Clock, TimerHandle } from './clock.js';
import { closeRefused, isPeerProtocolError } from './closeRefused.js';
import { secretsEqual } from './secrets.js';
import { parseControlFrame } from './telnyx/inboundSchemas.js';

/** Largest `connected` frame looked at: Telnyx's token is at most 4000 characters. */
export const MAX_CONNECTED_FRAME_BYTES = 8 * 1024;
/** Messages other than `connected` a stream may send before authenticating, before it is refused. */
const ALLOWANCE = 2;
const CONNECTED_MARKER = Buffer.from('"connected"', 'latin1');

/** Why a gated stream was refused (close code 4401). */
export type GateRefusal = 'auth_timeout' | 'no_token' | 'wrong_token' | 'not_connected' | 'evicted';

/** What a {@link StreamGate} needs. */
export interface StreamGateOptions {
  readonly clock: Clock;
  /** How long the stream has to authenticate. */
  readonly deadlineMs: number;
  /** The stream presented the token in `connected`; that frame, as it arrived, is handed on. */
  readonly onAuthenticated: (connectedFrame: Buffer) => void;
  /** The stream was refused and is closing with 4401. */
  readonly onRefused: (why: GateRefusal) => void;
  /** The socket closed before either (counts as neither). */
  readonly onClosed: () => void;
}

/**
 * Holds a media socket whose agent wants a stream auth token until it presents it in `connected`,
 * doing as little work as possible for a stranger: no call, actor or log line exists yet, a
 * message is only looked at if it is small and names `connected` (a byte search), anything else
 * counts against a small allowance, and the stream is refused with 4401 once that is spent, on a
 * wrong or missing token, or at the deadline.
 */
export class StreamGate {
  readonly #ws: WebSocket;
  readonly #expectedToken: string;
  readonly #options: StreamGateOptions;
  readonly #timer: TimerHandle;
  #strikes = 0;
  #done = false;

  constructor(ws: WebSocket, agent: AgentDefinition, options: StreamGateOptions) {
    if (agent.streamAuthToken === undefined) throw new Error(`agent ${agent.name}.${agent.org} has no stream auth token to wait for`);
    this.#ws = ws;
    this.#expectedToken = agent.streamAuthToken;
    this.#options = options;
    this.#timer = options.clock.setTimeout(() => this.#refuse('auth_timeout'), options.deadlineMs);
    ws.on('message', this.#onMessage);
    ws.on('close', this.#onClose);
    ws.on('error', this.#onError);
  }

  /** Refuses the stream now (4401): the engine needs its place for a newer one. */
  evict(): void {
    this.#refuse('evicted');
  }

  readonly #onMessage = (data: RawData, isBinary: boolean): void => {
    if (this.#done) return;
    const connected = isBinary ? undefined : connectedToken(data as Buffer);
    if (connected === undefined) {
      if (++this.#strikes > ALLOWANCE) this.#refuse('not_connected');
      return;
    }
    if (connected.token === undefined) return this.#refuse('no_token');
    if (!secretsEqual(connected.token, this.#expectedToken)) return this.#refuse('wrong_token');
    this.#finish();
    // The call that takes over adds its own error listener at once.
    this.#ws.off('error', this.#onError);
    this.#options.onAuthenticated(data as Buffer);
  };

  readonly #onClose = (): void => {
    if (this.#done) return;
    this.#finish();
    this.#options.onClosed();
  };

  // ws closes the socket after an error; an oversized frame also means it is not a carrier: stop
  // reading. An unheard 'error' would throw.
  readonly #onError = (error: Error): void => {
    if (isPeerProtocolError(error)) this.#refuse('not_connected');
  };

  #refuse(why: GateRefusal): void {
    if (this.#done) return;
    this.#finish();
    closeRefused(this.#ws, 4401, 'stream_unauthorized');
    this.#options.onRefused(why);
  }

  /**
   * Stops listening, so the next owner of the socket sees every later message. The error listener
   * stays: a refused socket still errors now and then (a reset), and ws throws an unheard error.
   */
  #finish(): void {
    this.#done = true;
    this.#options.clock.clearTimeout(this.#timer);
    this.#ws.off('message', this.#onMessage);
    this.#ws.off('close', this.#onClose);
  }
}

/** The token of a `connected` frame (undefined token: none in it), or undefined when `data` is not a small `connected` frame. */
function connectedToken(data: Buffer): { token: string | undefined } | undefined {
  if (data.length > MAX_CONNECTED_FRAME_BYTES || data.indexOf(CONNECTED_MARKER) < 0) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null || (json as { event?: unknown }).event !== 'connected') return undefined;
  try {
    const frame = parseControlFrame('connected', json);
    return frame.event === 'connected' ? { token: frame.authToken } : undefined;
  } catch {
    return undefined;
  }
}
