import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';

function dirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-config-events-'));
  writeFileSync(join(dir, 'callwire.config.json'), JSON.stringify(config));
  return dir;
}

const SECRET = 'app-events-secret-0123';

describe('events configuration', () => {
  it('takes the engine target from the file, the environment winning, and an agent target of its own', async () => {
    const cwd = dirWith({
      events: { url: 'https://app.example/callwire', secret: SECRET },
      organizations: { acme: { agents: { desk: { bot: 'echo', events: { url: 'http://127.0.0.1:9000/events', secret: `${SECRET}-desk` } } } } },
    });
    const fromFile = await loadConfig({ cwd, env: {} });
    expect(fromFile.events).toEqual({ url: 'https://app.example/callwire', secret: SECRET });
    expect(fromFile.agents.find((agent) => agent.name === 'desk')?.events).toEqual({ url: 'http://127.0.0.1:9000/events', secret: `${SECRET}-desk` });
    const fromEnv = await loadConfig({ cwd, env: { CALLWIRE_EVENTS_URL: 'https://other.example/hook', CALLWIRE_EVENTS_SECRET: `${SECRET}-env` } });
    expect(fromEnv.events).toEqual({ url: 'https://other.example/hook', secret: `${SECRET}-env` });
    expect((await loadConfig({ cwd: dirWith({}), env: {} })).events).toBeUndefined();
  });

  it('refuses at start-up a target the engine could not deliver to or sign for', async () => {
    await expect(loadConfig({ cwd: dirWith({ events: { url: 'ftp://app.example/x', secret: SECRET } }), env: {} })).rejects.toThrow(/events\.url/);
    await expect(loadConfig({ cwd: dirWith({ events: { url: 'https://app.example/x' } }), env: {} })).rejects.toThrow(ConfigError);
    await expect(loadConfig({ cwd: dirWith({ events: { url: 'https://app.example/x', secret: 'short' } }), env: {} })).rejects.toThrow(/events\.secret/);
    await expect(loadConfig({ cwd: dirWith({}), env: { CALLWIRE_EVENTS_URL: 'https://app.example/x' } })).rejects.toThrow(/CALLWIRE_EVENTS_SECRET/);
    await expect(loadConfig({ cwd: dirWith({}), env: { CALLWIRE_EVENTS_URL: 'not a url', CALLWIRE_EVENTS_SECRET: SECRET } })).rejects.toThrow(/CALLWIRE_EVENTS_URL/);
  });
});
