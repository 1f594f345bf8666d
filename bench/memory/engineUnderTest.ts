/**
 * The engine `bench:memory` measures, loaded from source (through tsx, as the load bench runs it) or
 * from the build in `dist/` (as `callwire serve` runs it). The two differ in memory: tsx compiles
 * with esbuild's `keepNames`, which gives every function its own property dictionary.
 */
import { existsSync } from 'node:fs';
import type * as EchoModule from '../../bots/echo.js';
import type * as SpeexModuleFile from '../../codecs/resample/speexModule.js';
import type * as AgentModule from '../../engine/agent.js';
import type * as CatalogModule from '../../engine/agentCatalog.js';
import type * as ClockModule from '../../engine/clock.js';
import type * as LoggerModule from '../../engine/logger.js';
import type * as ServerModule from '../../engine/server.js';

/** A running echo engine and what the bench reads from it. */
export interface EngineUnderTest {
  /** The media WebSocket URL of the echo agent. */
  readonly url: string;
  /** Bytes of the shared Speex resampler's wasm memory, which no Node memory figure includes. */
  wasmBytes(): number;
  close(): Promise<void>;
}

/** Starts the engine on 127.0.0.1 with the shipped echo bot, from source or from `dist/`. */
export async function startEngineUnderTest(fromBuild: boolean): Promise<EngineUnderTest> {
  const root = new URL(fromBuild ? '../../dist/' : '../../', import.meta.url);
  if (fromBuild && !existsSync(new URL('engine/server.js', root))) throw new Error('no build in dist/: run `npm run build` first');
  const load = <T>(path: string): Promise<T> => import(new URL(path, root).href) as Promise<T>;
  const [{ echoBot }, { speexModule }, { buildAgent }, { AgentCatalog }, { systemClock }, { silentLogger }, { startServer }] = await Promise.all([
    load<typeof EchoModule>('bots/echo.js'),
    load<typeof SpeexModuleFile>('codecs/resample/speexModule.js'),
    load<typeof AgentModule>('engine/agent.js'),
    load<typeof CatalogModule>('engine/agentCatalog.js'),
    load<typeof ClockModule>('engine/clock.js'),
    load<typeof LoggerModule>('engine/logger.js'),
    load<typeof ServerModule>('engine/server.js'),
  ]);
  // The bench's settings (bench/telnyx/benchEngine.ts): admission on event-loop delay lifted.
  const server = await startServer(
    { host: '127.0.0.1', port: 0, maxMessageBytes: 64 * 1024, limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 }, admission: { maxEventLoopDelayMs: 60_000 } },
    { catalog: new AgentCatalog([buildAgent('bench', 'echo', echoBot, 'echo')]), clock: systemClock, log: silentLogger() },
  );
  return {
    url: `ws://127.0.0.1:${server.port}/ws/telnyx?serviceHost=echo.bench`,
    wasmBytes: () => speexModule.HEAP8.byteLength,
    close: () => server.close(),
  };
}
