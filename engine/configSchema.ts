import { z } from 'zod';
import type { BotLogic } from '../bots/api.js';
import { allowedHostProblem } from './allowedHosts.js';
import { trustedProxyProblem } from './trustedProxies.js';

const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** True for objects that look like XState actor logic (what a bot module exports). */
export function isActorLogic(value: unknown): value is BotLogic {
  return typeof value === 'object' && value !== null && typeof (value as { transition?: unknown }).transition === 'function';
}

const BOT_REFERENCE = 'must be a shipped bot name, a module path, or bot logic from defineBot()';

const botReference = z.union([z.string().min(1, BOT_REFERENCE), z.custom<BotLogic>(isActorLogic, { message: BOT_REFERENCE })]);

const timeoutsSchema = z
  .object({
    startMs: z.number().int().positive(),
    mediaMs: z.number().int().positive(),
    drainMs: z.number().int().positive(),
    transferMs: z.number().int().positive(),
  })
  .partial()
  .strict();

const rate = z.union([z.literal(8000), z.literal(16000), z.literal(24000), z.literal(48000)]);

const mediaSchema = z
  .object({
    outboundEncoding: z.enum(['PCMU', 'PCMA', 'L16', 'OPUS', 'G722', 'inbound']),
    outboundSampleRate: rate,
    botSampleRate: rate,
    l16ByteOrder: z.enum(['big', 'little']),
    jitter: z
      .object({ minDelayMs: z.number().int().min(0).max(1000), maxDelayMs: z.number().int().min(20).max(2000), timeStretch: z.boolean() })
      .partial()
      .strict()
      .refine((jitter) => (jitter.minDelayMs ?? 20) <= (jitter.maxDelayMs ?? 300), 'jitter.minDelayMs must not exceed maxDelayMs'),
    outbound: z
      .object({
        framesPerMessage: z.number().int().min(1).max(50),
        prebufferFrames: z.number().int().min(0).max(50),
        leadFrames: z.number().int().min(0).max(50),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** A phone number in E.164 form, as Telnyx writes `to` and `from`. */
export const e164 = z.string().regex(/^\+[1-9]\d{1,14}$/, 'phone numbers are E.164: + then up to 15 digits, e.g. +13125550100');

/** A shared secret carried in headers and URLs: visible ASCII, no spaces. */
const secret = (what: string) =>
  z
    .string()
    .min(16, `${what} must be at least 16 characters`)
    .max(4000, `${what} must be at most 4000 characters (Telnyx's limit)`)
    .regex(/^[\x21-\x7e]+$/, `${what} must be visible ASCII without spaces`);

/** A list entry checked by `problem`, whose message names the entry. */
const checkedEntry = (problem: (entry: string) => string | undefined) =>
  z.string().superRefine((entry, context) => {
    const message = problem(entry);
    if (message !== undefined) context.addIssue({ code: 'custom', message });
  });

/** Where the user's app receives call events: an http(s) URL and the secret their signatures use. */
const eventsSchema = z
  .object({
    url: z.url({ protocol: /^https?$/, error: 'events.url must be an http:// or https:// URL' }),
    secret: secret('events.secret'),
  })
  .strict();

/** Shared call state: the Redis to write the call directory and node registry to. */
const redisSchema = z
  .object({
    url: z.url({ protocol: /^rediss?$/, error: 'redis.url must be a redis:// or rediss:// URL' }),
    /** This engine's name in the node registry (default: host name and process id); unique per engine. */
    nodeId: z.string().regex(/^[\x21-\x7e]{1,200}$/, 'redis.nodeId must be 1 to 200 visible ASCII characters without spaces'),
    /** How long a stopped node's entries outlive its last heartbeat (default 15000; heartbeats come every third of it). */
    ttlMs: z.number().int().min(300, 'redis.ttlMs must be at least 300').max(3_600_000, 'redis.ttlMs must be at most 3600000 (an hour)'),
  })
  // The URL may come from CALLWIRE_REDIS_URL alone (it can hold a password); loadConfig checks one is given.
  .partial()
  .strict();

/** One agent as written in configuration. */
export const agentConfigSchema = z
  .object({
    bot: botReference,
    options: z.record(z.string(), z.unknown()).optional(),
    timeouts: timeoutsSchema.optional(),
    media: mediaSchema.optional(),
    /** Numbers whose incoming Call Control calls this agent answers (each number routes to one agent). */
    phoneNumbers: z.array(e164).optional(),
    /** Telnyx stream auth token (or TeXML URL `token`) the agent's media streams must present. */
    streamAuthToken: secret('streamAuthToken').optional(),
    /** Parameters every stream of this agent carries (`<Parameter>` in TeXML, `custom_parameters` in Call Control). */
    customParameters: z.record(z.string().min(1), z.string()).optional(),
    /** The engine's own stereo WAV recordings: `dir` (default ./recordings), `always` (default false: only on the bot's request). */
    recording: z.object({ dir: z.string().min(1), always: z.boolean() }).partial().strict().optional(),
    /** This agent's call events go here instead of the engine's `events`. */
    events: eventsSchema.optional(),
  })
  .strict();

const organizationSchema = z
  .object({
    agents: z.record(z.string().regex(NAME, 'agent names are letters, digits, - and _ (no dots)'), agentConfigSchema),
  })
  .strict();

/** The whole configuration file; every field is optional and falls back to the embedded defaults. */
export const configFileSchema = z
  .object({
    host: z.string().min(1),
    port: z.number().int().min(0).max(65_535),
    /** A second listener serving only /healthz, /readyz and /metrics, for the orchestrator's probes; `host` defaults to the engine's. */
    admin: z.object({ port: z.number().int().min(0).max(65_535), host: z.string().min(1).optional() }).strict(),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    limits: z
      .object({
        maxMessageBytes: z.number().int().min(1024).max(1024 * 1024),
        maxPayloadBytes: z.number().int().min(160),
        maxQueuedAudioMs: z.number().int().min(1000),
        maxCalls: z.number().int().min(1),
        maxEventLoopDelayMs: z.number().positive(),
        connectionsPerSecondPerIp: z.number().positive(),
        /** Verified media streams (right token, or an agent without one) per second per client address; 0: no limit. */
        streamsPerSecondPerIp: z.number().min(0),
        maxInboundMessagesPerSecond: z.number().int().min(60),
        drainTimeoutMs: z.number().int().min(0),
        /** Rejected frames a stream may send within 10 s before it is closed as not a carrier. */
        maxRejectedFramesPer10s: z.number().int().min(1),
        /** Media streams open but not yet started, at once. */
        maxPendingStreams: z.number().int().min(1),
        /** Media streams still to present their stream auth token, at once. */
        maxUnauthenticatedStreams: z.number().int().min(1),
        /** Time a stream has to present its stream auth token. */
        authTimeoutMs: z.number().int().min(100),
        /** Open TCP connections at most; default: 90 % of the file-descriptor limit, less 512. */
        maxConnections: z.number().int().min(16),
        /** Idle connections (no request yet) at once; beyond it the oldest is closed. */
        maxIdleConnections: z.number().int().min(16),
        /** Idle connections (no request yet) one address may hold. */
        maxIdleConnectionsPerIp: z.number().int().min(1),
        /** HTTP request bodies being read at once; past it the connection is cut off. */
        maxRequestsInFlight: z.number().int().min(1),
        /** HTTP request bodies one client address may have being read at once. */
        maxRequestsInFlightPerIp: z.number().int().min(1),
        /** Time a Telnyx webhook or TeXML request has to send its body once its headers are in. */
        webhookBodyTimeoutMs: z.number().int().min(100),
        /** Time a client has to send a request's headers (and an idle connection to start one). */
        httpHeadersTimeoutMs: z.number().int().min(100),
        /** Time a client has to send a whole request. */
        httpRequestTimeoutMs: z.number().int().min(100),
      })
      .partial()
      .strict(),
    organizations: z.record(z.string().regex(NAME, 'organization names are letters, digits, - and _'), organizationSchema),
    /** Serve the embedded org `default` (agents echo and menu) beside the file's organizations; by default only when the file defines none. */
    includeDefaultOrg: z.boolean(),
    /** How Telnyx reaches this engine, e.g. `https://callwire.example.com`: stream URLs sent to Telnyx are built from it. */
    publicUrl: z.url({ protocol: /^https?$/, error: 'publicUrl must be an http:// or https:// URL' }),
    /** Reverse proxies (IP addresses or CIDR blocks) whose X-Forwarded-Host, -Proto and -For the engine believes. */
    trustedProxies: z.array(checkedEntry(trustedProxyProblem)),
    /** Host names (optional `:port`, `*.domain` wildcards) stream URLs may be built from when publicUrl is not set. */
    allowedHosts: z.array(checkedEntry(allowedHostProblem)),
    /** Bearer keys accepted by the engine's own HTTP API (`POST /v1/calls`). */
    apiKeys: z.array(secret('each of apiKeys')),
    /** Signed call events (`call.started`, `call.ended`, `recording.saved`…) POSTed to the user's app. */
    events: eventsSchema,
    /** Shared call state in Redis (call directory, node registry) for engines on several machines; off when unset. */
    redis: redisSchema,
    /** The browser softphone at `/try`: on by default only when the engine listens on a loopback address. */
    try: z.object({ enabled: z.boolean() }).partial().strict(),
    telnyx: z
      .object({
        /** Telnyx API key for Call Control (prefer the TELNYX_API_KEY environment variable). */
        apiKey: z.string().min(1),
        /** Telnyx API base URL; the default is https://api.telnyx.com/v2. */
        baseUrl: z.url({ protocol: /^https?$/, error: 'telnyx.baseUrl must be an http:// or https:// URL' }),
        /** The account's webhook public key: base64 of 32 bytes (Mission Control → Keys & Credentials). */
        publicKey: z.string().min(1),
        /** Default Call Control connection (application) id for dial-out. */
        connectionId: z.string().min(1),
      })
      .partial()
      .strict(),
  })
  .partial()
  .strict();

/** Configuration as a user writes it (JSON, or `defineConfig()` in TypeScript). */
export type ConfigFile = z.input<typeof configFileSchema>;

/** One agent as a user writes it. */
export type AgentConfig = z.infer<typeof agentConfigSchema>;
