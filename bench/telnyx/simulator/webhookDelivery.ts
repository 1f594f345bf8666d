import type { SentWebhook } from './types.js';
import type { WebhookSigner } from './webhookSigning.js';

/** The `data` object of one Call Control event; kept so a redelivery sends the same `id`. */
export interface WebhookEvent {
  readonly record_type: 'event';
  readonly event_type: string;
  readonly id: string;
  readonly occurred_at: string;
  readonly payload: Readonly<Record<string, unknown>>;
}

/** How hard delivery tries; the simulator's choice, Telnyx does not publish its schedule. */
export interface DeliveryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Wait before attempt n+1 is `retryDelayMs * n`. */
  readonly retryDelayMs: number;
  /** An attempt with no response after this long counts as failed. */
  readonly attemptTimeoutMs: number;
}

/** Default: three attempts, 50 and 100 ms apart, 5 s per attempt. */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { maxAttempts: 3, retryDelayMs: 50, attemptTimeoutMs: 5_000 };

/** Telnyx retries 408, 429 and 5xx (and no response); any other status is final. */
export function isRetryable(status: number | 'error'): boolean {
  return status === 'error' || status === 408 || status === 429 || status >= 500;
}

/**
 * Posts signed webhook envelopes `{data, meta:{attempt, delivered_to}}` and retries as Telnyx does;
 * every attempt is reported to `record`.
 */
export class WebhookDelivery {
  readonly #signer: WebhookSigner;
  readonly #policy: DeliveryPolicy;
  readonly #record: (sent: SentWebhook) => void;
  #stopped = false;

  constructor(signer: WebhookSigner, record: (sent: SentWebhook) => void, policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY) {
    this.#signer = signer;
    this.#record = record;
    this.#policy = policy;
  }

  /** Delivers `event` to `url` starting at `firstAttempt`; resolves with the last attempt's status. */
  async deliver(url: string, event: WebhookEvent, callControlId: string, firstAttempt = 1): Promise<number | 'error'> {
    let status: number | 'error' = 'error';
    for (let attempt = firstAttempt; attempt < firstAttempt + this.#policy.maxAttempts && !this.#stopped; attempt++) {
      if (attempt > firstAttempt) await sleep(this.#policy.retryDelayMs * (attempt - firstAttempt));
      if (this.#stopped) break;
      status = await this.#post(url, event, attempt);
      this.#record({ eventType: event.event_type, id: event.id, callControlId, status, attempt });
      if (!isRetryable(status)) break;
    }
    return status;
  }

  /** Sends nothing more (the simulator is closing). */
  stop(): void {
    this.#stopped = true;
  }

  async #post(url: string, event: WebhookEvent, attempt: number): Promise<number | 'error'> {
    const body = JSON.stringify({ data: event, meta: { attempt, delivered_to: url } });
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'user-agent': 'telnyx-webhooks', ...this.#signer.sign(body) },
        body,
        signal: AbortSignal.timeout(this.#policy.attemptTimeoutMs),
      });
      await response.arrayBuffer();
      return response.status;
    } catch {
      return 'error';
    }
  }
}

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
