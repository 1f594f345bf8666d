import { createHmac, timingSafeEqual } from 'node:crypto';

/** Header carrying the signature of an event POST: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const EVENT_SIGNATURE_HEADER = 'callwire-signature';

/** How old a signed event may be before `verifyEventSignature` refuses it (replays), in seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_S = 300;

/**
 * The signature header for `body` sent at `timestampS`: HMAC-SHA256 with `secret` over
 * `<timestamp>.<body>`, so neither the body nor its time can be changed without the secret.
 */
export function signEvent(secret: string, timestampS: number, body: string): string {
  return `t=${timestampS},v1=${eventDigest(secret, timestampS, body)}`;
}

/** Why a signature was refused. */
export type SignatureProblem = 'malformed' | 'too_old' | 'mismatch';

/**
 * Checks a `callwire-signature` header against the raw request body, as a receiving app should:
 * undefined when the event is genuine and recent, otherwise why not.
 */
export function verifyEventSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  nowS: number = Math.floor(Date.now() / 1000),
  toleranceS: number = DEFAULT_SIGNATURE_TOLERANCE_S,
): SignatureProblem | undefined {
  const parsed = header === undefined ? undefined : parseSignatureHeader(header);
  if (parsed === undefined) return 'malformed';
  if (Math.abs(nowS - parsed.timestampS) > toleranceS) return 'too_old';
  const expected = Buffer.from(eventDigest(secret, parsed.timestampS, rawBody), 'hex');
  const given = Buffer.from(parsed.digestHex, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected) ? undefined : 'mismatch';
}

function eventDigest(secret: string, timestampS: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestampS}.`).update(body).digest('hex');
}

function parseSignatureHeader(header: string): { timestampS: number; digestHex: string } | undefined {
  let timestampS: number | undefined;
  let digestHex: string | undefined;
  for (const part of header.split(',')) {
    const [key, value] = part.trim().split('=', 2);
    if (key === 't' && value !== undefined && /^\d{1,12}$/.test(value)) timestampS = Number(value);
    else if (key === 'v1' && value !== undefined && /^[0-9a-f]{64}$/.test(value)) digestHex = value;
  }
  return timestampS === undefined || digestHex === undefined ? undefined : { timestampS, digestHex };
}
