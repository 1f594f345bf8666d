import type { Redis } from 'ioredis';
import { z } from 'zod';
import { callEntrySchema, parseEntry } from './directoryEntries.js';
import type { NodePlace } from './callDirectory.js';
import { callControlKey, callKey, webhookChannel } from './redisKeys.js';
import type { RedisOutage } from './redisOutage.js';
import { parseWebhookEvent, type TelnyxWebhookEvent } from '../telnyx/webhookEvents.js';

/** A verified webhook on its way to the engine process running its call. */
const forwardedSchema = z.object({
  /** The webhook's raw body, as Telnyx signed it (the receiving node checked the signature). */
  body: z.string(),
  /** Until when the signature could be replayed: how long the owner remembers the event id. */
  acceptedUntilMs: z.number(),
  /** The node that received it, for logs. */
  from: z.string(),
});

type ForwardedWebhook = z.infer<typeof forwardedSchema>;

/** Hears a webhook another process received for a call of this one; `acceptedUntilMs` bounds how long its id is remembered. */
export type ForwardedWebhookHandler = (event: TelnyxWebhookEvent, acceptedUntilMs: number) => void;

/**
 * Webhooks that reach an engine process other than the one running their call (a load balancer
 * knows nothing of calls), forwarded to that one through Redis pub/sub: the receiver looks the
 * call up in the call directory and publishes the verified body on the owner's channel. Delivery
 * is at most once: while Redis is away, a webhook for a call elsewhere is only handled where it
 * landed (as without Redis).
 */
export class WebhookForwarding {
  readonly #redis: Redis;
  readonly #subscriber: Redis;
  readonly #place: NodePlace;
  readonly #outage: RedisOutage;

  constructor(redis: Redis, place: NodePlace, outage: RedisOutage, receive: ForwardedWebhookHandler) {
    this.#redis = redis;
    this.#place = place;
    this.#outage = outage;
    const channel = webhookChannel(place.node, place.worker);
    // A connection in subscriber mode takes no other command: a second one, which subscribes again each time it is ready.
    this.#subscriber = redis.duplicate({ autoResubscribe: false });
    // Counted apart: the main connection alone says when Redis is away and back.
    this.#subscriber.on('error', (error: unknown) => outage.failed('subscribe', error));
    this.#subscriber.on('ready', () => {
      this.#subscriber.subscribe(channel).catch((error: unknown) => outage.failed('subscribe', error));
    });
    this.#subscriber.on('message', (_channel: string, message: string) => {
      const webhook = parseEntry(forwardedSchema, message);
      let event: TelnyxWebhookEvent | undefined;
      try {
        event = webhook === undefined ? undefined : parseWebhookEvent(Buffer.from(webhook.body, 'utf8'));
      } catch {
        event = undefined;
      }
      if (webhook === undefined || event === undefined) outage.failed('bad_reply', new Error(`a message on ${channel} is not a forwarded webhook`));
      else receive(event, webhook.acceptedUntilMs);
    });
  }

  /** Publishes `body` to the process whose call `callControlId` is, if the directory names one other than this. */
  forward(callControlId: string, body: string, acceptedUntilMs: number): void {
    void this.#forward(callControlId, body, acceptedUntilMs).catch((error: unknown) => this.#outage.failed('webhook_forward', error));
  }

  /** Stops listening. */
  close(): void {
    this.#subscriber.disconnect();
  }

  async #forward(callControlId: string, body: string, acceptedUntilMs: number): Promise<void> {
    const callId = await this.#redis.get(callControlKey(callControlId));
    if (callId === null) return;
    const value = await this.#redis.get(callKey(callId));
    if (value === null) return;
    const owner = parseEntry(callEntrySchema, value);
    if (owner === undefined) {
      this.#outage.failed('bad_reply', new Error(`${callKey(callId)} is not a call entry`));
      return;
    }
    if (owner.node === this.#place.node && owner.worker === (this.#place.worker ?? null)) return;
    const message: ForwardedWebhook = { body, acceptedUntilMs, from: this.#place.node };
    await this.#redis.publish(webhookChannel(owner.node, owner.worker ?? undefined), JSON.stringify(message));
  }
}
