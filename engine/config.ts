import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { BotLogic } from '../bots/api.js';
import { buildAgent, type AgentDefinition } from './agent.js';
import { allowedHostProblem } from './allowedHosts.js';
import { agentConfigSchema, configFileSchema, isActorLogic, type AgentConfig, type ConfigFile } from './configSchema.js';
import { ConfigError, FieldProblem, displayPath, formatConfigProblems, schemaProblems, type ConfigProblem, type ConfigSource } from './configProblems.js';
import { didYouMean } from './didYouMean.js';
import { lineAndColumn, type JsonPathSegment } from './jsonLocation.js';
import type { LogLevel } from './logger.js';
import { webhookPublicKey } from './telnyx/webhookSignature.js';
import { EMBEDDED_CONFIG, SHIPPED_BOTS } from './shippedBots.js';
import { checkBotOptions, loadBotOptions } from '../bots/botOptions.js';
import { trustedProxyProblem } from './trustedProxies.js';
import type { EventTarget } from './events/eventDelivery.js';
import { DEFAULT_REDIS_TTL_MS, type RedisSettings } from './redis/redisSettings.js';
import { withoutPassword } from './redis/redisUrl.js';

export { ConfigError } from './configProblems.js';

/** Configuration file names looked for in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['callwire.config.ts', 'callwire.config.mts', 'callwire.config.js', 'callwire.config.mjs', 'callwire.config.json'] as const;

/** The engine's resolved configuration. */
export interface EngineConfig {
  readonly host: string;
  readonly port: number;
  /** The admin listener (`admin`, `--admin-port`, `CALLWIRE_ADMIN_PORT`); undefined: none. */
  readonly admin: { readonly host: string; readonly port: number } | undefined;
  readonly logLevel: LogLevel;
  readonly limits: {
    readonly maxMessageBytes: number;
    readonly maxPayloadBytes: number;
    readonly maxQueuedAudioMs: number;
    readonly maxCalls: number;
    readonly maxEventLoopDelayMs: number;
    readonly connectionsPerSecondPerIp: number;
    readonly streamsPerSecondPerIp: number;
    readonly maxInboundMessagesPerSecond: number;
    readonly drainTimeoutMs: number;
    readonly maxRejectedFramesPer10s: number;
    readonly maxPendingStreams: number;
    readonly maxUnauthenticatedStreams: number;
    readonly authTimeoutMs: number;
    /** Undefined: derived from the file-descriptor limit at start. */
    readonly maxConnections: number | undefined;
    readonly maxIdleConnections: number;
    readonly maxIdleConnectionsPerIp: number;
    readonly maxRequestsInFlight: number;
    readonly maxRequestsInFlightPerIp: number;
    readonly webhookBodyTimeoutMs: number;
    readonly httpHeadersTimeoutMs: number;
    readonly httpRequestTimeoutMs: number;
  };
  readonly agents: readonly AgentDefinition[];
  /** How Telnyx reaches the engine (`publicUrl`, `CALLWIRE_PUBLIC_URL`); undefined: taken from each request's host. */
  readonly publicUrl: string | undefined;
  /** Proxies whose X-Forwarded-* headers are believed (`trustedProxies`, `CALLWIRE_TRUSTED_PROXIES`, comma-separated); empty: none. */
  readonly trustedProxies: readonly string[];
  /** Hosts stream URLs may name when `publicUrl` is unset (`allowedHosts`, `CALLWIRE_ALLOWED_HOSTS`, comma-separated); empty: none listed. */
  readonly allowedHosts: readonly string[];
  /** Bearer keys of the engine's HTTP API (`apiKeys`, `CALLWIRE_API_KEY`, comma-separated); empty: dial-out is off. */
  readonly apiKeys: readonly string[];
  readonly telnyx: TelnyxSettings;
  /** Where call events go (`events`, or `CALLWIRE_EVENTS_URL` with `CALLWIRE_EVENTS_SECRET`); undefined: nowhere unless an agent sets its own. */
  readonly events: EventTarget | undefined;
  /** Shared call state (`redis`, or `CALLWIRE_REDIS_URL`); undefined: none, and no Redis code is loaded. */
  readonly redis: RedisSettings | undefined;
  /** Whether `/try` serves the browser softphone (`try.enabled`); undefined: only when listening on loopback. */
  readonly tryPage: boolean | undefined;
  /** The file the configuration came from, or `embedded defaults`. */
  readonly source: string;
}

