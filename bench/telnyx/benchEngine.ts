import type { AgentDefinition } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { startServer, type RunningServer } from '../../engine/server.js';

/**
 * Starts the real engine on 127.0.0.1 with `agents` (org `bench`) for a measurement from Telnyx's
 * side; event-loop admission is lifted, so a busy machine does not refuse the bench's own calls.
 */
export async function startBenchEngine(agents: readonly AgentDefinition[]): Promise<RunningServer & { url: (agent: string) => string }> {
  const server = await startServer(
    { host: '127.0.0.1', port: 0, maxMessageBytes: 64 * 1024, limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 }, admission: { maxEventLoopDelayMs: 60_000 } },
    { catalog: new AgentCatalog([...agents]), clock: systemClock, log: silentLogger() },
  );
  return Object.assign(server, { url: (agent: string) => `ws://127.0.0.1:${server.port}/ws/telnyx?serviceHost=${agent}.bench` });
}
