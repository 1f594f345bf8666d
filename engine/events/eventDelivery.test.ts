import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { EventDelivery, type EventDeliveryOptions } from './eventDelivery.js';
import { verifyEventSignature } from './eventSignature.js';
import { EventReceiver as Receiver } from '../../test/support/eventReceiver.js';

const SECRET = 'events-secret-0123456789';
const QUICK: EventDeliveryOptions = { maxQueued: 100, maxInFlight: 2, maxAttempts: 5, baseBackoffMs: 5, maxBackoffMs: 20, requestTimeoutMs: 10_000 };

const receivers: Receiver[] = [];
async function receiver(answer: (attempt: number) => number | undefined): Promise<{ receiver: Receiver; url: string }> {
  const made = new Receiver(answer);
  receivers.push(made);
  return { receiver: made, url: await made.listen() };
}

afterEach(async () => {
  await Promise.all(receivers.splice(0).map((made) => made.close()));
});

describe('EventDelivery', () => {
  it('posts signed JSON that the documented check accepts', async () => {
    const { receiver: app, url } = await receiver(() => 204);
    const delivery = new EventDelivery({ url, secret: SECRET }, silentLogger(), systemClock, QUICK);
    const id = delivery.publish('call.started', { callId: 'c-1', agent: 'echo.default' }, 'c-1');
    await delivery.idle();
    expect(delivery.stats).toEqual({ delivered: 1, retried: 0, abandoned: 0, dropped: 0 });
    const [request] = app.received;
    expect(request?.eventId).toBe(id);
    expect(verifyEventSignature(SECRET, request?.signature, request!.body)).toBeUndefined();
    expect(JSON.parse(request!.body)).toMatchObject({ id, type: 'call.started', data: { callId: 'c-1', agent: 'echo.default' } });
  });

  it('retries a failing receiver with backoff until it accepts, the same event each time', async () => {
    const { receiver: app, url } = await receiver((attempt) => (attempt <= 3 ? 503 : 200));
    const delivery = new EventDelivery({ url, secret: SECRET }, silentLogger(), systemClock, QUICK);
    const id = delivery.publish('call.ended', { reason: 'stream_stopped' });
    await delivery.idle();
    expect(delivery.stats).toMatchObject({ delivered: 1, retried: 3, abandoned: 0 });
    expect(app.received.map((request) => request.eventId)).toEqual([id, id, id, id]);
    for (const request of app.received) expect(verifyEventSignature(SECRET, request.signature, request.body)).toBeUndefined();
  });

  it('does not retry an event the receiver refuses for good, and gives up after its last try', async () => {
    const { receiver: refusing, url: refusingUrl } = await receiver(() => 400);
    const refused = new EventDelivery({ url: refusingUrl, secret: SECRET }, silentLogger(), systemClock, QUICK);
    refused.publish('call.started', {});
    await refused.idle();
    expect(refused.stats).toMatchObject({ delivered: 0, retried: 0, abandoned: 1 });
    expect(refusing.received).toHaveLength(1);

    const { receiver: down, url: downUrl } = await receiver(() => 500);
    const failing = new EventDelivery({ url: downUrl, secret: SECRET }, silentLogger(), systemClock, QUICK);
    failing.publish('call.started', {});
    await failing.idle();
    expect(failing.stats).toMatchObject({ delivered: 0, retried: QUICK.maxAttempts - 1, abandoned: 1 });
    expect(down.received).toHaveLength(QUICK.maxAttempts);
  });

  it('retries when nothing listens, then delivers once the app is up', async () => {
    const { receiver: app, url } = await receiver(() => 200);
    await app.close();
    receivers.splice(receivers.indexOf(app), 1);
    const delivery = new EventDelivery({ url, secret: SECRET }, silentLogger(), systemClock, { ...QUICK, maxAttempts: 3 });
    delivery.publish('call.started', {});
    await delivery.idle();
    expect(delivery.stats).toMatchObject({ delivered: 0, retried: 2, abandoned: 1 });
  });

  it('holds at most maxQueued events for a receiver that does not answer, dropping the oldest', async () => {
    const { receiver: app, url } = await receiver(() => undefined);
    const delivery = new EventDelivery({ url, secret: SECRET }, silentLogger(), systemClock, { ...QUICK, maxInFlight: 1, maxQueued: 3 });
    const ids = Array.from({ length: 10 }, (_, index) => delivery.publish('call.started', { index }));
    await app.requests(1);
    expect(delivery.pending).toBe(4);
    expect(delivery.stats.dropped).toBe(6);
    await delivery.close(0);
    expect(app.received[0]?.eventId).toBe(ids[0]);
    expect(delivery.stats.dropped).toBe(10);
    expect(delivery.pending).toBe(0);
  });

  it('gives a receiver that never answers up to requestTimeoutMs per try', async () => {
    const { receiver: app, url } = await receiver((attempt) => (attempt === 1 ? undefined : 200));
    const delivery = new EventDelivery({ url, secret: SECRET }, silentLogger(), systemClock, { ...QUICK, requestTimeoutMs: 50 });
    delivery.publish('call.ended', {});
    await delivery.idle();
    expect(delivery.stats).toMatchObject({ delivered: 1, retried: 1 });
    expect(app.received).toHaveLength(2);
  });
});
