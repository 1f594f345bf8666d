import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defineBot } from '../../bots/defineBot.js';
import { UpstreamBridge } from '../../bots/upstream/upstreamBridge.js';
import { connectUpstream } from '../../bots/upstream/upstreamBot.js';
import { parseUpstreamOptions, type UpstreamOptions, type UpstreamProtocolName } from '../../bots/upstream/upstreamOptions.js';
import { buildAgent } from '../../engine/agent.js';
import { AgentCatalog } from '../../engine/agentCatalog.js';
import { systemClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { startServer } from '../../engine/server.js';
import { spread, type Spread } from '../support/figures.js';
import { CallerVoice } from '../ai/callerVoice.js';
import { MediaStreamBotServer } from '../fakes/mediaStreamBots.js';
import { benchEngineLimits, engineDescription, freePort, pinThisProcess, planCores, spawnEngine, waitForStats } from '../load/processes.js';
import { cpuDuring } from '../load/serverStats.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { TelnyxMediaClient } from '../telnyx/mediaClient.js';
import { waitUntil } from '../support/waitUntil.js';
import { frameMarker, LatencyBotServer } from './latencyBotServer.js';

/** Options of {@link runUpstreamBench}. */
export interface UpstreamBenchOptions {
  readonly protocol: UpstreamProtocolName;
  /** Concurrent calls in each phase. */
  readonly calls: number;
  /** Length of the latency phase's calls. */
  readonly latencySeconds: number;
  /** Length of each CPU phase (idle, echo, forwarded). */
  readonly cpuSeconds: number;
  readonly progress?: (line: string) => void;
}


/** What `callwire bench --upstream` measured. */
export interface UpstreamBenchReport {
  readonly protocol: UpstreamProtocolName;
  readonly engine: string;
  readonly pinning: string;
  readonly calls: number;
  /** A caller frame leaving the jitter buffer → that frame's `media` at the bot server. */
  readonly callerToBotMs: Spread;
  /** The bot server sending a 20 ms frame (in real time) → that frame at Telnyx, pacing included. */
  readonly botToCallerMs: Spread;
  /** Engine CPU each call adds per second of call (idle taken off), in ms, echo and forwarded calls in the same run. */
  readonly cpuMsPerCallSecond: { readonly echo: number; readonly forwarded: number };
  /** Forwarded calls one core could carry at that cost (an estimate). */
  readonly estimatedForwardedCallsPerCore: number;
}

/** Frames at the start of each call left out of the latency figures: the connection may still be opening. */
const WARM_UP_FRAMES = 10;


/** A caller that talks (a tone every 20 ms) from the moment it dials. */
async function dial(url: string): Promise<{ client: TelnyxMediaClient; voice: CallerVoice }> {
  const client = await TelnyxMediaClient.connect(url);
  const voice = new CallerVoice(client);
  client.begin();
  voice.speaking = true;
  voice.start();
  return { client, voice };
}

async function hangUp(caller: { client: TelnyxMediaClient; voice: CallerVoice }): Promise<void> {
  caller.voice.stop();
  if (caller.client.open) caller.client.sendStop();
  await caller.client.closed;
}

/**
 * The latency phase, in one process: the engine, a bot server that speaks in real time, and the
 * callers. The agent runs the shipped bridge with one addition, a timestamp where each caller frame
 * leaves the jitter buffer, so the figures are what forwarding adds beyond the buffer's own delay.
 */
async function measureLatency(options: UpstreamBenchOptions): Promise<{ callerToBot: number[]; botToCaller: number[] }> {
  const frames = Math.round(options.latencySeconds * 50);
  const bots = await LatencyBotServer.start(options.protocol, frames);
  /** Per stream id: when each caller frame was handed to the bridge, in order. */
  const heardAt = new Map<string, number[]>();
  const timedUpstream = defineBot<UpstreamOptions>({
    name: 'upstream',
    parseOptions: parseUpstreamOptions,
    create: (context) => {
      const times: number[] = [];
      heardAt.set(context.call.streamId, times);
      const bridge = new UpstreamBridge(context, connectUpstream(context.options));
      bridge.start();
      return {
        audio: (frame) => {
          times.push(performance.now());
          bridge.hear(frame.samples, frame.sampleCount);
        },
        mark: (name) => bridge.heardMark(name),
        stop: (reason) => bridge.end(reason),
      };
    },
  });
  const agent = buildAgent('bench', 'fwd', timedUpstream, 'upstream', { options: { url: bots.url, protocol: options.protocol } });
  const engine = await startServer(
    { host: '127.0.0.1', port: 0, maxMessageBytes: 64 * 1024, limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000 }, admission: benchEngineLimits(options.calls) },
    { catalog: new AgentCatalog([agent]), clock: systemClock, log: silentLogger() },
  );
  try {
    const url = `ws://127.0.0.1:${engine.port}/ws/telnyx?serviceHost=fwd.bench`;
    const callers = await Promise.all(Array.from({ length: options.calls }, () => dial(url)));
    await waitUntil(() => bots.calls.length === options.calls && bots.calls.every((call) => call.botFrameSentAt.length >= frames), 'the bots to finish speaking', frames * 20 + 15_000, 5);
    await new Promise((resolve) => setTimeout(resolve, 200));
    await Promise.all(callers.map(hangUp));
    const callerToBot: number[] = [];
    const botToCaller: number[] = [];
    for (const call of bots.calls) {
      const heard = heardAt.get(call.streamId) ?? [];
      for (const [chunk, arrivedAt] of call.callerChunkArrivals) {
        const handedAt = heard[chunk - 1];
        if (chunk > WARM_UP_FRAMES && handedAt !== undefined) callerToBot.push(arrivedAt - handedAt);
      }
      const caller = callers.find((candidate) => candidate.client.call.streamId === call.streamId);
      if (caller === undefined) continue;
      const arrivals = markerArrivals(caller.client);
      call.botFrameSentAt.forEach((sentAt, index) => {
        const arrivedAt = arrivals.get(index);
        if (index >= WARM_UP_FRAMES && arrivedAt !== undefined) botToCaller.push(arrivedAt - sentAt);
      });
    }
    return { callerToBot, botToCaller };
  } finally {
    await engine.close();
    await bots.close();
  }
}

