/**
 * A Telnyx-style webhook signing key pair whose private half the bench holds: the engine under
 * test is given the public key (base64 of its 32 raw bytes, as Telnyx's portal shows it), and the
 * attacks sign events the way Telnyx does (Ed25519 over `${timestamp}|${rawBody}`).
 */
import { createPrivateKey, generateKeyPairSync, sign, type KeyObject } from 'node:crypto';

/** A key pair in forms that survive JSON and IPC. */
export interface WebhookKeys {
  /** Base64 of the 32-byte raw public key: the engine's `telnyx.publicKey`. */
  readonly publicKeyBase64: string;
  /** The private key, PKCS#8 PEM. */
  readonly privateKeyPem: string;
}

/** The headers Telnyx signs a webhook with. */
export interface WebhookSignature {
  readonly 'telnyx-signature-ed25519': string;
  readonly 'telnyx-timestamp': string;
}

/** A fresh Ed25519 key pair. */
export function generateWebhookKeys(): WebhookKeys {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' });
  return {
    publicKeyBase64: spki.subarray(spki.length - 32).toString('base64'),
    privateKeyPem: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

/** Signs webhook bodies with one private key. */
export class WebhookSigner {
  readonly #key: KeyObject;

  constructor(privateKeyPem: string) {
    this.#key = createPrivateKey(privateKeyPem);
  }

  /** Headers for `rawBody` signed at `unixSeconds` (default now). */
  sign(rawBody: string, unixSeconds = Math.floor(Date.now() / 1000)): WebhookSignature {
    const timestamp = String(unixSeconds);
    const signature = sign(null, Buffer.from(`${timestamp}|${rawBody}`), this.#key);
    return { 'telnyx-signature-ed25519': signature.toString('base64'), 'telnyx-timestamp': timestamp };
  }
}