/** Telnyx account settings; the environment wins over the file. */
export interface TelnyxSettings {
  /** `TELNYX_API_KEY` or `telnyx.apiKey`; undefined: Call Control is off (streams still work). */
  readonly apiKey: string | undefined;
  /** `TELNYX_BASE_URL` or `telnyx.baseUrl`; undefined: Telnyx's own. */
  readonly baseUrl: string | undefined;
  /** `TELNYX_PUBLIC_KEY` or `telnyx.publicKey`: verifies webhooks; undefined: every webhook is refused. */
  readonly publicKey: string | undefined;
  /** `TELNYX_CONNECTION_ID` or `telnyx.connectionId`: default connection for dial-out. */
  readonly connectionId: string | undefined;
}

/** Where configuration comes from; command-line values win over the environment, which wins over the file. */
export interface LoadConfigOptions {
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Explicit configuration file (`--config`). */
  readonly path?: string | undefined;
  readonly port?: number | undefined;
  readonly host?: string | undefined;
  /** `--admin-port`: wins over `CALLWIRE_ADMIN_PORT` and the file's `admin.port`. */
  readonly adminPort?: number | undefined;
  readonly logLevel?: LogLevel | undefined;
}

/** Typed identity for `callwire.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: ConfigFile): ConfigFile {
  return config;
}

/** Reads, validates and resolves the configuration, including every agent's bot module; every problem found is reported at once. */
export async function loadConfig(options: LoadConfigOptions): Promise<EngineConfig> {
  const path = findConfigFile(options);
  const source = path === undefined ? undefined : { displayPath: displayPath(path, options.cwd), jsonText: extname(path) === '.json' ? await readText(path) : undefined };
  const raw = path === undefined || source === undefined ? {} : await readConfigFile(path, source);
  const problems: ConfigProblem[] = [];
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) problems.push(...schemaProblems(parsed.error.issues, configFileSchema, raw));
  const file: ConfigFile = parsed.success ? parsed.data : {};
  const baseDir = path === undefined ? options.cwd : dirname(path);

  const agents: AgentDefinition[] = [];
  const organizations = parsed.success ? organizationsToServe(parsed.data) : validOrganizations(raw);
  for (const [org, { agents: orgAgents }] of Object.entries(organizations)) {
    for (const [name, agentConfig] of Object.entries(orgAgents)) {
      try {
        agents.push(await resolveAgent(org, name, agentConfig, baseDir));
      } catch (error) {
        if (!(error instanceof FieldProblem)) throw error;
        problems.push({ path: error.path, message: error.message });
      }
    }
  }
  problems.push(...phoneNumberProblems(agents));
  if (parsed.success && Object.keys(organizations).length === 0) problems.push({ path: ['includeDefaultOrg'], message: 'no agent is left to serve: define organizations, or remove includeDefaultOrg: false' });

  const env = options.env;
  const telnyx: TelnyxSettings = {
    apiKey: nonEmpty(env['TELNYX_API_KEY']) ?? file.telnyx?.apiKey,
    baseUrl: nonEmpty(env['TELNYX_BASE_URL']) ?? file.telnyx?.baseUrl,
    publicKey: nonEmpty(env['TELNYX_PUBLIC_KEY']) ?? file.telnyx?.publicKey,
    connectionId: nonEmpty(env['TELNYX_CONNECTION_ID']) ?? file.telnyx?.connectionId,
  };
  if (telnyx.publicKey !== undefined) {
    try {
      webhookPublicKey(telnyx.publicKey);
    } catch (error) {
      const fromEnv = nonEmpty(env['TELNYX_PUBLIC_KEY']) !== undefined;
      problems.push({ path: fromEnv ? undefined : ['telnyx', 'publicKey'], message: `${fromEnv ? 'TELNYX_PUBLIC_KEY: ' : ''}${(error as Error).message}` });
    }
  }
  const publicUrl = nonEmpty(env['CALLWIRE_PUBLIC_URL']) ?? file.publicUrl;
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+/.test(publicUrl)) problems.push({ path: undefined, message: `CALLWIRE_PUBLIC_URL must be an http:// or https:// URL, got "${publicUrl}"` });
  const trustedProxies = listFromEnv(env, 'CALLWIRE_TRUSTED_PROXIES', trustedProxyProblem, problems) ?? file.trustedProxies ?? [];
  const allowedHosts = listFromEnv(env, 'CALLWIRE_ALLOWED_HOSTS', allowedHostProblem, problems) ?? file.allowedHosts ?? [];
  const events = eventsFromEnv(env, problems) ?? file.events;
  const redis = redisSettings(redisUrlFromEnv(env, problems), nonEmpty(env['CALLWIRE_REDIS_URL']) !== undefined, file.redis, problems);
  const envKeys = nonEmpty(env['CALLWIRE_API_KEY'])?.split(',').map((key) => key.trim()).filter((key) => key !== '') ?? [];
  const envPort = parsePort(env['CALLWIRE_PORT'], problems);
  const envAdminPort = parsePort(env['CALLWIRE_ADMIN_PORT'], problems, 'CALLWIRE_ADMIN_PORT');
  const envLogLevel = parseLogLevel(env['CALLWIRE_LOG_LEVEL'], 'CALLWIRE_LOG_LEVEL', problems);
  const optionLogLevel = parseLogLevel(options.logLevel, '--log-level', problems);

  if (problems.length > 0) throw new ConfigError(formatConfigProblems(problems, source));
  const host = options.host ?? options.env['CALLWIRE_HOST'] ?? file.host ?? EMBEDDED_CONFIG.host;
  const adminPort = options.adminPort ?? envAdminPort ?? file.admin?.port;
  return {
    publicUrl,
    trustedProxies,
    allowedHosts,
    apiKeys: [...envKeys, ...(file.apiKeys ?? [])],
    tryPage: file.try?.enabled,
    telnyx,
    events,
    redis,
    host,
    port: options.port ?? envPort ?? file.port ?? EMBEDDED_CONFIG.port,
    admin: adminPort === undefined ? undefined : { host: file.admin?.host ?? host, port: adminPort },
    logLevel: optionLogLevel ?? envLogLevel ?? file.logLevel ?? EMBEDDED_CONFIG.logLevel,
    limits: {
      maxMessageBytes: file.limits?.maxMessageBytes ?? EMBEDDED_CONFIG.limits.maxMessageBytes,
      maxPayloadBytes: file.limits?.maxPayloadBytes ?? EMBEDDED_CONFIG.limits.maxPayloadBytes,
      maxQueuedAudioMs: file.limits?.maxQueuedAudioMs ?? EMBEDDED_CONFIG.limits.maxQueuedAudioMs,
      maxCalls: file.limits?.maxCalls ?? EMBEDDED_CONFIG.limits.maxCalls,
      maxEventLoopDelayMs: file.limits?.maxEventLoopDelayMs ?? EMBEDDED_CONFIG.limits.maxEventLoopDelayMs,
      connectionsPerSecondPerIp: file.limits?.connectionsPerSecondPerIp ?? EMBEDDED_CONFIG.limits.connectionsPerSecondPerIp,
      streamsPerSecondPerIp: file.limits?.streamsPerSecondPerIp ?? EMBEDDED_CONFIG.limits.streamsPerSecondPerIp,
      maxInboundMessagesPerSecond: file.limits?.maxInboundMessagesPerSecond ?? EMBEDDED_CONFIG.limits.maxInboundMessagesPerSecond,
      drainTimeoutMs: file.limits?.drainTimeoutMs ?? EMBEDDED_CONFIG.limits.drainTimeoutMs,
      maxRejectedFramesPer10s: file.limits?.maxRejectedFramesPer10s ?? EMBEDDED_CONFIG.limits.maxRejectedFramesPer10s,
      maxPendingStreams: file.limits?.maxPendingStreams ?? EMBEDDED_CONFIG.limits.maxPendingStreams,
      maxUnauthenticatedStreams: file.limits?.maxUnauthenticatedStreams ?? EMBEDDED_CONFIG.limits.maxUnauthenticatedStreams,
      authTimeoutMs: file.limits?.authTimeoutMs ?? EMBEDDED_CONFIG.limits.authTimeoutMs,
      maxConnections: file.limits?.maxConnections,
      maxIdleConnections: file.limits?.maxIdleConnections ?? EMBEDDED_CONFIG.limits.maxIdleConnections,
      maxIdleConnectionsPerIp: file.limits?.maxIdleConnectionsPerIp ?? EMBEDDED_CONFIG.limits.maxIdleConnectionsPerIp,
      maxRequestsInFlight: file.limits?.maxRequestsInFlight ?? EMBEDDED_CONFIG.limits.maxRequestsInFlight,
      maxRequestsInFlightPerIp: file.limits?.maxRequestsInFlightPerIp ?? EMBEDDED_CONFIG.limits.maxRequestsInFlightPerIp,
      webhookBodyTimeoutMs: file.limits?.webhookBodyTimeoutMs ?? EMBEDDED_CONFIG.limits.webhookBodyTimeoutMs,
      httpHeadersTimeoutMs: file.limits?.httpHeadersTimeoutMs ?? EMBEDDED_CONFIG.limits.httpHeadersTimeoutMs,
      httpRequestTimeoutMs: file.limits?.httpRequestTimeoutMs ?? EMBEDDED_CONFIG.limits.httpRequestTimeoutMs,
    },
    agents,
    source: path ?? 'embedded defaults',
  };
}

