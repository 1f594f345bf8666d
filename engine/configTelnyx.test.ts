import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function configDir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-telnyx-config-'));
  writeFileSync(join(dir, 'callwire.config.json'), JSON.stringify(config));
  return dir;
}

const publicKeyBase64 = (() => {
  const der = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' });
  return der.subarray(der.length - 32).toString('base64');
})();

describe('Telnyx configuration', () => {
  it('reads agent numbers, tokens and parameters, and the Telnyx and API settings', async () => {
    const cwd = configDir({
      publicUrl: 'https://cw.example.com',
      includeDefaultOrg: true,
      apiKeys: ['file-key-0123456789abcdef'],
      telnyx: { apiKey: 'KEYfile', baseUrl: 'http://127.0.0.1:4010', publicKey: publicKeyBase64, connectionId: 'conn-1' },
      organizations: {
        acme: {
          agents: {
            support: { bot: 'echo', phoneNumbers: ['+13125550100'], streamAuthToken: 'support-secret-0123', customParameters: { tier: 'gold' } },
          },
        },
      },
    });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.publicUrl).toBe('https://cw.example.com');
    expect(config.apiKeys).toEqual(['file-key-0123456789abcdef']);
    expect(config.telnyx).toEqual({ apiKey: 'KEYfile', baseUrl: 'http://127.0.0.1:4010', publicKey: publicKeyBase64, connectionId: 'conn-1' });
    const support = config.agents.find((agent) => agent.name === 'support')!;
    expect(support.phoneNumbers).toEqual(['+13125550100']);
    expect(support.streamAuthToken).toBe('support-secret-0123');
    expect(support.customParameters).toEqual({ tier: 'gold' });
    const echo = config.agents.find((agent) => agent.name === 'echo')!;
    expect(echo).toMatchObject({ phoneNumbers: [], streamAuthToken: undefined, customParameters: {} });
  });

  it('lets the environment win over the file', async () => {
    const cwd = configDir({ telnyx: { apiKey: 'KEYfile', baseUrl: 'https://file.example' }, publicUrl: 'https://file.example' });
    const config = await loadConfig({
      cwd,
      env: {
        TELNYX_API_KEY: 'KEYenv',
        TELNYX_BASE_URL: 'http://127.0.0.1:9',
        TELNYX_PUBLIC_KEY: publicKeyBase64,
        TELNYX_CONNECTION_ID: 'conn-env',
        CALLWIRE_PUBLIC_URL: 'https://env.example',
        CALLWIRE_API_KEY: 'env-key-one-0123456789, env-key-two-0123456789',
      },
    });
    expect(config.telnyx).toEqual({ apiKey: 'KEYenv', baseUrl: 'http://127.0.0.1:9', publicKey: publicKeyBase64, connectionId: 'conn-env' });
    expect(config.publicUrl).toBe('https://env.example');
    expect(config.apiKeys).toEqual(['env-key-one-0123456789', 'env-key-two-0123456789']);
  });

  it('has no Call Control, webhooks or dial-out with nothing configured', async () => {
    const config = await loadConfig({ cwd: mkdtempSync(join(tmpdir(), 'callwire-empty-')), env: {} });
    expect(config.telnyx).toEqual({ apiKey: undefined, baseUrl: undefined, publicKey: undefined, connectionId: undefined });
    expect(config.apiKeys).toEqual([]);
    expect(config.publicUrl).toBeUndefined();
  });

  it('refuses a number routed to two agents, a bad public key, short secrets and non-E.164 numbers', async () => {
    const twice = configDir({ organizations: { a: { agents: { x: { bot: 'echo', phoneNumbers: ['+13125550100'] } } }, b: { agents: { y: { bot: 'echo', phoneNumbers: ['+13125550100'] } } } } });
    await expect(loadConfig({ cwd: twice, env: {} })).rejects.toThrow(/organizations\.b\.agents\.y\.phoneNumbers\[0\]: \+13125550100 is already routed to x\.a/);
    await expect(loadConfig({ cwd: configDir({}), env: { TELNYX_PUBLIC_KEY: 'c2hvcnQ=' } })).rejects.toThrow(/TELNYX_PUBLIC_KEY.*32 bytes/);
    await expect(loadConfig({ cwd: configDir({ apiKeys: ['short'] }), env: {} })).rejects.toThrow(ConfigError);
    const badNumber = configDir({ organizations: { a: { agents: { x: { bot: 'echo', phoneNumbers: ['3125550100'] } } } } });
    await expect(loadConfig({ cwd: badNumber, env: {} })).rejects.toThrow(/E\.164/);
    const badToken = configDir({ organizations: { a: { agents: { x: { bot: 'echo', streamAuthToken: 'has spaces in it, too many' } } } } });
    await expect(loadConfig({ cwd: badToken, env: {} })).rejects.toThrow(/visible ASCII/);
    await expect(loadConfig({ cwd: configDir({ publicUrl: 'ftp://x' }), env: {} })).rejects.toThrow(/publicUrl/);
  });
});
