import { get } from 'node:http';
import { TARGET_HOST } from './attackOptions.js';

/** One `/healthz` probe: how long the answer took, or why there was none. */
export type HealthProbe = { readonly ms: number } | { readonly error: string };

/**
 * GETs `/healthz` on a new connection from 127.0.0.1, as a load balancer's health check would (a
 * kept-alive connection would hide an engine that can no longer accept), and times it to the end
 * of the answer. Anything but a 200 within `timeoutMs` is a failure.
 */
export function probeHealth(port: number, timeoutMs: number): Promise<HealthProbe> {
  const startedAt = performance.now();
  return new Promise((resolve) => {
    const request = get({ host: TARGET_HOST, port, path: '/healthz', agent: false, localAddress: TARGET_HOST }, (response) => {
      response.resume();
      response.once('end', () => {
        const ms = performance.now() - startedAt;
        resolve(response.statusCode === 200 ? { ms } : { error: `HTTP ${response.statusCode ?? 0}` });
      });
      response.once('error', (error) => resolve({ error: (error as { code?: string }).code ?? error.message }));
    });
    request.setTimeout(timeoutMs, () => request.destroy(Object.assign(new Error('timeout'), { code: 'TIMEOUT' })));
    request.once('error', (error) => resolve({ error: (error as { code?: string }).code ?? error.message }));
  });
}
