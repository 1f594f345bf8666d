import { TelnyxApiError, authenticationFailed, callAlreadyEnded, invalidCallControlId, resourceNotFound } from './apiErrors.js';
import { optionalString, requiredString, type Body } from './bodyFields.js';
import { applyAction, isKnownAction } from './callActions.js';
import type { CallLeg, LegHost } from './callLeg.js';
import type { ApiReply, ApiRequest } from './httpServer.js';
import { callRecord, dial, type InboundCallOptions } from './newCalls.js';
import type { RecordedCommand } from './types.js';

/** What the API needs from the simulator. */
export interface ApiHost extends LegHost {
  readonly apiKey: string;
  findLeg(callControlId: string): CallLeg | undefined;
  register(leg: CallLeg): void;
  record(command: RecordedCommand): void;
  /** A status to answer instead of 200 after acting (a lost response), if one was injected. */
  takeInjectedFailure(): number | undefined;
  startInbound(options: InboundCallOptions): Promise<CallLeg>;
}

const ACTION_PATH = /^\/calls\/([^/]+)\/actions\/([a-z_]+)$/;
const CALL_PATH = /^\/calls\/([^/]+)$/;
const SIM_HANGUP_PATH = /^\/_sim\/calls\/([^/]+)\/hangup$/;

/**
 * Telnyx's Call Control REST surface as the `telnyx` SDK calls it (`baseURL + '/calls/…'`; a `/v2`
 * prefix is accepted too), plus unauthenticated `/_sim/*` controls for playing the caller's part.
 */
export class CallControlApi {
  readonly #host: ApiHost;
  /** Legs created by `dial`, by `command_id`, so a retried dial creates one call. */
  readonly #dialsByCommandId = new Map<string, CallLeg>();

  constructor(host: ApiHost) {
    this.#host = host;
  }

  /** Answers one request. */
  readonly handle = async (request: ApiRequest): Promise<ApiReply> => {
    const path = request.path.startsWith('/v2/') ? request.path.slice(3) : request.path;
    if (path.startsWith('/_sim/')) return this.#simulatorControl(request.method, path, request.body);
    if (!this.#authorized(request.authorization)) throw authenticationFailed();
    const at = performance.now();
    if (path === '/calls') {
      if (request.method !== 'POST') throw methodNotAllowed();
      return this.#dial(request, at);
    }
    const action = ACTION_PATH.exec(path);
    if (action !== null) return this.#action(request, decodeSegment(action[1]!), action[2]!, at);
    const call = CALL_PATH.exec(path);
    if (call !== null && request.method === 'GET') {
      const leg = this.#host.findLeg(decodeSegment(call[1]!));
      if (leg === undefined) throw invalidCallControlId();
      return { status: 200, body: { data: callRecord(leg) } };
    }
    throw resourceNotFound();
  };

  #authorized(authorization: string | undefined): boolean {
    return authorization === `Bearer ${this.#host.apiKey}`;
  }

  #dial(request: ApiRequest, at: number): ApiReply {
    const commandId = optionalString(request.body, 'command_id');
    const earlier = commandId === undefined ? undefined : this.#dialsByCommandId.get(commandId);
    const leg = earlier ?? dial(this.#host, request.body);
    if (earlier === undefined) {
      this.#host.register(leg);
      if (commandId !== undefined) this.#dialsByCommandId.set(commandId, leg);
    }
    this.#record(request, at, leg.callControlId, 'dial', commandId, earlier !== undefined);
    return this.#reply({ data: callRecord(leg) });
  }

  #action(request: ApiRequest, callControlId: string, action: string, at: number): ApiReply {
    if (!isKnownAction(action)) throw resourceNotFound();
    const expectedMethod = action === 'client_state_update' ? 'PUT' : 'POST';
    if (request.method !== expectedMethod) throw methodNotAllowed();
    const leg = this.#host.findLeg(callControlId);
    if (leg === undefined) throw invalidCallControlId();
    const commandId = optionalString(request.body, 'command_id');
    // A repeated command_id is checked first: a retry of a hangup whose response was lost must not fail.
    if (commandId !== undefined && leg.commandIds.has(commandId)) {
      this.#record(request, at, callControlId, action, commandId, true);
      return this.#reply({ data: { result: 'ok' } });
    }
    if (leg.state === 'hangup') throw callAlreadyEnded();
    const result = applyAction(leg, action, request.body);
    if (commandId !== undefined) leg.commandIds.add(commandId);
    this.#record(request, at, callControlId, action, commandId, false);
    return this.#reply({ data: { result: 'ok', ...result } });
  }

  #record(request: ApiRequest, at: number, callControlId: string, action: string, commandId: string | undefined, duplicate: boolean): void {
    this.#host.record({ at, method: request.method, path: request.path, callControlId, action, commandId, body: request.body, duplicate });
  }

  /** 200 with `body`, unless a lost response was injected: the command took effect all the same. */
  #reply(body: unknown): ApiReply {
    const failure = this.#host.takeInjectedFailure();
    if (failure === undefined) return { status: 200, body };
    return { status: failure, body: new TelnyxApiError(failure, '10037', 'Service unavailable', 'Service is unavailable.').toBody() };
  }

  async #simulatorControl(method: string, path: string, body: Body): Promise<ApiReply> {
    const hangup = SIM_HANGUP_PATH.exec(path);
    if (path !== '/_sim/inbound' && hangup === null) throw resourceNotFound();
    if (method !== 'POST') throw methodNotAllowed();
    if (hangup === null) {
      const connectionId = optionalString(body, 'connectionId') ?? optionalString(body, 'connection_id');
      const leg = await this.#host.startInbound({
        from: requiredString(body, 'from'),
        to: requiredString(body, 'to'),
        ...(connectionId === undefined ? {} : { connectionId }),
      });
      return { status: 200, body: { data: callRecord(leg) } };
    }
    const leg = this.#host.findLeg(decodeSegment(hangup[1]!));
    if (leg === undefined) throw invalidCallControlId();
    await leg.hangup();
    return { status: 200, body: { data: callRecord(leg) } };
  }
}

/** A percent-encoded path segment; a malformed one names no call. */
function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw invalidCallControlId();
  }
}

function methodNotAllowed(): TelnyxApiError {
  return new TelnyxApiError(405, '10030', 'Method not allowed', 'The URL is valid, but the method is not allowed.');
}
