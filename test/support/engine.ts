import { buildAgent, type AgentDefinition, type AgentSettings } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { silentLogger, type Logger } from '../../engine/logger.js';
import type { AdmissionLimits } from '../../engine/admission.js';
import type { CallLimits } from '../../engine/session/callLimits.js';
import { startServer, type RunningServer, type ServerOptions } from '../../engine/server.js';
import { SHIPPED_BOTS } from '../../engine/shippedBots.js';
import type { BotLogic } from '../../bots/api.js';

/** A test agent: org `test`, the given bot. */
export function testAgent(name: string, bot: BotLogic, settings: AgentSettings = {}): AgentDefinition {
  return buildAgent('test', name, bot, name, settings);
}

/** Starts the real engine on 127.0.0.1 with the shipped agents plus `agents`. */
export async function startTestEngine(
  agents: AgentDefinition[] = [],
  options: { captureDir?: string; admission?: Partial<AdmissionLimits>; limits?: Partial<CallLimits>; log?: Logger; server?: Partial<ServerOptions> } = {},
): Promise<RunningServer & { url: (serviceHost: string) => string }> {
  const shipped = [...SHIPPED_BOTS].map(([name, bot]) => buildAgent('default', name, bot, name));
  const server = await startServer(
    { host: '127.0.0.1', port: 0, maxMessageBytes: 64 * 1024, limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000, ...options.limits },
      captureDir: options.captureDir,
      // Tests open many connections from 127.0.0.1 at once on a busy machine; admission limits are tested on their own.
      admission: { connectionsPerSecondPerIp: 1_000_000, maxEventLoopDelayMs: 60_000, ...options.admission },
      ...options.server,
    },
    { catalog: new AgentCatalog([...shipped, ...agents]), clock: systemClock, log: options.log ?? silentLogger() },
  );
  return Object.assign(server, {
    url: (serviceHost: string) => `ws://127.0.0.1:${server.port}/ws/telnyx?serviceHost=${encodeURIComponent(serviceHost)}`,
  });
}

/** Count of live Node timers, to check that a finished call leaves none behind. */
export function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;
}
