import { SharedLogBudget } from '../logging/sharedLogBudget.js';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../clock.js';
import { silentLogger } from '../logger.js';
import { originPolicy } from '../publicOrigin.js';
import type { TelnyxCalls } from '../telnyxCalls.js';
import { SeenWebhookIds } from '../telnyx/seenWebhookIds.js';
import { webhookPublicKey } from '../telnyx/webhookSignature.js';
import { handleWebhook, type WebhookRouteDeps } from './webhookRoute.js';
import { StreamOrigins } from './streamOrigins.js';

const { privateKey, publicKey } = generateKeyPairSync('ed25519');
const der = publicKey.export({ format: 'der', type: 'spki' });
const KEY = webhookPublicKey(der.subarray(der.length - 32).toString('base64'));

/** A signed delivery of event `id`, as Telnyx would post it at `unixSeconds`. */
function delivery(id: string, unixSeconds: number): { body: Buffer; headers: Record<string, string> } {
  const body = Buffer.from(JSON.stringify({ data: { record_type: 'event', event_type: 'call.hangup', id, payload: { call_control_id: `v3:${id}` } } }));
  const timestamp = String(unixSeconds);
  const signature = sign(null, Buffer.concat([Buffer.from(`${timestamp}|`), body]), privateKey).toString('base64');
  return { body, headers: { 'telnyx-signature-ed25519': signature, 'telnyx-timestamp': timestamp, host: '127.0.0.1' } };
}

function setup() {
  let nowMs = 1_760_000_000_000;
  const handled: string[] = [];
  const statuses: number[] = [];
  const seen = new SeenWebhookIds();
  const deps: WebhookRouteDeps = {
    publicKey: KEY,
    seen,
    telnyx: { handleEvent: (event: { id: string }) => void handled.push(event.id) } as unknown as TelnyxCalls,
    origins: new StreamOrigins(originPolicy({ allowedHosts: ['127.0.0.1'] }), silentLogger(), new ManualClock(0)),
    log: silentLogger(),
    now: () => nowMs,
    edgeLog: new SharedLogBudget(silentLogger(), new ManualClock(0)),
    admitBody: () => {
      bodiesAdmitted++;
      return true;
    },
  };
  let bodiesAdmitted = 0;
  const keptAlive: boolean[] = [];
  const post = async ({ body, headers }: { body: Buffer; headers: Record<string, string> }, deliveryDeps = deps) => {
    const request = Object.assign(Readable.from([body]), { headers, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;
    const response = {
      shouldKeepAlive: true,
      writeHead: (status: number) => void statuses.push(status),
      end: (): void => void keptAlive.push(response.shouldKeepAlive),
    };
    await handleWebhook(request, response as unknown as ServerResponse, deliveryDeps);
    return request;
  };
  return {
    post,
    deps,
    handled,
    statuses,
    seen,
    keptAlive,
    bodiesAdmitted: () => bodiesAdmitted,
    advance: (ms: number) => void (nowMs += ms),
    nowSeconds: () => Math.floor(nowMs / 1000),
  };
}

describe('POST /webhooks/telnyx de-duplication', () => {
  it('handles a replay of the first of 20,000 distinct events inside the signature window once', async () => {
    const { post, handled, statuses, seen, advance, nowSeconds } = setup();
    const first = delivery('event-0', nowSeconds());
    await post(first);
    for (let i = 1; i < 20_000; i++) {
      advance(10);
      await post(delivery(`event-${i}`, nowSeconds()));
    }
    expect(seen.size).toBe(20_000);
    await post(first);
    expect(handled).toHaveLength(20_000);
    expect(handled.filter((id) => id === 'event-0')).toHaveLength(1);
    expect(statuses.every((status) => status === 200)).toBe(true);
    // 20,000 Ed25519 signatures and checks: generous on a busy machine.
  }, 60_000);

  it('refuses the replay once the signature has expired, after which the id is forgotten', async () => {
    const { post, handled, statuses, seen, advance, nowSeconds } = setup();
    const first = delivery('event-0', nowSeconds());
    await post(first);
    advance(300_000);
    await post(first);
    expect(handled).toEqual(['event-0']);
    advance(1_000);
    await post(first);
    expect(statuses).toEqual([200, 200, 401]);
    await post(delivery('event-1', nowSeconds()));
    expect(seen.size).toBe(1);
  });
});

describe('POST /webhooks/telnyx refused at its headers', () => {
  const refusedHeaders: ReadonlyArray<[string, (headers: Record<string, string>, nowSeconds: number) => Record<string, string>]> = [
    ['no signature', ({ 'telnyx-signature-ed25519': _, ...rest }) => rest],
    ['no timestamp', ({ 'telnyx-timestamp': _, ...rest }) => rest],
    ['a timestamp outside the signature window', (headers, now) => ({ ...headers, 'telnyx-timestamp': String(now - 301) })],
    ['a signature that is not 64 bytes', (headers) => ({ ...headers, 'telnyx-signature-ed25519': Buffer.alloc(32).toString('base64') })],
  ];

  it.each(refusedHeaders)('answers 401 to %s without reading the body, and closes the connection', async (_, change) => {
    const { post, statuses, keptAlive, handled, bodiesAdmitted, nowSeconds } = setup();
    const { body, headers } = delivery('event-0', nowSeconds());
    const request = await post({ body, headers: change(headers, nowSeconds()) });
    expect(statuses).toEqual([401]);
    expect(keptAlive).toEqual([false]);
    expect(bodiesAdmitted()).toBe(0);
    expect(request.readableEnded).toBe(false);
    expect(handled).toEqual([]);
  });

  it('answers 413 to a declared length over the limit without reading the body', async () => {
    const { post, statuses, keptAlive, bodiesAdmitted, nowSeconds } = setup();
    const { body, headers } = delivery('event-0', nowSeconds());
    const request = await post({ body, headers: { ...headers, 'content-length': String(64 * 1024 + 1) } });
    expect([statuses, keptAlive, bodiesAdmitted(), request.readableEnded]).toEqual([[413], [false], 0, false]);
  });

  it('answers 401 to everything, unread, when no public key is configured', async () => {
    const { post, deps, statuses, bodiesAdmitted, nowSeconds } = setup();
    await post(delivery('event-0', nowSeconds()), { ...deps, publicKey: undefined });
    expect([statuses, bodiesAdmitted()]).toEqual([[401], 0]);
  });

  it('reads nothing when the bounds on bodies in flight cut the connection off', async () => {
    const { post, deps, statuses, handled, nowSeconds } = setup();
    const request = await post(delivery('event-0', nowSeconds()), { ...deps, admitBody: () => false });
    expect([statuses, handled, request.readableEnded]).toEqual([[], [], false]);
  });

  it('reads the body of plausible headers and checks the signature over it', async () => {
    const { post, statuses, bodiesAdmitted, nowSeconds } = setup();
    const { body, headers } = delivery('event-0', nowSeconds());
    await post({ body: Buffer.concat([body, Buffer.from(' ')]), headers });
    expect([statuses, bodiesAdmitted()]).toEqual([[401], 1]);
  });
});
