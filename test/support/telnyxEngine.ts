import { Writable } from 'node:stream';
import { TelnyxSimulator } from '../../bench/telnyx/simulator/index.js';
import { buildAgent, type AgentDefinition } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { createLogger } from '../../engine/logger.js';
import { startServer, type RunningServer, type ServerOptions } from '../../engine/server.js';
import { SHIPPED_BOTS } from '../../engine/shippedBots.js';
import type { RedisSettings } from '../../engine/redis/redisSettings.js';

/** Log lines the engine wrote, parsed, for assertions on what operators would see. */
export class LogLines {
  readonly lines: Record<string, unknown>[] = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      for (const line of chunk.toString('utf8').split('\n')) if (line !== '') this.lines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });

  /** Lines whose `msg` contains `text`. */
  withMessage(text: string): Record<string, unknown>[] {
    return this.lines.filter((line) => String(line['msg']).includes(text));
  }
}

/** Options of {@link startTelnyxEngine}. */
export interface TelnyxEngineOptions {
  /** Give the engine the simulator's API key (default true); false: Call Control is off. */
  readonly callControl?: boolean;
  readonly apiKeys?: readonly string[];
  readonly connectionId?: string;
  /** The engine's `publicUrl`; none by default. */
  readonly publicUrl?: string;
  /** The engine's `allowedHosts`; none by default (then stream URLs need publicUrl or a trusted proxy). */
  readonly allowedHosts?: readonly string[];
  /** The engine's `trustedProxies`; none by default. */
  readonly trustedProxies?: readonly string[];
  /** Shared call state in this Redis; none by default. */
  readonly redis?: RedisSettings;
  /** Another test bed's simulator, for a second engine on the same Telnyx account; its webhooks keep going where they went. */
  readonly simulator?: TelnyxSimulator;
}

/** The real engine on 127.0.0.1 with the shipped agents plus `agents`, wired to a Telnyx simulator. */
export interface TelnyxTestBed {
  readonly engine: RunningServer;
  readonly sim: TelnyxSimulator;
  readonly logs: LogLines;
  readonly baseUrl: string;
  /** `ws://127.0.0.1:PORT/ws/telnyx?serviceHost=…` (plus `query`). */
  streamUrl(serviceHost: string, query?: Record<string, string>): string;
  close(): Promise<void>;
}

/** Starts a simulator and the engine pointed at it (SDK base URL, API key, webhook public key). */
export async function startTelnyxEngine(agents: AgentDefinition[], options: TelnyxEngineOptions = {}): Promise<TelnyxTestBed> {
  const sim = options.simulator ?? (await TelnyxSimulator.start({ webhookDelayMs: 5 }));
  const logs = new LogLines();
  const shipped = [...SHIPPED_BOTS].map(([name, bot]) => buildAgent('default', name, bot, name));
  const serverOptions: ServerOptions = {
    host: '127.0.0.1',
    port: 0,
    maxMessageBytes: 64 * 1024,
    limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 },
    // A busy test machine's event loop must not make the engine refuse the calls under test as
    // "overload"; admission limits are tested on their own.
    admission: { connectionsPerSecondPerIp: 1_000_000, maxEventLoopDelayMs: 60_000 },
    apiKeys: options.apiKeys ?? [],
    publicUrl: options.publicUrl,
    allowedHosts: options.allowedHosts,
    trustedProxies: options.trustedProxies,
    redis: options.redis,
    telnyx: {
      apiKey: options.callControl === false ? undefined : sim.apiKey,
      baseUrl: sim.baseUrl,
      publicKey: sim.publicKeyBase64,
      connectionId: options.connectionId,
    },
  };
  const engine = await startServer(serverOptions, {
    catalog: new AgentCatalog([...shipped, ...agents]),
    clock: systemClock,
    log: createLogger('debug', logs.stream),
  });
  const baseUrl = `http://127.0.0.1:${engine.port}`;
  if (options.simulator === undefined) sim.setWebhookUrl(`${baseUrl}/webhooks/telnyx`);
  return {
    engine,
    sim,
    logs,
    baseUrl,
    streamUrl: (serviceHost, query = {}) => `ws://127.0.0.1:${engine.port}/ws/telnyx?${new URLSearchParams({ serviceHost, ...query }).toString()}`,
    close: async () => {
      if (options.simulator === undefined) await sim.close();
      await engine.close();
    },
  };
}
