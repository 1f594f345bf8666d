/**
 * What `callwire bench --abuse` runs: each scenario is one attack at the intensity the bench
 * judges the engine by (the same as, or higher than, the attacks seen from outside).
 */
import type { AttackRequest } from './attacks.js';
import { DEFAULT_FLOOD_TEXT_BYTES } from './errorFlood.js';

/** What a scenario's attack needs to know about the engine it runs against. */
export interface ScenarioTarget {
  readonly port: number;
  readonly durationMs: number;
  readonly sourceAddresses: readonly string[];
  /** `serviceHost` of the agent that requires a stream auth token. */
  readonly guardedServiceHost: string;
  /** The private half of the engine's webhook public key. */
  readonly webhookPrivateKeyPem: string;
}

/** One row of the report. */
export interface Scenario {
  readonly name: string;
  /** What the attack does, for the report. */
  readonly summary: string;
  readonly request: (target: ScenarioTarget) => AttackRequest;
}

/** Sockets of the WebSocket floods. */
const FLOOD_SOCKETS = 30;

/** Every scenario, in the order the bench runs them. */
export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'error-flood',
    summary: `${FLOOD_SOCKETS} sockets without credentials send \`error\` frames with a 60 KB detail as fast as the socket drains, reconnecting at once`,
    request: ({ port, durationMs, sourceAddresses }) => ({ attack: 'error-flood', options: { port, durationMs, sourceAddresses, count: FLOOD_SOCKETS, detailBytes: DEFAULT_FLOOD_TEXT_BYTES } }),
  },
  {
    name: 'unknown-flood',
    summary: `${FLOOD_SOCKETS} sockets send \`{"event":"<60 KB name>"}\`, a new name every time, reconnecting at once`,
    request: ({ port, durationMs, sourceAddresses }) => ({ attack: 'unknown-flood', options: { port, durationMs, sourceAddresses, count: FLOOD_SOCKETS, nameBytes: DEFAULT_FLOOD_TEXT_BYTES } }),
  },
  {
    name: 'preauth-flood',
    summary: `${FLOOD_SOCKETS} sockets to an agent with a stream auth token, never sending \`connected\`: \`error\` (60 KB detail) and \`media\` frames, reconnecting at once`,
    request: ({ port, durationMs, sourceAddresses, guardedServiceHost }) => ({
      attack: 'preauth-flood',
      options: { port, durationMs, sourceAddresses, count: FLOOD_SOCKETS, serviceHost: guardedServiceHost, frames: ['error', 'media'], detailBytes: DEFAULT_FLOOD_TEXT_BYTES },
    }),
  },
  {
    name: 'silent-sockets',
    summary: '21,000 plain TCP connections that send nothing (from 3 worker processes), each replaced when the engine closes it',
    request: ({ port, durationMs, sourceAddresses }) => ({ attack: 'silent-sockets', options: { port, durationMs, sourceAddresses, count: 21_000 } }),
  },
  {
    name: 'slow-webhook',
    summary: '5,000 webhook POSTs that declare 60,000 bytes and send 1 byte per second; 10 % give up mid-body; each replaced when it ends',
    request: ({ port, durationMs, sourceAddresses }) => ({ attack: 'slow-webhook', options: { port, durationMs, sourceAddresses, count: 5_000, declaredBodyBytes: 60_000, abortShare: 0.1 } }),
  },
  {
    name: 'big-frames',
    summary: '2 started streams send `media` frames of the largest size the engine accepts, as fast as the socket drains',
    request: ({ port, durationMs, sourceAddresses }) => ({ attack: 'big-frames', options: { port, durationMs, sourceAddresses, count: 2, frameBytes: 'largest' } }),
  },
  {
    name: 'big-frames-60k',
    summary: '2 started streams send 60 KB `media` frames as fast as the socket drains',
    request: ({ port, durationMs, sourceAddresses }) => ({ attack: 'big-frames', options: { port, durationMs, sourceAddresses, count: 2, frameBytes: 60 * 1024 } }),
  },
  {
    name: 'webhook-replay',
    summary: '15,000 distinct correctly signed `call.hangup` events spread over the attack, then the first one again, within the signature window',
    request: ({ port, durationMs, sourceAddresses, webhookPrivateKeyPem }) => ({
      attack: 'webhook-replay',
      options: { port, durationMs, sourceAddresses, count: 15_000, privateKeyPem: webhookPrivateKeyPem },
    }),
  },
];

/**
 * The scenarios named in `names` (comma-separated list items), in the bench's order.
 *
 * @throws Error naming the unknown ones.
 */
export function selectScenarios(names: readonly string[] | undefined): Scenario[] {
  if (names === undefined || names.length === 0) return [...SCENARIOS];
  const unknown = names.filter((name) => !SCENARIOS.some((scenario) => scenario.name === name));
  if (unknown.length > 0) throw new Error(`unknown attack ${unknown.join(', ')}; the attacks are ${SCENARIOS.map((scenario) => scenario.name).join(', ')}`);
  return SCENARIOS.filter((scenario) => names.includes(scenario.name));
}
