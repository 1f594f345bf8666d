import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../../test/support/engine.js';

let engine: Awaited<ReturnType<typeof startTestEngine>>;

beforeAll(async () => {
  engine = await startTestEngine([], { server: { admin: { host: '127.0.0.1', port: 0 } } });
});

afterAll(async () => {
  await engine.close();
});

/** The running engine's admin port. */
function adminPort(): number {
  if (engine.adminPort === undefined) throw new Error('the engine opened no admin listener');
  return engine.adminPort;
}

async function status(port: number, path: string, method = 'GET'): Promise<number> {
  const response = await fetch(`http://127.0.0.1:${port}${path}`, { method });
  await response.arrayBuffer();
  return response.status;
}

describe('the admin listener', () => {
  it('answers the probes on its own port', async () => {
    expect(adminPort()).not.toBe(engine.port);
    expect(await status(adminPort(), '/healthz')).toBe(200);
    expect(await status(adminPort(), '/readyz')).toBe(200);
    const metrics = await fetch(`http://127.0.0.1:${adminPort()}/metrics`);
    expect(await metrics.text()).toContain('callwire_connections_closed_total');
  });

  it('serves nothing else: webhooks, the API and the media endpoint stay on the public port', async () => {
    expect(await status(adminPort(), '/webhooks/telnyx', 'POST')).toBe(404);
    expect(await status(adminPort(), '/v1/calls', 'POST')).toBe(404);
    expect(await status(adminPort(), '/stats')).toBe(404);
    expect(await status(adminPort(), '/healthz', 'POST')).toBe(404);
    expect(await status(engine.port, '/healthz')).toBe(200);
  });
});

describe('an admin port that cannot be opened', () => {
  it('fails the start with the error of the taken port, closing what had started', async () => {
    await expect(startTestEngine([], { server: { port: 0, admin: { host: '127.0.0.1', port: adminPort() } } })).rejects.toThrow(/EADDRINUSE/);
  });
});
