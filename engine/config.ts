import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, extname, isAbsolute, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { BotLogic } from '../bots/api.js';
import { buildAgent, type AgentDefinition } from './agent.js';
import { allowedHostProblem } from './allowedHosts.js';
import { configFileSchema, isActorLogic, type AgentConfig, type ConfigFile } from './configSchema.js';
import type { LogLevel } from './logger.js';
import { webhookPublicKey } from './telnyx/webhookSignature.js';
import { EMBEDDED_CONFIG, SHIPPED_BOTS } from './shippedBots.js';
import { checkBotOptions, loadBotOptions } from '../bots/botOptions.js';
import { trustedProxyProblem } from './trustedProxies.js';
import type { EventTarget } from './events/eventDelivery.js';

/** Configuration file names looked for in the working directory, in order. */
export const CONFIG_FILE_NAMES = ['callwire.config.ts', 'callwire.config.mts', 'callwire.config.js', 'callwire.config.mjs', 'callwire.config.json'] as const;

/** The engine's resolved configuration. */
export interface EngineConfig {
  readonly host: string;
  readonly port: number;
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
  readonly logLevel?: LogLevel | undefined;
}

/** A configuration that cannot be used; the message says which field and why. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** Stable code. */
  readonly code = 'CW_CONFIG';
}

/** Typed identity for `callwire.config.ts`: `export default defineConfig({ ... })`. */
export function defineConfig(config: ConfigFile): ConfigFile {
  return config;
}

/** Reads, validates and resolves the configuration, including every agent's bot module. */
export async function loadConfig(options: LoadConfigOptions): Promise<EngineConfig> {
  const path = findConfigFile(options);
  const raw = path === undefined ? {} : await readConfigFile(path);
  const parsed = configFileSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(`${path}: ${describeIssue(parsed.error)}`);
  const file = parsed.data;
  const baseDir = path === undefined ? options.cwd : dirname(path);

  const organizations = mergeOrganizations(EMBEDDED_CONFIG.organizations, file.organizations ?? {});
  const agents: AgentDefinition[] = [];
  for (const [org, { agents: orgAgents }] of Object.entries(organizations)) {
    for (const [name, agentConfig] of Object.entries(orgAgents)) agents.push(await resolveAgent(org, name, agentConfig, baseDir));
  }

  checkPhoneNumbers(agents);
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
      throw new ConfigError(`telnyx.publicKey (or TELNYX_PUBLIC_KEY): ${(error as Error).message}`, { cause: error });
    }
  }
  const publicUrl = nonEmpty(env['CALLWIRE_PUBLIC_URL']) ?? file.publicUrl;
  if (publicUrl !== undefined && !/^https?:\/\/[^/?#]+/.test(publicUrl)) throw new ConfigError(`CALLWIRE_PUBLIC_URL must be an http:// or https:// URL, got "${publicUrl}"`);
  const trustedProxies = listFromEnv(env, 'CALLWIRE_TRUSTED_PROXIES', trustedProxyProblem) ?? file.trustedProxies ?? [];
  const allowedHosts = listFromEnv(env, 'CALLWIRE_ALLOWED_HOSTS', allowedHostProblem) ?? file.allowedHosts ?? [];
  const events = eventsFromEnv(env) ?? file.events;
  const envKeys = nonEmpty(env['CALLWIRE_API_KEY'])?.split(',').map((key) => key.trim()).filter((key) => key !== '') ?? [];

  return {
    publicUrl,
    trustedProxies,
    allowedHosts,
    apiKeys: [...envKeys, ...(file.apiKeys ?? [])],
    tryPage: file.try?.enabled,
    telnyx,
    events,
    host: options.host ?? options.env['CALLWIRE_HOST'] ?? file.host ?? EMBEDDED_CONFIG.host,
    port: options.port ?? parsePort(options.env['CALLWIRE_PORT']) ?? file.port ?? EMBEDDED_CONFIG.port,
    logLevel: options.logLevel ?? parseLogLevel(options.env['CALLWIRE_LOG_LEVEL']) ?? file.logLevel ?? EMBEDDED_CONFIG.logLevel,
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
      httpHeadersTimeoutMs: file.limits?.httpHeadersTimeoutMs ?? EMBEDDED_CONFIG.limits.httpHeadersTimeoutMs,
      httpRequestTimeoutMs: file.limits?.httpRequestTimeoutMs ?? EMBEDDED_CONFIG.limits.httpRequestTimeoutMs,
    },
    agents,
    source: path ?? 'embedded defaults',
  };
}

