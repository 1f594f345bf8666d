import type { AgentDefinition } from '../../engine/agent.js';
import { startTelnyxEngine, type TelnyxEngineOptions, type TelnyxTestBed } from './telnyxEngine.js';

/** Two engines sharing one Redis and one simulated Telnyx account, as behind a load balancer. */
export interface NodePair {
  /** Receives every webhook and answers or places the calls; the stream URLs it builds name node B. */
  readonly nodeA: TelnyxTestBed;
  /** Runs the streams. */
  readonly nodeB: TelnyxTestBed;
}

/** Starts node B, then node A on B's simulator with `nodeAOptions` added; webhooks go to node A. */
export async function startNodePair(agents: () => AgentDefinition[], redisUrl: string, nodeAOptions: TelnyxEngineOptions = {}): Promise<NodePair> {
  const nodeB = await startTelnyxEngine(agents(), { redis: { url: redisUrl, nodeId: 'node-b', ttlMs: 5_000 } });
  const nodeA = await startTelnyxEngine(agents(), {
    ...nodeAOptions,
    simulator: nodeB.sim,
    publicUrl: `http://127.0.0.1:${nodeB.engine.port}`,
    redis: { url: redisUrl, nodeId: 'node-a', ttlMs: 5_000 },
  });
  nodeB.sim.setWebhookUrl(`${nodeA.baseUrl}/webhooks/telnyx`);
  return { nodeA, nodeB };
}
