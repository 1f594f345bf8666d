import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function configDir(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-origin-config-'));
  writeFileSync(join(dir, 'callwire.config.json'), JSON.stringify(config));
  return dir;
}

describe('trustedProxies and allowedHosts configuration', () => {
  it('defaults to none of either', async () => {
    const config = await loadConfig({ cwd: configDir({}), env: {} });
    expect(config.trustedProxies).toEqual([]);
    expect(config.allowedHosts).toEqual([]);
  });

  it('reads both lists from the file', async () => {
    const config = await loadConfig({ cwd: configDir({ trustedProxies: ['10.0.0.0/8', '::1'], allowedHosts: ['cw.example.com', '*.example.net:443'] }), env: {} });
    expect(config.trustedProxies).toEqual(['10.0.0.0/8', '::1']);
    expect(config.allowedHosts).toEqual(['cw.example.com', '*.example.net:443']);
  });

  it('lets comma-separated environment variables replace the file lists', async () => {
    const cwd = configDir({ trustedProxies: ['10.0.0.0/8'], allowedHosts: ['file.example.com'] });
    const config = await loadConfig({ cwd, env: { CALLWIRE_TRUSTED_PROXIES: ' 192.0.2.0/24, fd00::/8 ,', CALLWIRE_ALLOWED_HOSTS: 'cw.example.com,*.example.org' } });
    expect(config.trustedProxies).toEqual(['192.0.2.0/24', 'fd00::/8']);
    expect(config.allowedHosts).toEqual(['cw.example.com', '*.example.org']);
    const blank = await loadConfig({ cwd, env: { CALLWIRE_TRUSTED_PROXIES: ' ', CALLWIRE_ALLOWED_HOSTS: '' } });
    expect(blank.trustedProxies).toEqual(['10.0.0.0/8']);
    expect(blank.allowedHosts).toEqual(['file.example.com']);
  });

  it('refuses a bad entry in the file, naming the field, the index and the entry', async () => {
    await expect(loadConfig({ cwd: configDir({ trustedProxies: ['10.0.0.0/8', '10.0.0.0/33'] }), env: {} })).rejects.toThrow(
      /trustedProxies\[1\]: trustedProxies entry "10\.0\.0\.0\/33": the prefix length must be a number from 1 to 32 for IPv4/,
    );
    await expect(loadConfig({ cwd: configDir({ allowedHosts: ['https://cw.example.com'] }), env: {} })).rejects.toThrow(/allowedHosts\[0\]: allowedHosts entry "https:\/\/cw\.example\.com" is a URL/);
  });

  it('refuses a bad entry in the environment, naming the variable and the entry', async () => {
    const cwd = configDir({});
    await expect(loadConfig({ cwd, env: { CALLWIRE_TRUSTED_PROXIES: '10.0.0.1,proxy.internal' } })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ cwd, env: { CALLWIRE_TRUSTED_PROXIES: '10.0.0.1,proxy.internal' } })).rejects.toThrow(/^CALLWIRE_TRUSTED_PROXIES: trustedProxies entry "proxy\.internal"/);
    await expect(loadConfig({ cwd, env: { CALLWIRE_ALLOWED_HOSTS: '*.com' } })).rejects.toThrow(/^CALLWIRE_ALLOWED_HOSTS: allowedHosts entry "\*\.com" is too broad/);
  });
});
