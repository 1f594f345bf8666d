import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { DEFAULT_REDIS_TTL_MS } from './redis/redisSettings.js';

function dirWith(config: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-config-redis-'));
  writeFileSync(join(dir, 'callwire.config.json'), JSON.stringify(config));
  return dir;
}

async function problemsOf(config: unknown, env: Record<string, string> = {}): Promise<string> {
  try {
    await loadConfig({ cwd: dirWith(config), env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
}

describe('redis configuration', () => {
  it('is off unless a URL is given, in the file or in CALLWIRE_REDIS_URL (which wins)', async () => {
    expect((await loadConfig({ cwd: dirWith({}), env: {} })).redis).toBeUndefined();
    const cwd = dirWith({ redis: { url: 'redis://cache.internal:6379/2', nodeId: 'eu-1', ttlMs: 9000 } });
    expect((await loadConfig({ cwd, env: {} })).redis).toEqual({ url: 'redis://cache.internal:6379/2', nodeId: 'eu-1', ttlMs: 9000 });
    expect((await loadConfig({ cwd, env: { CALLWIRE_REDIS_URL: 'rediss://:pw@other:6380' } })).redis?.url).toBe('rediss://:pw@other:6380');
    // The URL alone from the environment, the rest from defaults.
    expect((await loadConfig({ cwd: dirWith({}), env: { CALLWIRE_REDIS_URL: 'redis://127.0.0.1' } })).redis).toEqual({ url: 'redis://127.0.0.1', nodeId: undefined, ttlMs: DEFAULT_REDIS_TTL_MS });
    expect((await loadConfig({ cwd: dirWith({ redis: { ttlMs: 5000 } }), env: { CALLWIRE_REDIS_URL: 'redis://127.0.0.1' } })).redis?.ttlMs).toBe(5000);
  });

  it('refuses at start-up what it could not connect with, naming the field or variable', async () => {
    expect(await problemsOf({ redis: { url: 'http://cache:6379' } })).toMatch(/redis\.url must be a redis:\/\/ or rediss:\/\/ URL/);
    expect(await problemsOf({}, { CALLWIRE_REDIS_URL: 'cache:6379' })).toContain('CALLWIRE_REDIS_URL must be a redis:// or rediss:// URL, got "cache:6379"');
    expect(await problemsOf({}, { CALLWIRE_REDIS_URL: 'http://user:s3cret@cache' })).not.toContain('s3cret');
    expect(await problemsOf({ redis: { nodeId: 'a' } })).toMatch(/redis needs a url/);
    expect(await problemsOf({ redis: { url: 'redis://h', ttlMs: 10 } })).toMatch(/redis\.ttlMs must be at least 300/);
    expect(await problemsOf({ redis: { url: 'redis://h', nodeId: 'has space' } })).toMatch(/redis\.nodeId/);
    expect(await problemsOf({ redis: { url: 'redis://h', port: 1 } })).toMatch(/port/);
  });
});
