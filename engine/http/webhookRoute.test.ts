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
import { handleWebhook } from './webhookRoute.js';
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
  const deps = {
    publicKey: KEY,
    seen,
    telnyx: { handleEvent: (event: { id: string }) => void handled.push(event.id) } as unknown as TelnyxCalls,
    origins: new StreamOrigins(originPolicy({ allowedHosts: ['127.0.0.1'] }), silentLogger(), new ManualClock(0)),
    log: silentLogger(),
    now: () => nowMs,
    edgeLog: new SharedLogBudget(silentLogger(), new ManualClock(0)),
    bodyTimeoutMs: 10_000,
  };
  const post = async ({ body, headers }: { body: Buffer; headers: Record<string, string> }) => {
    const request = Object.assign(Readable.from([body]), { headers, socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;
    const response = { writeHead: (status: number) => void statuses.push(status), end: () => undefined } as unknown as ServerResponse;
    await handleWebhook(request, response, deps);
  };
  return { post, handled, statuses, seen, advance: (ms: number) => void (nowMs += ms), nowSeconds: () => Math.floor(nowMs / 1000) };
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