/** `CALLWIRE_EVENTS_URL` and `CALLWIRE_EVENTS_SECRET`, checked as the file's `events` is. */
function eventsFromEnv(env: Readonly<Record<string, string | undefined>>): EventTarget | undefined {
  const url = nonEmpty(env['CALLWIRE_EVENTS_URL']);
  const secret = nonEmpty(env['CALLWIRE_EVENTS_SECRET']);
  if (url === undefined && secret === undefined) return undefined;
  const parsed = configFileSchema.shape.events.safeParse({ url, secret });
  if (!parsed.success) {
    throw new ConfigError(`CALLWIRE_EVENTS_URL and CALLWIRE_EVENTS_SECRET: ${parsed.error.issues.map((issue) => (issue.path.length === 0 ? issue.message : `${issue.path.join('.')}: ${issue.message}`)).join('; ')}`);
  }
  return parsed.data;
}

/** Each phone number may route to one agent only. */
function checkPhoneNumbers(agents: readonly AgentDefinition[]): void {
  const owners = new Map<string, string>();
  for (const agent of agents) {
    for (const number of agent.phoneNumbers) {
      const owner = owners.get(number);
      const name = `${agent.name}.${agent.org}`;
      if (owner !== undefined) throw new ConfigError(`phone number ${number} is routed to both ${owner} and ${name}; a number routes to one agent`);
      owners.set(number, name);
    }
  }
}

/** A comma-separated list from the environment, each entry checked by `problem`; undefined when the variable is unset or blank. */
function listFromEnv(env: LoadConfigOptions['env'], name: string, problem: (entry: string) => string | undefined): string[] | undefined {
  const entries = nonEmpty(env[name])?.split(',').map((entry) => entry.trim()).filter((entry) => entry !== '');
  for (const entry of entries ?? []) {
    const message = problem(entry);
    if (message !== undefined) throw new ConfigError(`${name}: ${message}`);
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
    if (!existsSync(path)) throw new ConfigError(`configuration file not found: ${path}`);
    return path;
  }
  for (const name of CONFIG_FILE_NAMES) {
    const path = resolve(options.cwd, name);
    if (existsSync(path)) return path;
  }
  return undefined;
}

async function readConfigFile(path: string): Promise<unknown> {
  if (extname(path) === '.json') {
    try {
      return JSON.parse(await readFile(path, 'utf8')) as unknown;
    } catch (error) {
      throw new ConfigError(`${path}: ${(error as Error).message}`, { cause: error });
    }
  }
  return exportedValue(await importModule(path), 'default');
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

async function resolveAgent(org: string, name: string, config: AgentConfig, baseDir: string): Promise<AgentDefinition> {
  const where = `organizations.${org}.agents.${name}`;
  const { bot, botName } = await resolveBot(config.bot, baseDir, where);
  let options: Readonly<Record<string, unknown>>;
  try {
    options = await loadBotOptions(bot, config.options ?? {}, { baseDir, importModule });
    checkBotOptions(bot, options);
  } catch (error) {
    throw new ConfigError(`${where}.options: ${error instanceof Error ? error.message : String(error)}`);
  }
  return buildAgent(org, name, bot, botName, { ...config, options });
}

async function resolveBot(reference: AgentConfig['bot'], baseDir: string, where: string): Promise<{ bot: BotLogic; botName: string }> {
  if (typeof reference !== 'string') return { bot: reference, botName: 'inline' };
  const shipped = SHIPPED_BOTS.get(reference);
  if (shipped !== undefined) return { bot: shipped, botName: reference };
  if (!reference.startsWith('.') && !isAbsolute(reference)) {
    throw new ConfigError(`${where}.bot: "${reference}" is neither a shipped bot (${[...SHIPPED_BOTS.keys()].join(', ')}) nor a path starting with ./ or /`);
  }
  const path = resolve(baseDir, reference);
  if (!existsSync(path)) throw new ConfigError(`${where}.bot: module not found: ${path}`);
  const bot = exportedValue(await importModule(path), 'bot');
  if (!isActorLogic(bot)) throw new ConfigError(`${where}.bot: ${path} must export bot logic (defineBot(...)) as default or as "bot"`);
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

function parsePort(value: string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) throw new ConfigError(`CALLWIRE_PORT must be a port number, got "${value}"`);
  return port;
}

function parseLogLevel(value: string | undefined): LogLevel | undefined {
  if (value === undefined || value === '') return undefined;
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(value)) throw new ConfigError(`CALLWIRE_LOG_LEVEL must be one of ${levels.join(', ')}`);
  return value as LogLevel;
}

function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  if (issue === undefined) return 'invalid configuration';
  const path = issue.path.length > 0 ? issue.path.join('.') : '(root)';
  // A bad record key nests the useful message (for example the name rule) one level down.
  const nested = issue.code === 'invalid_key' ? issue.issues[0]?.message : undefined;
  return `${path}: ${nested === undefined ? issue.message : `${issue.message}: ${nested}`}`;
}
