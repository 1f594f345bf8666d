import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-config-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

const names = (agents: readonly { name: string; org: string }[]) => agents.map((agent) => `${agent.name}.${agent.org}`).sort();

describe('loadConfig', () => {
  it('serves org default with echo and menu on port 8080 when there is no configuration at all', async () => {
    const config = await loadConfig({ cwd: tempDir({}), env: {} });
    expect(config.source).toBe('embedded defaults');
    expect(config.port).toBe(8080);
    expect(config.host).toBe('0.0.0.0');
    expect(names(config.agents)).toEqual(['echo.default', 'menu.default']);
  });

  it('takes the port from --port over CALLWIRE_PORT over the file', async () => {
    const cwd = tempDir({ 'callwire.config.json': JSON.stringify({ port: 7000 }) });
    expect((await loadConfig({ cwd, env: {} })).port).toBe(7000);
    expect((await loadConfig({ cwd, env: { CALLWIRE_PORT: '7100' } })).port).toBe(7100);
    expect((await loadConfig({ cwd, env: { CALLWIRE_PORT: '7100' }, port: 7200 })).port).toBe(7200);
    await expect(loadConfig({ cwd, env: { CALLWIRE_PORT: 'eighty' } })).rejects.toThrow(ConfigError);
  });

  it('opens no admin listener unless asked; takes its port from --admin-port over CALLWIRE_ADMIN_PORT over the file, its host from the file or the engine', async () => {
    expect((await loadConfig({ cwd: tempDir({}), env: {} })).admin).toBeUndefined();
    const cwd = tempDir({ 'callwire.config.json': JSON.stringify({ host: '10.0.0.4', admin: { port: 9090 } }) });
    expect((await loadConfig({ cwd, env: {} })).admin).toEqual({ host: '10.0.0.4', port: 9090 });
    expect((await loadConfig({ cwd, env: { CALLWIRE_ADMIN_PORT: '9100' } })).admin).toEqual({ host: '10.0.0.4', port: 9100 });
    expect((await loadConfig({ cwd, env: { CALLWIRE_ADMIN_PORT: '9100' }, adminPort: 9200 })).admin).toEqual({ host: '10.0.0.4', port: 9200 });
    const ownHost = tempDir({ 'callwire.config.json': JSON.stringify({ admin: { port: 9090, host: '127.0.0.1' } }) });
    expect((await loadConfig({ cwd: ownHost, env: {} })).admin).toEqual({ host: '127.0.0.1', port: 9090 });
    await expect(loadConfig({ cwd, env: { CALLWIRE_ADMIN_PORT: 'ninety' } })).rejects.toThrow(/CALLWIRE_ADMIN_PORT/);
  });

  it('adds organizations and agents from JSON, with bots from TypeScript modules', async () => {
    const cwd = tempDir({
      'my-bot.ts': `import { defineBot } from '${join(process.cwd(), 'bots/defineBot.ts')}';\nconst greeting: string = 'hi';\nexport default defineBot({ name: greeting, create: () => ({}) });\n`,
      'callwire.config.json': JSON.stringify({
        organizations: {
          acme: { agents: { support: { bot: './my-bot.ts', options: { tone: 'warm' }, timeouts: { mediaMs: 5000 }, media: { outboundEncoding: 'PCMA' } } } },
          default: { agents: { parrot: { bot: 'echo', options: { delayMs: 400 }, media: { jitter: { timeStretch: false } } } } },
        },
      }),
    });
    const config = await loadConfig({ cwd, env: {} });
    expect(names(config.agents)).toEqual(['parrot.default', 'support.acme']);
    const support = config.agents.find((agent) => agent.name === 'support')!;
    expect(support.options).toEqual({ tone: 'warm' });
    expect(support.timeouts).toEqual({ startMs: 10_000, mediaMs: 5_000, drainMs: 10_000, transferMs: 10_000 });
    expect(support.media).toEqual({
      outboundEncoding: 'PCMA',
      outboundSampleRate: undefined,
      botSampleRate: undefined,
      l16ByteOrder: 'big',
      jitter: { minDelayMs: 20, maxDelayMs: 300, timeStretch: true },
      outbound: { framesPerMessage: 5, prebufferFrames: 2, leadFrames: 10 },
    });
    expect(typeof support.bot.transition).toBe('function');
    expect(config.agents.find((agent) => agent.name === 'parrot')!.media.jitter).toEqual({ minDelayMs: 20, maxDelayMs: 300, timeStretch: false });
  });

  it('serves the embedded org default only when the file defines no organizations, or asks for it', async () => {
    const load = async (file: unknown) => names((await loadConfig({ cwd: tempDir({ 'callwire.config.json': JSON.stringify(file) }), env: {} })).agents);
    const acme = { acme: { agents: { desk: { bot: 'echo' } } } };
    expect(await load({ port: 7000 })).toEqual(['echo.default', 'menu.default']);
    expect(await load({ organizations: {} })).toEqual(['echo.default', 'menu.default']);
    expect(await load({ organizations: acme })).toEqual(['desk.acme']);
    expect(await load({ organizations: acme, includeDefaultOrg: true })).toEqual(['desk.acme', 'echo.default', 'menu.default']);
    expect(await load({ organizations: { default: { agents: { echo: { bot: 'menu' } } } }, includeDefaultOrg: true })).toEqual(['echo.default', 'menu.default']);
    await expect(load({ includeDefaultOrg: false })).rejects.toThrow(/includeDefaultOrg: no agent is left to serve/);
  });

  it('loads callwire.config.ts with inline bot logic', async () => {
    const root = process.cwd();
    const cwd = tempDir({
      'callwire.config.ts': `import { defineBot } from '${join(root, 'bots/defineBot.ts')}';\nimport { defineConfig } from '${join(root, 'engine/config.ts')}';\nexport default defineConfig({ port: 9100, organizations: { lab: { agents: { inline: { bot: defineBot({ name: 'x', create: () => ({}) }) } } } } });\n`,
    });
    const config = await loadConfig({ cwd, env: {} });
    expect(config.port).toBe(9100);
    expect(names(config.agents)).toContain('inline.lab');
  });

  it.each([
    [{ port: 'eighty' }, /port/],
    [{ organizations: { acme: { agents: { 'bad.name': { bot: 'echo' } } } } }, /no dots/],
    [{ organizations: { acme: { agents: { x: { bot: 'nonexistent' } } } } }, /neither a shipped bot/],
    [{ organizations: { acme: { agents: { x: { bot: './missing.ts' } } } } }, /module not found/],
    [{ organizations: { acme: { agents: { x: { bot: 'echo', media: { outboundEncoding: 'MP3' } } } } } }, /outboundEncoding/],
    [{ organizations: { acme: { agents: { x: { bot: 'echo', media: { botSampleRate: 11025 } } } } } }, /botSampleRate/],
    [{ organizations: { acme: { agents: { x: { bot: 'echo', media: { jitter: { minDelayMs: 300, maxDelayMs: 100 } } } } } } }, /jitter/],
    [{ surprise: true }, /surprise|Unrecognized/],
  ])('refuses %j with a ConfigError that names the field', async (file, message) => {
    const cwd = tempDir({ 'callwire.config.json': JSON.stringify(file) });
    const attempt = loadConfig({ cwd, env: {} });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(message);
  });

  it("checks a shipped bot's options at load, not on the first call", async () => {
    const cwd = tempDir({ 'callwire.config.json': JSON.stringify({ organizations: { acme: { agents: { desk: { bot: 'openai-realtime', options: { transferTo: 'reception' } } } } } }) });
    const attempt = loadConfig({ cwd, env: {} });
    await expect(attempt).rejects.toThrow(ConfigError);
    await expect(attempt).rejects.toThrow(/organizations\.acme\.agents\.desk\.options: openai-realtime: transferTo: "reception" is neither/);
  });

  it('says so when --config names a file that does not exist', async () => {
    await expect(loadConfig({ cwd: tempDir({}), env: {}, path: 'nope.json' })).rejects.toThrow(/not found/);
  });
});
