/**
 * Whether the browser softphone (`/try`) is served. It lets anyone who reaches the engine place
 * calls to its agents from a web page, so it is on by default only when nobody but this machine
 * can reach the engine.
 */

/** True for an address only this machine can connect to: `localhost`, 127.0.0.0/8, `::1`. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (bare === 'localhost' || bare === '::1' || bare === '0:0:0:0:0:0:0:1') return true;
  if (bare.startsWith('::ffff:')) return isLoopbackHost(bare.slice('::ffff:'.length));
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** The `/try` setting in force: the configured one, else on exactly when the engine listens on loopback. */
export function tryPageEnabled(configured: boolean | undefined, listenHost: string): boolean {
  return configured ?? isLoopbackHost(listenHost);
}