/** `CALLWIRE_EVENTS_URL` and `CALLWIRE_EVENTS_SECRET`, checked as the file's `events` is. */
function eventsFromEnv(env: Readonly<Record<string, string | undefined>>, problems: ConfigProblem[]): EventTarget | undefined {
  const url = nonEmpty(env['CALLWIRE_EVENTS_URL']);
  const secret = nonEmpty(env['CALLWIRE_EVENTS_SECRET']);
  if (url === undefined && secret === undefined) return undefined;
  const parsed = configFileSchema.shape.events.safeParse({ url, secret });
  if (parsed.success) return parsed.data;
  for (const issue of parsed.error.issues) {
    const variable = issue.path[0] === 'secret' ? 'CALLWIRE_EVENTS_SECRET' : 'CALLWIRE_EVENTS_URL';
    problems.push({ path: undefined, message: `${variable}: ${issue.message.replace(/^events\.(url|secret)/, variable)}` });
  }
  return undefined;
}

/** `CALLWIRE_REDIS_URL`, checked as the file's `redis.url` is. */
function redisUrlFromEnv(env: Readonly<Record<string, string | undefined>>, problems: ConfigProblem[]): string | undefined {
  const url = nonEmpty(env['CALLWIRE_REDIS_URL']);
  if (url === undefined) return undefined;
  const parsed = configFileSchema.shape.redis.safeParse({ url });
  if (parsed.success) return parsed.data?.url;
  problems.push({ path: undefined, message: `CALLWIRE_REDIS_URL must be a redis:// or rediss:// URL, got "${withoutPassword(url)}"` });
  return undefined;
}

