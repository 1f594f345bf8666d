import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { loadConfig, type EngineConfig } from './config.js';
import { createLogger } from './logger.js';
import { publicUrlWarning, serve } from './serve.js';

const TELNYX = { apiKey: 'KEYtest', baseUrl: undefined, publicKey: undefined, connectionId: undefined };
const base = { publicUrl: undefined, allowedHosts: [], trustedProxies: [], telnyx: TELNYX };

describe('publicUrlWarning', () => {
  it('says nothing when publicUrl is set or Telnyx is not configured', () => {
    expect(publicUrlWarning({ ...base, publicUrl: 'https://cw.example.com' })).toBeUndefined();
    expect(publicUrlWarning({ ...base, telnyx: { ...TELNYX, apiKey: undefined } })).toBeUndefined();
    expect(publicUrlWarning({ ...base, telnyx: { ...TELNYX, apiKey: undefined, publicKey: 'k' } })).toBeDefined();
  });

  it('with nothing to vouch for a host, says no stream URL will be built and how to fix it', () => {
    const warning = publicUrlWarning(base)!;
    expect(warning.effect).toContain('no stream URL will be built');
    expect(warning.fix).toContain('set publicUrl (CALLWIRE_PUBLIC_URL)');
    expect(warning.fix).toContain('allowedHosts (CALLWIRE_ALLOWED_HOSTS)');
  });

  it('describes what allowedHosts and trustedProxies will do', () => {
    expect(publicUrlWarning({ ...base, allowedHosts: ['cw.example.com'] })!.effect).toContain('only when it matches allowedHosts');
    expect(publicUrlWarning({ ...base, trustedProxies: ['10.0.0.0/8'] })!.effect).toContain('whatever host the trusted proxies forward');
  });
});

describe('serve', () => {
  it('warns at start-up when Telnyx is configured without publicUrl', async () => {
    const lines: Record<string, unknown>[] = [];
    const stream = new Writable({
      write: (chunk: Buffer, _encoding, done) => {
        for (const line of chunk.toString('utf8').split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const loaded = await loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'callwire-serve-')), env: { TELNYX_API_KEY: 'KEYtest' }, host: '127.0.0.1', port: 0 });
    const config: EngineConfig = { ...loaded, telnyx: { ...loaded.telnyx, baseUrl: 'http://127.0.0.1:9' } };
    const server = await serve(config, createLogger('info', stream));
    await server.close();
    const warning = lines.find((line) => line['msg'] === 'publicUrl is not set');
    expect(warning).toMatchObject({ level: 40, allowedHosts: [], trustedProxies: [] });
    expect(String(warning!['fix'])).toContain('CALLWIRE_PUBLIC_URL');
  });
});
