/** WebSocket close codes an endpoint may send in a close frame (RFC 6455 §7.4, as `ws` checks them). */

/** True when `code` can go in a close frame; 1005 and 1006 only describe a close, they are never sent. */
export function isValidStatusCode(code: number): boolean {
  return (code >= 1000 && code <= 1014 && code !== 1004 && code !== 1005 && code !== 1006) || (code >= 3000 && code <= 4999);
}
