import type { ServerResponse } from 'node:http';
import type { Clock } from '../clock.js';
import { clipOptional } from '../logging/clip.js';
import type { Logger } from '../logger.js';
import { OriginRefusalCode, resolvePublicOrigin, type OriginDecision, type OriginPolicy, type OriginRefusal, type OriginRequest } from '../publicOrigin.js';
import { ThrottledWarnings } from '../throttledWarnings.js';
import { sendJson } from './replies.js';

/** The routes that build stream URLs. */
export type StreamUrlRoute = 'webhook' | 'texml' | 'dial-out';

const REFUSED: Readonly<Record<StreamUrlRoute, string>> = {
  webhook: 'not answering a call: its stream URL would name a host nothing vouches for',
  texml: 'refused texml request: its stream URL would name a host nothing vouches for',
  'dial-out': 'refused dial-out: its stream URL would name a host nothing vouches for',
};

/**
 * The HTTP routes' access to {@link resolvePublicOrigin}: the same decision everywhere, and every
 * refusal logged as a warning that says why and how to fix it, at most one line per route and
 * code every 10 s (a flood of replayed webhooks must not flood the log). The claimed host, which
 * the request chose, is logged clipped to 64 characters plus its length.
 */
export class StreamOrigins {
  /** The configured policy (also where per-address limits find the trusted proxies). */
  readonly policy: OriginPolicy;
  readonly #warnings: ThrottledWarnings;

  constructor(policy: OriginPolicy, log: Logger, clock: Clock) {
    this.policy = policy;
    this.#warnings = new ThrottledWarnings(log, clock);
  }

  /** The origin for a stream URL built for `request` on `route`; a refusal has been logged. */
  resolve(request: OriginRequest, route: StreamUrlRoute): OriginDecision {
    const decision = resolvePublicOrigin(request, this.policy);
    if (!decision.ok) {
      this.#warnings.warn(
        `${route}:${decision.code}`,
        { route, code: decision.code, fix: decision.fix, hostHeader: decision.hostHeader, host: clipOptional(decision.claimedHost), peer: decision.peer },
        REFUSED[route],
      );
    }
    return decision;
  }
}

/**
 * The HTTP status for a refusal: 500 when the engine trusts no host at all (the operator has to
 * configure it), 421 Misdirected Request when this request's host is not one the engine serves.
 */
export function originRefusalStatus(refusal: OriginRefusal): number {
  return refusal.code === OriginRefusalCode.UnverifiedHost ? 500 : 421;
}

/** Answers a refused request with {@link originRefusalStatus} and `{error: code, detail: fix}`. */
export function sendOriginRefusal(response: ServerResponse, refusal: OriginRefusal): void {
  sendJson(response, originRefusalStatus(refusal), { error: refusal.code, detail: refusal.fix });
}
