import { createPublicKey, verify, type KeyObject } from 'node:crypto';

/** Header with the base64 Ed25519 signature of `${timestamp}|${body}`. */
export const SIGNATURE_HEADER = 'telnyx-signature-ed25519';
/** Header with the signing time, in Unix seconds. */
export const TIMESTAMP_HEADER = 'telnyx-timestamp';
/** Largest accepted |now − telnyx-timestamp|, in seconds, as telnyx-node's own check uses. */
export const DEFAULT_TOLERANCE_SECONDS = 300;

/** DER prefix that turns 32 raw Ed25519 key bytes into an SPKI public key (RFC 8410). */
const ED25519_SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

/** Why a webhook signature was refused; stable strings for logs. */
export type SignatureFailure = 'missing_signature' | 'missing_timestamp' | 'bad_timestamp' | 'stale_timestamp' | 'bad_signature';

/** The outcome of {@link verifyWebhookSignature}. */
export type SignatureCheck =
  | {
      readonly ok: true;
      /**
       * The last wall-clock millisecond at which this signed timestamp still passes the check
       * (timestamp + tolerance): until then the same delivery can be replayed, so its event id must
       * be remembered at least that long.
       */
      readonly acceptedUntilMs: number;
    }
  | { readonly ok: false; readonly reason: SignatureFailure };

/**
 * The account's webhook public key (Mission Control → Keys & Credentials → Public Key: base64 of 32
 * raw bytes) as a node:crypto key.
 *
 * @throws RangeError when the text is not base64 of exactly 32 bytes.
 */
export function webhookPublicKey(base64: string): KeyObject {
  const text = base64.trim();
  const raw = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]{43}=?$/.test(text) || raw.length !== 32) {
    throw new RangeError('the Telnyx public key must be the base64 of 32 bytes (Mission Control → Keys & Credentials → Public Key)');
  }
  return createPublicKey({ key: Buffer.concat([ED25519_SPKI_PREFIX, raw]), format: 'der', type: 'spki' });
}

/** What {@link verifyWebhookSignature} checks. */
export interface SignedWebhook {
  /** `telnyx-signature-ed25519`. */
  readonly signature: string | undefined;
  /** `telnyx-timestamp`. */
  readonly timestamp: string | undefined;
  /** The body exactly as received: never re-serialised JSON. */
  readonly rawBody: Buffer;
}

/**
 * What can be told of a webhook's signature from its headers alone, before its body is read: both
 * headers present, the timestamp within `toleranceSeconds` of `nowMs`, the signature 64 bytes of
 * base64. Undefined when nothing is wrong yet (the signature itself is checked over the body).
 */
export function signatureHeadersFailure(signature: string | undefined, timestamp: string | undefined, nowMs: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): SignatureFailure | undefined {
  if (signature === undefined || signature === '') return 'missing_signature';
  if (timestamp === undefined || timestamp === '') return 'missing_timestamp';
  if (!/^\d{1,12}$/.test(timestamp)) return 'bad_timestamp';
  if (Math.abs(nowMs / 1000 - Number(timestamp)) > toleranceSeconds) return 'stale_timestamp';
  // Base64 of 64 bytes is 88 characters; decoding anything much longer is work a stranger chose.
  if (signature.length > 100 || Buffer.from(signature, 'base64').length !== 64) return 'bad_signature';
  return undefined;
}

/**
 * Checks Telnyx's Ed25519 webhook signature over `${timestamp}|${rawBody}` and that the timestamp is
 * within `toleranceSeconds` of `nowMs`, in the past or the future (as telnyx-node checks it). Not the SDK's `webhooks.unwrap`, which checks a different
 * (HMAC) scheme and refuses real Telnyx events.
 *
 * @example
 * ```ts
 * const check = verifyWebhookSignature(key, { signature, timestamp, rawBody }, Date.now());
 * if (!check.ok) return reply(401, check.reason);
 * ```
 */
export function verifyWebhookSignature(key: KeyObject, webhook: SignedWebhook, nowMs: number, toleranceSeconds = DEFAULT_TOLERANCE_SECONDS): SignatureCheck {
  const { signature, timestamp, rawBody } = webhook;
  const headerFailure = signatureHeadersFailure(signature, timestamp, nowMs, toleranceSeconds);
  if (headerFailure !== undefined) return { ok: false, reason: headerFailure };
  const signatureBytes = Buffer.from(signature ?? '', 'base64');
  const message = Buffer.concat([Buffer.from(`${timestamp}|`, 'utf8'), rawBody]);
  if (!verify(null, message, key, signatureBytes)) return { ok: false, reason: 'bad_signature' };
  return { ok: true, acceptedUntilMs: (Number(timestamp) + toleranceSeconds) * 1000 };
}