/** The file's `redis` with the environment's URL winning; undefined when neither names a Redis. */
function redisSettings(envUrl: string | undefined, envGiven: boolean, file: ConfigFile['redis'], problems: ConfigProblem[]): RedisSettings | undefined {
  const url = envUrl ?? file?.url;
  if (url === undefined) {
    // An unusable CALLWIRE_REDIS_URL was reported already.
    if (file !== undefined && !envGiven) problems.push({ path: ['redis'], message: 'redis needs a url: set redis.url (or CALLWIRE_REDIS_URL), or remove redis to run without shared state' });
    return undefined;
  }
  return { url, nodeId: file?.nodeId, ttlMs: file?.ttlMs ?? DEFAULT_REDIS_TTL_MS };
}

/** Each phone number may route to one agent only: a problem at each later mention of a number. */
function phoneNumberProblems(agents: readonly AgentDefinition[]): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  const owners = new Map<string, string>();
  for (const agent of agents) {
    agent.phoneNumbers.forEach((number, index) => {
      const owner = owners.get(number);
      const name = `${agent.name}.${agent.org}`;
      if (owner === undefined) owners.set(number, name);
      else problems.push({ path: ['organizations', agent.org, 'agents', agent.name, 'phoneNumbers', index], message: `${number} is already routed to ${owner}; a number routes to one agent` });
    });
  }
  return problems;
}

