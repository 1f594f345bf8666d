import { z } from 'zod';
import type { BotLogic } from '../bots/api.js';

const NAME = /^[a-z0-9][a-z0-9_-]*$/i;

/** True for objects that look like XState actor logic (what a bot module exports). */
export function isActorLogic(value: unknown): value is BotLogic {
  return typeof value === 'object' && value !== null && typeof (value as { transition?: unknown }).transition === 'function';
}

const botReference = z.union([
  z.string().min(1),
  z.custom<BotLogic>(isActorLogic, { message: 'bot must be a shipped bot name, a module path, or bot logic from defineBot()' }),
]);

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
    outboundEncoding: z.enum(['PCMU', 'PCMA', 'L16', 'OPUS', 'inbound']),
    outboundSampleRate: rate,
    botSampleRate: rate,
    l16ByteOrder: z.enum(['big', 'little']),
    jitter: z
      .object({ minDelayMs: z.number().int().min(0).max(1000), maxDelayMs: z.number().int().min(20).max(2000) })
      .partial()
      .strict()
      .refine((jitter) => (jitter.minDelayMs ?? 20) <= (jitter.maxDelayMs ?? 200), 'jitter.minDelayMs must not exceed maxDelayMs'),
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

/** One agent as written in configuration. */
export const agentConfigSchema = z
  .object({
    bot: botReference,
    options: z.record(z.string(), z.unknown()).optional(),
    timeouts: timeoutsSchema.optional(),
    media: mediaSchema.optional(),
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
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
    limits: z
      .object({
        maxMessageBytes: z.number().int().min(1024),
        maxPayloadBytes: z.number().int().min(160),
        maxQueuedAudioMs: z.number().int().min(1000),
      })
      .partial()
      .strict(),
    organizations: z.record(z.string().regex(NAME, 'organization names are letters, digits, - and _'), organizationSchema),
  })
  .partial()
  .strict();

/** Configuration as a user writes it (JSON, or `defineConfig()` in TypeScript). */
export type ConfigFile = z.input<typeof configFileSchema>;

/** One agent as a user writes it. */
export type AgentConfig = z.infer<typeof agentConfigSchema>;