/** When the first byte of each of the bot's marked frames reached the simulated Telnyx, by frame index. */
function markerArrivals(client: TelnyxMediaClient): Map<number, number> {
  const arrivals = new Map<number, number>();
  for (const media of client.media) {
    const payload = media.payload;
    for (let i = 0; i + 2 < payload.length; i++) {
      const first = payload[i]!;
      const second = payload[i + 1]!;
      if (first < 0x10 || first >= 0x70 || second < 0x10 || second >= 0x70 || payload[i + 2] !== 0x55) continue;
      const low = second - 0x10;
      // The high marker byte wraps every 96 × 96 frames; bench calls are far shorter.
      const index = (first - 0x10) * 96 + low;
      const [expectedFirst, expectedSecond] = frameMarker(index);
      if (expectedFirst === first && expectedSecond === second && !arrivals.has(index)) arrivals.set(index, media.at);
    }
  }
  return arrivals;
}

/**
 * The CPU phase: `callwire serve` on its own core with an echo agent and a forwarded agent (an echo
 * bot server in this process), idle first, then `calls` echo calls, then `calls` forwarded calls.
 */
async function measureCpu(options: UpstreamBenchOptions): Promise<{ echo: number; forwarded: number; pinning: string }> {
  const progress = options.progress ?? (() => undefined);
  const bots = await MediaStreamBotServer.start({ protocol: options.protocol, behaviour: { kind: 'echo' } });
  const folder = await mkdtemp(join(tmpdir(), 'callwire-upstream-bench-'));
  const configPath = join(folder, 'callwire.config.json');
  await writeFile(
    configPath,
    JSON.stringify({
      limits: benchEngineLimits(options.calls * 2),
      organizations: { bench: { agents: { echo: { bot: 'echo' }, fwd: { bot: 'upstream', options: { url: bots.url, protocol: options.protocol } } } } },
    }),
  );
  const cores = planCores();
  const port = await freePort();
  const engine = spawnEngine(port, cores.server, configPath);
  const unpin = pinThisProcess(cores.generator);
  const statsUrl = `http://127.0.0.1:${port}/stats`;
  try {
    await waitForStats(statsUrl, engine);
    progress(`CPU: idle for ${options.cpuSeconds} s`);
    const idleMsPerSecond = (await cpuDuring(statsUrl, () => sleep(options.cpuSeconds * 1000))).msPerSecond;
    const perCallSecond = async (agent: string): Promise<number> => {
      progress(`CPU: ${options.calls} ${agent} calls for ${options.cpuSeconds} s`);
      const callers = await Promise.all(Array.from({ length: options.calls }, () => dial(`ws://127.0.0.1:${port}/ws/telnyx?serviceHost=${agent}.bench`)));
      // Measure once every call is up and, for forwarded calls, its echo is flowing.
      await waitUntil(() => callers.every((caller) => caller.client.media.length > 0), `${agent} calls to answer`, 15_000, 5);
      const { msPerSecond } = await cpuDuring(statsUrl, () => sleep(options.cpuSeconds * 1000));
      await Promise.all(callers.map(hangUp));
      return Math.max(0, msPerSecond - idleMsPerSecond) / options.calls;
    };
    const echo = await perCallSecond('echo');
    const forwarded = await perCallSecond('fwd');
    const pinning = cores.server === null ? (cores.note ?? 'not pinned') : `engine on core ${cores.server}; callers and the bot server in the bench process, on core ${cores.generator}`;
    return { echo, forwarded, pinning };
  } finally {
    unpin();
    await engine.stop();
    await bots.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** Measures what forwarding calls to a bot server adds: latency each way, and CPU against echo calls. */
export async function runUpstreamBench(options: UpstreamBenchOptions): Promise<UpstreamBenchReport> {
  const progress = options.progress ?? (() => undefined);
  progress(`latency: ${options.calls} forwarded calls for ${options.latencySeconds} s (${options.protocol} protocol)`);
  const latency = await measureLatency(options);
  const cpu = await measureCpu(options);
  return {
    protocol: options.protocol,
    engine: engineDescription(),
    pinning: cpu.pinning,
    calls: options.calls,
    callerToBotMs: spread(latency.callerToBot),
    botToCallerMs: spread(latency.botToCaller),
    cpuMsPerCallSecond: { echo: cpu.echo, forwarded: cpu.forwarded },
    estimatedForwardedCallsPerCore: Math.floor(1000 / cpu.forwarded),
  };
}

/** The report as Markdown. */
export function upstreamBenchMarkdown(report: UpstreamBenchReport): string {
  const row = (name: string, figure: Spread) => `| ${name} | ${figure.p50.toFixed(1)} | ${figure.p95.toFixed(1)} | ${figure.max.toFixed(1)} | ${figure.samples} | ≤ 20 |`;
  return [
    `Upstream bench: ${report.calls} concurrent calls forwarded to a local bot server (${report.protocol} protocol)`,
    `Engine: ${report.engine}; ${report.pinning}.`,
    '',
    '| added latency (ms) | p50 | p95 | max | frames | goal (p95) |',
    '| --- | ---: | ---: | ---: | ---: | ---: |',
    row('caller frame out of the jitter buffer → at the bot server', report.callerToBotMs),
    row('bot server sends a frame (real time) → at Telnyx, pacing included', report.botToCallerMs),
    '',
    `Engine CPU per call-second: echo ${report.cpuMsPerCallSecond.echo.toFixed(2)} ms, forwarded ${report.cpuMsPerCallSecond.forwarded.toFixed(2)} ms (${(report.cpuMsPerCallSecond.forwarded / report.cpuMsPerCallSecond.echo).toFixed(2)}× echo); at that cost one core would carry about ${report.estimatedForwardedCallsPerCore} forwarded calls (estimate).`,
    '',
  ].join('\n');
}
