import { randomUUID } from 'node:crypto';
import { Agent } from 'node:http';
import { AttackDeadline, pause } from './attackDeadline.js';
import { AddressRotation, checkBaseOptions, checkRange, type AttackBaseOptions } from './attackOptions.js';
import { AttackTally, type AttackReport } from './attackTally.js';
import { WebhookSigner } from './webhookKeys.js';
import { answerStatus, postToEngine, type PostOutcome } from './webhookPost.js';

/** Most events one replay attack may send. */
export const MAX_REPLAY_EVENTS = 1_000_000;
const WEBHOOK_PATH = '/webhooks/telnyx';
const REQUEST_TIMEOUT_MS = 10_000;
/** Events go out over this share of the duration; the rest is left for the replay. */
const SENDING_SHARE = 0.9;

/** Options of {@link webhookReplay}. */
export interface WebhookReplayOptions extends AttackBaseOptions {
  /** `count`: distinct events sent before the replay (the bench sends 15,000). */
  readonly count: number;
  /** The private key matching the engine's `telnyx.publicKey` (PKCS#8 PEM, see `generateWebhookKeys`). */
  readonly privateKeyPem: string;
  /** Requests in flight at once; default 16. */
  readonly concurrency?: number | undefined;
  /** Send at this rate instead of spreading the events over 90 % of the duration. */
  readonly eventsPerSecond?: number | undefined;
}

/** What became of the replayed first event. */
export interface ReplayOutcome {
  /** The engine's HTTP status, or 0 when it did not answer. */
  readonly status: number;
  /** The answer's `status` field (`duplicate`, `ok`), else the answer or error, cut short. */
  readonly answer: string;
  /** True when the engine recognised the event: it answered `{"status":"duplicate"}`. */
  readonly treatedAsDuplicate: boolean;
  /** Seconds between the first event's signature and its replay (Telnyx's window is 300). */
  readonly secondsAfterFirst: number;
}

/** The attack's own figures. */
export interface WebhookReplayExtra {
  readonly eventsSent: number;
  /** Events the engine answered `ok` (handled) and `duplicate`. */
  readonly eventsAccepted: number;
  readonly eventsDuplicate: number;
  /** Undefined when the caller aborted before the replay. */
  readonly replay: ReplayOutcome | undefined;
}

/** A `call.hangup` for a call the engine never heard of: correctly signed, and nothing to do. */
function hangupEvent(index: number): string {
  return JSON.stringify({
    data: {
      record_type: 'event',
      event_type: 'call.hangup',
      id: randomUUID(),
      occurred_at: new Date().toISOString(),
      payload: { call_control_id: `v3:abuse-replay-${index}`, call_session_id: `abuse-session-${index}`, hangup_cause: 'normal_clearing', hangup_source: 'caller' },
    },
    meta: { attempt: 1, delivered_to: `http://127.0.0.1${WEBHOOK_PATH}` },
  });
}

/**
 * `webhook-replay`: sends `count` distinct, correctly signed Call Control events, spread over 90 %
 * of the duration (or at `eventsPerSecond`; slower only if the engine is), then sends the first one again, byte for byte
 * with its original signature, still inside Telnyx's 5-minute signature window. An engine that
 * forgot the first event handles it twice.
 *
 * @example
 * ```ts
 * const keys = generateWebhookKeys(); // the engine runs with telnyx.publicKey = keys.publicKeyBase64
 * const report = await webhookReplay({ port, count: 15_000, durationMs: 120_000, privateKeyPem: keys.privateKeyPem });
 * report.extra.replay?.treatedAsDuplicate;
 * ```
 */
export async function webhookReplay(options: WebhookReplayOptions, signal?: AbortSignal): Promise<AttackReport<WebhookReplayExtra>> {
  checkBaseOptions(options, MAX_REPLAY_EVENTS);
  const concurrency = options.concurrency ?? 16;
  checkRange('concurrency', concurrency, 1, 256);
  const tally = options.tally ?? new AttackTally();
  tally.begin();
  const deadline = new AttackDeadline(options.durationMs, signal);
  const signer = new WebhookSigner(options.privateKeyPem);
  const sources = new AddressRotation(options.sourceAddresses ?? []);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const eventsPerSecond = options.eventsPerSecond;
  if (eventsPerSecond !== undefined && !(eventsPerSecond > 0)) throw new RangeError(`eventsPerSecond must be positive, got ${eventsPerSecond}`);
  const intervalMs = eventsPerSecond === undefined ? (options.durationMs * SENDING_SHARE) / options.count : 1000 / eventsPerSecond;
  const startedAt = performance.now();
  let first: { body: string; headers: Record<string, string>; signedAt: number } | undefined;
  let nextIndex = 0;
  let eventsAccepted = 0;
  let eventsDuplicate = 0;

  const account = (outcome: PostOutcome): void => {
    if ('error' in outcome) return tally.failed(outcome.error);
    tally.opened();
    tally.ended(undefined);
    if (outcome.status !== 200) return tally.refused(outcome.status);
    const status = answerStatus(outcome.body);
    if (status === 'duplicate') eventsDuplicate++;
    else if (status === 'ok') eventsAccepted++;
  };

  const lane = async (): Promise<void> => {
    const localAddress = sources.next();
    while (!deadline.stopped && nextIndex < options.count) {
      const index = nextIndex++;
      await pause(startedAt + index * intervalMs - performance.now(), deadline.signal);
      if (deadline.stopped) return;
      const body = hangupEvent(index);
      const headers = { ...signer.sign(body) };
      if (index === 0) first = { body, headers, signedAt: Date.now() };
      tally.attempted();
      const answered = postToEngine(options.port, WEBHOOK_PATH, body, headers, { agent, localAddress, timeoutMs: REQUEST_TIMEOUT_MS });
      tally.sent(Buffer.byteLength(body));
      account(await answered);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
  deadline.stop();

  let replay: ReplayOutcome | undefined;
  if (first !== undefined && signal?.aborted !== true) {
    const outcome = await postToEngine(options.port, WEBHOOK_PATH, first.body, first.headers, { agent, localAddress: sources.next(), timeoutMs: REQUEST_TIMEOUT_MS });
    const answer = 'error' in outcome ? outcome.error : (answerStatus(outcome.body) ?? outcome.body.slice(0, 80));
    replay = {
      status: 'error' in outcome ? 0 : outcome.status,
      answer,
      treatedAsDuplicate: !('error' in outcome) && outcome.status === 200 && answer === 'duplicate',
      secondsAfterFirst: Math.round((Date.now() - first.signedAt) / 1000),
    };
  }
  agent.destroy();
  return tally.report('webhook-replay', { eventsSent: tally.messagesSent, eventsAccepted, eventsDuplicate, replay });
}
