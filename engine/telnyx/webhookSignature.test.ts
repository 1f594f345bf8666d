import { generateKeyPairSync, sign, type KeyObject } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { verifyWebhookSignature, webhookPublicKey } from './webhookSignature.js';

/** A key pair as Telnyx has one: the public half exported as base64 of its 32 raw bytes. */
function telnyxKeyPair(): { privateKey: KeyObject; publicKeyBase64: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const der = publicKey.export({ format: 'der', type: 'spki' });
  return { privateKey, publicKeyBase64: der.subarray(der.length - 32).toString('base64') };
}

function signed(privateKey: KeyObject, body: string, timestamp: string) {
  const signature = sign(null, Buffer.from(`${timestamp}|${body}`), privateKey).toString('base64');
  return { signature, timestamp, rawBody: Buffer.from(body) };
}

const NOW_MS = 1_760_000_000_000;
const NOW_S = String(NOW_MS / 1000);
const BODY = '{"data":{"event_type":"call.initiated","id":"0ccc7b54-4df3-4bca-a65a-3da1ecc777f0","payload":{"call_control_id":"v3:x"}}}';

describe('verifyWebhookSignature', () => {
  const pair = telnyxKeyPair();
  const key = webhookPublicKey(pair.publicKeyBase64);

  it('accepts a good signature over timestamp|raw body', () => {
    expect(verifyWebhookSignature(key, signed(pair.privateKey, BODY, NOW_S), NOW_MS)).toEqual({ ok: true, acceptedUntilMs: NOW_MS + 300_000 });
  });

  it('accepts a timestamp up to 300 s away, either way, and refuses one beyond as stale', () => {
    const past = String(NOW_MS / 1000 - 300);
    const future = String(NOW_MS / 1000 + 300);
    expect(verifyWebhookSignature(key, signed(pair.privateKey, BODY, past), NOW_MS).ok).toBe(true);
    expect(verifyWebhookSignature(key, signed(pair.privateKey, BODY, future), NOW_MS)).toEqual({ ok: true, acceptedUntilMs: NOW_MS + 600_000 });
    // acceptedUntilMs is exact: the same delivery passes at that instant and is stale one millisecond later.
    const accepted = verifyWebhookSignature(key, signed(pair.privateKey, BODY, past), NOW_MS);
    expect(accepted).toEqual({ ok: true, acceptedUntilMs: NOW_MS });
    expect(verifyWebhookSignature(key, signed(pair.privateKey, BODY, NOW_S), NOW_MS + 300_000).ok).toBe(true);
    expect(verifyWebhookSignature(key, signed(pair.privateKey, BODY, NOW_S), NOW_MS + 300_001)).toEqual({ ok: false, reason: 'stale_timestamp' });
    const stale = String(NOW_MS / 1000 - 301);
    expect(verifyWebhookSignature(key, signed(pair.privateKey, BODY, stale), NOW_MS)).toEqual({ ok: false, reason: 'stale_timestamp' });
  });

  it('refuses a tampered body, even one that is the same JSON re-serialised', () => {
    const good = signed(pair.privateKey, BODY, NOW_S);
    const tampered = { ...good, rawBody: Buffer.from(BODY.replace('v3:x', 'v3:y')) };
    expect(verifyWebhookSignature(key, tampered, NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    const reformatted = { ...good, rawBody: Buffer.from(JSON.stringify(JSON.parse(BODY), null, 1)) };
    expect(verifyWebhookSignature(key, reformatted, NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a timestamp changed after signing', () => {
    const good = signed(pair.privateKey, BODY, NOW_S);
    expect(verifyWebhookSignature(key, { ...good, timestamp: String(NOW_MS / 1000 + 1) }, NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('refuses a signature made with another key, and garbage', () => {
    const other = telnyxKeyPair();
    expect(verifyWebhookSignature(key, signed(other.privateKey, BODY, NOW_S), NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
    const garbage = { signature: 'bm90IGEgc2lnbmF0dXJl', timestamp: NOW_S, rawBody: Buffer.from(BODY) };
    expect(verifyWebhookSignature(key, garbage, NOW_MS)).toEqual({ ok: false, reason: 'bad_signature' });
  });

  it('names a missing signature or timestamp, and a timestamp that is not a number', () => {
    const good = signed(pair.privateKey, BODY, NOW_S);
    expect(verifyWebhookSignature(key, { ...good, signature: undefined }, NOW_MS)).toEqual({ ok: false, reason: 'missing_signature' });
    expect(verifyWebhookSignature(key, { ...good, timestamp: undefined }, NOW_MS)).toEqual({ ok: false, reason: 'missing_timestamp' });
    expect(verifyWebhookSignature(key, { ...good, timestamp: '17e8' }, NOW_MS)).toEqual({ ok: false, reason: 'bad_timestamp' });
  });
});

describe('webhookPublicKey', () => {
  it('refuses anything but base64 of 32 bytes', () => {
    expect(() => webhookPublicKey(Buffer.alloc(31).toString('base64'))).toThrow(RangeError);
    expect(() => webhookPublicKey(Buffer.alloc(33).toString('base64'))).toThrow(RangeError);
    expect(() => webhookPublicKey('not base64 at all, clearly!!!!!!!!!!!!!!!!!!')).toThrow(RangeError);
    expect(webhookPublicKey(` ${telnyxKeyPair().publicKeyBase64}\n`).asymmetricKeyType).toBe('ed25519');
  });
});
