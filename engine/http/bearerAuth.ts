import type { IncomingHttpHeaders } from 'node:http';
import { matchesAnySecret } from '../secrets.js';

/**
 * True when the request carries `Authorization: Bearer KEY` with one of `keys`, compared in
 * constant time. No keys configured: nothing is authorized.
 */
export function hasBearerKey(headers: IncomingHttpHeaders, keys: readonly string[]): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(headers.authorization ?? '');
  if (match === null || keys.length === 0) return false;
  return matchesAnySecret(match[1]!, keys);
}