/** A comma-separated list from the environment, each entry checked by `problem`; undefined when the variable is unset or blank. */
function listFromEnv(env: LoadConfigOptions['env'], name: string, problem: (entry: string) => string | undefined, problems: ConfigProblem[]): string[] | undefined {
  const entries = nonEmpty(env[name])?.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries ?? []) {
    const message = problem(entry);
    if (message !== undefined) problems.push({ path: undefined, message: `${name}: ${message}` });
  }
  return entries;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

function findConfigFile(options: LoadConfigOptions): string | undefined {
  const explicit = options.path ?? options.env['CALLWIRE_CONFIG'];
  if (explicit !== undefined && explicit !== '') {
    const path = resolve(options.cwd, explicit);
    if (!existsSync(path)) throw new ConfigError([`configuration file not found: ${path} (check --config or CALLWIRE_CONFIG)`]);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(options.cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new ConfigError([`${path}: cannot be read: ${fileErrorReason(error)}`]);
  }
}

async function readConfigFile(path: string, source: ConfigSource): Promise<unknown> {
  if (source.jsonText !== undefined) return parseJsonConfig(source.jsonText, source.displayPath);
  let module: unknown;
  try {
    module = await importModule(path);
  } catch (error) {
    throw new ConfigError([`${source.displayPath}: could not be loaded: ${firstLine(error)}`]);
  }
  return exportedValue(module, 'default');
}

/** The file's value, or a ConfigError at the line and column where JSON.parse gave up. */
function parseJsonConfig(text: string, displayPath: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const message = (error as Error).message;
    // V8 says "… in JSON at position 42", and newer versions add "(line 3 column 5)".
    const position = /^(.*?)(?: in JSON)? at position (\d+)/.exec(message);
    const offset = position === null ? text.length : Number(position[2]);
    const { line, column } = lineAndColumn(text, offset);
    const reason = position === null ? message : position[1]!;
    throw new ConfigError([`${displayPath}:${line}:${column}: not valid JSON: ${reason}`]);
  }
}

/** Imports a JavaScript or TypeScript module; TypeScript goes through tsx so users need no build step. */
async function importModule(path: string): Promise<unknown> {
  const extension = extname(path);
  if (extension === '.ts' || extension === '.mts' || extension === '.cts') {
    const { tsImport } = await import('tsx/esm/api');
    return tsImport(pathToFileURL(path).href, import.meta.url);
  }
  return import(pathToFileURL(path).href);
}

type OrganizationsConfig = Readonly<Record<string, { readonly agents: Readonly<Record<string, AgentConfig>> }>>;

/**
 * The organizations the engine serves: the file's own, and the embedded `default` (echo, menu) only
 * when the file defines none or asks for it with `includeDefaultOrg: true`. A `default`
 * organization of the file's own then gains the embedded agents it does not redefine.
 */
function organizationsToServe(file: ConfigFile): OrganizationsConfig {
  const own = (file.organizations ?? {}) as OrganizationsConfig;
  const includeDefault = file.includeDefaultOrg ?? Object.keys(own).length === 0;
  return includeDefault ? mergeOrganizations(EMBEDDED_CONFIG.organizations, own) : own;
}

/** The agents of a file that failed validation that are valid on their own, so their bots can be checked too. */
function validOrganizations(raw: unknown): OrganizationsConfig {
  const organizations: Record<string, { agents: Record<string, AgentConfig> }> = {};
  const rawOrgs = (raw as { organizations?: unknown } | undefined)?.organizations;
  if (typeof rawOrgs !== 'object' || rawOrgs === null) return organizations;
  for (const [org, value] of Object.entries(rawOrgs)) {
    const rawAgents = (value as { agents?: unknown } | undefined)?.agents;
    if (typeof rawAgents !== 'object' || rawAgents === null) continue;
    for (const [name, agent] of Object.entries(rawAgents)) {
      const parsed = agentConfigSchema.safeParse(agent);
      if (parsed.success) (organizations[org] ??= { agents: {} }).agents[name] = parsed.data;
    }
  }
  return organizations;
}

