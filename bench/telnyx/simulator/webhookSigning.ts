import { createPublicKey, generateKeyPairSync, sign, verify, type KeyObject } from 'node:crypto';

/** DER prefix of an Ed25519 SubjectPublicKeyInfo (RFC 8410); the 32 raw key bytes follow it. */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Headers Telnyx signs a webhook with. */
export interface WebhookSignatureHeaders {
  readonly 'telnyx-signature-ed25519': string;
  readonly 'telnyx-timestamp': string;
}

/**
 * Signs webhooks as Telnyx does: Ed25519 over `${timestamp}|${rawBody}`, base64 signature, with a
 * key pair made at start; the public key is published like Telnyx's portal shows it (base64 of 32 raw bytes).
 */
export class WebhookSigner {
  /** Base64 of the 32-byte raw public key (Telnyx's "Public Key"). */
  readonly publicKeyBase64: string;
  readonly #privateKey: KeyObject;

  constructor() {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const spki = publicKey.export({ format: 'der', type: 'spki' });
    this.publicKeyBase64 = spki.subarray(spki.length - 32).toString('base64');
    this.#privateKey = privateKey;
  }

  /** Headers for `rawBody` sent at `unixSeconds`. */
  sign(rawBody: string, unixSeconds = Math.floor(Date.now() / 1000)): WebhookSignatureHeaders {
    const timestamp = String(unixSeconds);
    const signature = sign(null, Buffer.from(`${timestamp}|${rawBody}`), this.#privateKey);
    return { 'telnyx-signature-ed25519': signature.toString('base64'), 'telnyx-timestamp': timestamp };
  }
}

/** Checks a Telnyx webhook signature against the account's base64 public key (for tests and users' receivers). */
export function verifyTelnyxSignature(publicKeyBase64: string, timestamp: string, rawBody: string | Buffer, signatureBase64: string): boolean {
  const raw = Buffer.from(publicKeyBase64, 'base64');
  if (raw.length !== 32) return false;
  const key = createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
  const signed = Buffer.concat([Buffer.from(`${timestamp}|`), Buffer.isBuffer(rawBody) ? rawBody : Buffer.from(rawBody)]);
  return verify(null, signed, key, Buffer.from(signatureBase64, 'base64'));
}
