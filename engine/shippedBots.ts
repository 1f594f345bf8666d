import type { BotLogic } from '../bots/api.js';
import { echoBot } from '../bots/echo.js';
import { menuBot } from '../bots/menu.js';
import { geminiLiveBot } from '../bots/ai/geminiLiveBot.js';
import { openaiRealtimeBot } from '../bots/ai/openaiRealtimeBot.js';
import { upstreamBot } from '../bots/upstream/upstreamBot.js';
import type { ConfigFile } from './configSchema.js';

/** Bots that ship with callwire, by the name configuration uses for them. */
export const SHIPPED_BOTS: ReadonlyMap<string, BotLogic> = new Map([
  ['echo', echoBot],
  ['menu', menuBot],
  ['openai-realtime', openaiRealtimeBot],
  ['gemini-live', geminiLiveBot],
  ['upstream', upstreamBot],
]);

/** What runs with no configuration at all: org `default` with the shipped agents. */
export const EMBEDDED_CONFIG = {
  host: '0.0.0.0',
  port: 8080,
  logLevel: 'info',
  limits: {
    // The largest frame Telnyx sends is a `start` with custom parameters or a 60 ms wideband media
    // frame (8 KiB of payload is 11 KB of JSON); nothing it sends comes near 16 KiB.
    maxMessageBytes: 16 * 1024,
    maxPayloadBytes: 8 * 1024,
    maxQueuedAudioMs: 120_000,
    maxCalls: 1000,
    maxEventLoopDelayMs: 20,
    connectionsPerSecondPerIp: 20,
    // Carriers open every call from a few addresses: the stream auth token gates them, not a rate.
    streamsPerSecondPerIp: 0,
    maxInboundMessagesPerSecond: 200,
    drainTimeoutMs: 30_000,
    maxRejectedFramesPer10s: 100,
    maxPendingStreams: 500,
    maxUnauthenticatedStreams: 100,
    authTimeoutMs: 3000,
    maxIdleConnections: 2048,
    maxIdleConnectionsPerIp: 256,
    // Bodies being read before they could be verified: each holds about 8 KB of heap for as long as
    // its sender takes. Tighter bounds turned the abuse bench's slow webhooks into a reconnection
    // flood that cost a concurrent call more audio than holding them (bench/RESULTS.md), so these
    // are memory bounds, set high; a proxy in front should limit clients.
    maxRequestsInFlight: 8192,
    maxRequestsInFlightPerIp: 8192,
    webhookBodyTimeoutMs: 10_000,
    httpHeadersTimeoutMs: 5000,
    httpRequestTimeoutMs: 30_000,
  },
  organizations: {
    default: {
      agents: {
        echo: { bot: 'echo' },
        menu: { bot: 'menu' },
      },
    },
  },
} as const satisfies ConfigFile;
