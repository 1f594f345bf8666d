/**
 * For the attack library's own tests: the real engine in this process on 127.0.0.1, with the
 * shipped agents, an agent that requires a stream auth token (`guarded.default`), and a webhook
 * public key whose private key the test holds. Admission limits are lifted (a busy test machine
 * must not refuse the attacks whose mechanics are under test).
 */
import { buildAgent } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { startServer, type RunningServer } from '../../engine/server.js';
import { SHIPPED_BOTS } from '../../engine/shippedBots.js';
import { echoBot } from '../../bots/echo.js';
import { generateWebhookKeys, type WebhookKeys } from './webhookKeys.js';

/** The guarded agent's token. */
export const TEST_STREAM_TOKEN = 'abuse-test-token-0123456789';

/** A running test engine. */
export interface AbuseTestEngine {
  readonly port: number;
  readonly server: RunningServer;
  /** The key pair whose public half the engine verifies webhooks with. */
  readonly keys: WebhookKeys;
  close(): Promise<void>;
}

/** Starts the engine; `guardedStartMs` is how long a `guarded.default` stream may take to start. */
export async function startAbuseTestEngine(options: { guardedStartMs?: number } = {}): Promise<AbuseTestEngine> {
  const keys = generateWebhookKeys();
  const shipped = [...SHIPPED_BOTS].map(([name, bot]) => buildAgent('default', name, bot, name));
  const guarded = buildAgent('default', 'guarded', echoBot, 'echo', { streamAuthToken: TEST_STREAM_TOKEN, timeouts: { startMs: options.guardedStartMs } });
  const server = await startServer(
    {
      host: '127.0.0.1',
      port: 0,
      maxMessageBytes: 64 * 1024,
      limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 },
      admission: { connectionsPerSecondPerIp: 1_000_000, maxEventLoopDelayMs: 60_000 },
      telnyx: { publicKey: keys.publicKeyBase64 },
    },
    { catalog: new AgentCatalog([...shipped, guarded]), clock: systemClock, log: silentLogger() },
  );
  return { port: server.port, server, keys, close: () => server.close() };
}

/** Messages the engine has read on its live streams. */
export function messagesReadByEngine(server: RunningServer): number {
  let total = 0;
  for (const session of server.calls.values()) total += session.stats.messagesIn;
  return total;
}
