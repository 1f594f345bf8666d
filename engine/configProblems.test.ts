import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from './config.js';
import { formatFieldPath, keysAllowedAt } from './configProblems.js';
import { configFileSchema } from './configSchema.js';
import type { LogLevel } from './logger.js';

function tempDir(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'callwire-problems-'));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

async function problemsOf(attempt: Promise<unknown>): Promise<readonly string[]> {
  const error = await attempt.then(
    () => undefined,
    (failure: unknown) => failure,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return (error as ConfigError).problems;
}

/** `line:column` of the first occurrence of `needle`, found by plain search rather than the locator under test. */
function at(text: string, needle: string, occurrence = 1): string {
  let offset = -1;
  for (let found = 0; found < occurrence; found++) offset = text.indexOf(needle, offset + 1);
  expect(offset).toBeGreaterThanOrEqual(0);
  const before = text.slice(0, offset).split('\n');
  return `${before.length}:${before.at(-1)!.length + 1}`;
}

const LEVELS = '"fatal", "error", "warn", "info", "debug", "trace", "silent"';

describe('configuration problems', () => {
  it('reports every problem of a JSON file at once, in file order, with line, column and field', async () => {
    const text = `{
  "prot": 9000,
  "logLevel": "inf",
  "organizations": {
    "acme": {
      "agents": {
        "support": { "bot": "ecoh" },
        "sales": { "bot": "menu", "media": { "outboundEncoding": "MP3" } },
        "lost": { "options": {} }
      }
    }
  }
}
`;
    const problems = await problemsOf(loadConfig({ cwd: tempDir({ 'callwire.config.json': text }), env: {} }));
    expect(problems).toEqual([
      `callwire.config.json:${at(text, '"prot"')}: prot: unknown key; did you mean "port"?`,
      `callwire.config.json:${at(text, '"inf"')}: logLevel: must be one of ${LEVELS}, not "inf"; did you mean "info"?`,
      `callwire.config.json:${at(text, '"ecoh"')}: organizations.acme.agents.support.bot: "ecoh" is neither a shipped bot (echo, menu, openai-realtime, gemini-live, upstream) nor a path starting with ./ or /; did you mean "echo"?`,
      `callwire.config.json:${at(text, '"MP3"')}: organizations.acme.agents.sales.media.outboundEncoding: must be one of "PCMU", "PCMA", "L16", "OPUS", "G722", "inbound", not "MP3"`,
      `callwire.config.json:${at(text, '{ "options"')}: organizations.acme.agents.lost.bot: is required`,
    ]);
  });

  it('says how many problems there are, one per line, and keeps a single problem on one line', async () => {
    const two = loadConfig({ cwd: tempDir({ 'callwire.config.json': '{"port": "eighty", "host": ""}' }), env: {} });
    await expect(two).rejects.toThrow(/^the configuration has 2 problems:\n {2}callwire\.config\.json:1:10: port: must be a number, not "eighty"\n {2}callwire\.config\.json:1:28: host: must be at least 1 characters$/);
    const one = loadConfig({ cwd: tempDir({ 'callwire.config.json': '{"port": 70000}' }), env: {} });
    await expect(one).rejects.toThrow(/^callwire\.config\.json:1:10: port: must be at most 65535$/);
  });

  it('lists the allowed keys when no key is near the unknown one', async () => {
    const text = '{"limits": {"zzzzzz": 1}}';
    const problems = await problemsOf(loadConfig({ cwd: tempDir({ 'callwire.config.json': text }), env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^callwire\.config\.json:1:13: limits\.zzzzzz: unknown key; the keys allowed here are maxMessageBytes, maxPayloadBytes, .*, httpRequestTimeoutMs$/);
  });

  it('points at a bad organization or agent name, quoted in the path', async () => {
    const text = '{"organizations": {"acme": {"agents": {"front.desk": {"bot": "echo"}}}}}';
    const problems = await problemsOf(loadConfig({ cwd: tempDir({ 'callwire.config.json': text }), env: {} }));
    expect(problems).toEqual([`callwire.config.json:${at(text, '"front.desk"')}: organizations.acme.agents["front.desk"]: agent names are letters, digits, - and _ (no dots)`]);
  });

  it('gives the line and column of a JSON syntax error', async () => {
    const text = '{\n  "port": 8080,\n}\n';
    const problems = await problemsOf(loadConfig({ cwd: tempDir({ 'callwire.config.json': text }), env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^callwire\.config\.json:3:1: not valid JSON: \S/);
    expect(problems[0]).not.toMatch(/position/);
  });

  it('names the field, without a line, in a TypeScript configuration, and adds problems from the environment', async () => {
    const cwd = tempDir({ 'callwire.config.ts': `export default { organizations: { acme: { agents: { desk: { bot: 'menuu' } } } }, hots: '127.0.0.1' };\n` });
    const problems = await problemsOf(loadConfig({ cwd, env: { CALLWIRE_PORT: 'eighty', CALLWIRE_LOG_LEVEL: 'warning' } }));
    expect(problems).toEqual([
      'callwire.config.ts: hots: unknown key; did you mean "host"?',
      'callwire.config.ts: organizations.acme.agents.desk.bot: "menuu" is neither a shipped bot (echo, menu, openai-realtime, gemini-live, upstream) nor a path starting with ./ or /; did you mean "menu"?',
      'CALLWIRE_PORT must be a port number, got "eighty"',
      'CALLWIRE_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "warning"; did you mean "warn"?',
    ]);
  });

  it('checks --log-level as it checks CALLWIRE_LOG_LEVEL', async () => {
    const problems = await problemsOf(loadConfig({ cwd: tempDir({}), env: {}, logLevel: 'debgu' as LogLevel }));
    expect(problems).toEqual(['--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "debgu"; did you mean "debug"?']);
  });

  it('names a fallback prompt that does not exist, and where relative paths start', async () => {
    const text = '{"organizations": {"acme": {"agents": {"desk": {"bot": "openai-realtime", "options": {"fallback": {"prompt": "./sorry.wav"}}}}}}}';
    const cwd = tempDir({ 'callwire.config.json': text });
    const problems = await problemsOf(loadConfig({ cwd, env: {} }));
    expect(problems).toEqual([
      `callwire.config.json:${at(text, '{"fallback"')}: organizations.acme.agents.desk.options: openai-realtime: fallback.prompt ${join(cwd, 'sorry.wav')}: does not exist (a relative path starts from the configuration file's folder)`,
    ]);
  });

  it('says in one line that a TypeScript configuration does not load', async () => {
    const problems = await problemsOf(loadConfig({ cwd: tempDir({ 'callwire.config.ts': 'export default { port: ;\n' }), env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^callwire\.config\.ts: could not be loaded: \S.*$/);
  });

  it('names a bot module that does not load, in one line', async () => {
    const cwd = tempDir({ 'broken.mjs': 'export default {\n', 'callwire.config.json': '{"organizations": {"acme": {"agents": {"desk": {"bot": "./broken.mjs"}}}}}' });
    const problems = await problemsOf(loadConfig({ cwd, env: {} }));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^callwire\.config\.json:1:56: organizations\.acme\.agents\.desk\.bot: \/.*broken\.mjs could not be loaded: .+$/);
    expect(problems[0]).not.toContain('\n');
  });
});

describe('formatFieldPath', () => {
  it('writes names with dots, indices in brackets, and odd keys quoted', () => {
    expect(formatFieldPath(['organizations', 'acme', 'agents', 'front-desk', 'phoneNumbers', 2])).toBe('organizations.acme.agents.front-desk.phoneNumbers[2]');
    expect(formatFieldPath(['organizations', 'a.b'])).toBe('organizations["a.b"]');
    expect(formatFieldPath([])).toBe('');
  });
});

describe('keysAllowedAt', () => {
  it('follows objects, records and optional fields down the schema', () => {
    expect(keysAllowedAt(configFileSchema, ['organizations', 'anything', 'agents', 'any-agent'])).toContain('streamAuthToken');
    expect(keysAllowedAt(configFileSchema, ['organizations', 'x', 'agents', 'y', 'media', 'jitter'])).toEqual(['minDelayMs', 'maxDelayMs', 'timeStretch']);
    expect(keysAllowedAt(configFileSchema, ['port'])).toEqual([]);
    expect(keysAllowedAt(configFileSchema, ['nowhere', 'deeper'])).toEqual([]);
  });
});