function mergeOrganizations(base: OrganizationsConfig, extra: OrganizationsConfig): OrganizationsConfig {
  const merged: Record<string, { agents: Record<string, AgentConfig> }> = {};
  for (const source of [base, extra]) {
    for (const [org, { agents }] of Object.entries(source)) {
      const target = (merged[org] ??= { agents: {} });
      Object.assign(target.agents, agents);
    }
  }
  return merged;
}

/** @throws FieldProblem naming the agent's field that cannot be used. */
async function resolveAgent(org: string, name: string, config: AgentConfig, baseDir: string): Promise<AgentDefinition> {
  const where = ['organizations', org, 'agents', name];
  const { bot, botName } = await resolveBot(config.bot, baseDir, [...where, 'bot']);
  let options: Readonly<Record<string, unknown>>;
  try {
    options = await loadBotOptions(bot, config.options ?? {}, { baseDir, importModule });
    checkBotOptions(bot, options);
  } catch (error) {
    throw new FieldProblem([...where, 'options'], firstLine(error));
  }
  return buildAgent(org, name, bot, botName, { ...config, options });
}

async function resolveBot(reference: AgentConfig['bot'], baseDir: string, where: readonly JsonPathSegment[]): Promise<{ bot: BotLogic; botName: string }> {
  if (typeof reference !== 'string') return { bot: reference, botName: 'inline' };
  const shipped = SHIPPED_BOTS.get(reference);
  if (shipped !== undefined) return { bot: shipped, botName: reference };
  if (!reference.startsWith('.') && !isAbsolute(reference)) {
    const shippedNames = [...SHIPPED_BOTS.keys()];
    throw new FieldProblem(where, `"${reference}" is neither a shipped bot (${shippedNames.join(', ')}) nor a path starting with ./ or /${didYouMean(reference, shippedNames)}`);
  }
  const path = resolve(baseDir, reference);
  if (!existsSync(path)) throw new FieldProblem(where, `module not found: ${path} (a relative path starts from the configuration file's folder)`);
  let module: unknown;
  try {
    module = await importModule(path);
  } catch (error) {
    throw new FieldProblem(where, `${path} could not be loaded: ${firstLine(error)}`);
  }
  const bot = exportedValue(module, 'bot');
  if (!isActorLogic(bot)) throw new FieldProblem(where, `${path} must export bot logic (defineBot(...)) as default or as "bot"`);
  return { bot, botName: reference };
}

/**
 * The module's default export (or `fallbackName`). A TypeScript file outside an ESM package loads as
 * CommonJS, where `export default` arrives one level deeper, as `default.default`.
 */
function exportedValue(module: unknown, fallbackName: string): unknown {
  const namespace = module as Record<string, unknown>;
  const value: unknown = namespace['default'] ?? namespace[fallbackName] ?? namespace;
  if (typeof value === 'object' && value !== null && 'default' in value && !isActorLogic(value)) {
    return (value as { default: unknown }).default;
  }
  return value;
}

function parsePort(value: string | undefined, problems: ConfigProblem[], name = 'CALLWIRE_PORT'): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (Number.isInteger(port) && port >= 0 && port <= 65_535) return port;
  problems.push({ path: undefined, message: `${name} must be a port number, got "${value}"` });
  return undefined;
}

function parseLogLevel(value: string | undefined, name: string, problems: ConfigProblem[]): LogLevel | undefined {
  if (value === undefined || value === '') return undefined;
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (levels.includes(value)) return value as LogLevel;
  problems.push({ path: undefined, message: `${name} must be one of ${levels.join(', ')}, got "${value}"${didYouMean(value, levels)}` });
  return undefined;
}

/** An error's message up to its first line break: enough to act on without a stack trace. */
function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n', 1)[0]!.trim();
}

/** Why a file could not be read, in words. */
function fileErrorReason(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'it does not exist';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'EISDIR') return 'it is a folder, not a file';
  return firstLine(error);
}
