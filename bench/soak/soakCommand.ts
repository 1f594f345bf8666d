import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { TelnyxMediaClient } from '../telnyx/mediaClient.js';
import { timestampFolder } from '../load/benchOptions.js';
import { freePort, planCores, spawnEngine, waitForStats, type CorePlan } from '../load/processes.js';
import { fetchStats } from '../load/serverStats.js';
import type { MachineInfo } from '../report/reportModel.js';
import { renderSoakCharts, soakHtml, soakMarkdown, type SoakReport, type SoakSample } from './soakReport.js';
import { SOAK_USAGE } from './usage.js';
import { mulawTone } from './tone.js';

export { SOAK_USAGE };

/** Parses `600`, `600s`, `10m` or `1h` into seconds. */
export function parseDuration(text: string): number {
  const match = /^(\d+(?:\.\d+)?)(s|m|h)?$/.exec(text.trim());
  if (match === null) throw new Error(`not a duration: "${text}" (e.g. 600s, 10m)`);
  const value = Number(match[1]);
  return value * (match[2] === 'h' ? 3600 : match[2] === 'm' ? 60 : 1);
}

/** Least-squares slope of y over x (units of y per unit of x); 0 for fewer than two points. */
export function slope(points: readonly (readonly [number, number])[]): number {
  if (points.length < 2) return 0;
  const n = points.length;
  let sx = 0;
  let sy = 0;
  for (const [x, y] of points) {
    sx += x;
    sy += y;
  }
  const mx = sx / n;
  const my = sy / n;
  let num = 0;
  let den = 0;
  for (const [x, y] of points) {
    num += (x - mx) * (y - my);
    den += (x - mx) * (x - mx);
  }
  return den === 0 ? 0 : num / den;
}

/** `callwire bench --soak DURATION`: resolves to the exit code (1 if the engine died or calls failed). */
export async function runSoakCommand(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv.filter((arg) => arg !== '--soak'),
    options: {
      concurrency: { type: 'string', default: '40' },
      'call-seconds': { type: 'string', default: '2' },
      'sample-seconds': { type: 'string', default: '15' },
      warmup: { type: 'string', default: '120' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    allowPositionals: true,
    strict: true,
  });
  const durationText = positionals[0];
  if (durationText === undefined) {
    process.stderr.write(`callwire bench --soak: give a duration\n\nUsage:\n${SOAK_USAGE}\n`);
    return 2;
  }
  const durationSeconds = parseDuration(durationText);
  const concurrency = Number(values.concurrency);
  const callFrames = Math.round(Number(values['call-seconds']) * 50);
  const sampleSeconds = Number(values['sample-seconds']);
  const warmupSeconds = Number(values.warmup);

  const startedAt = new Date();
  const outDir = resolve(values.out ?? `bench/results/soak-${timestampFolder(startedAt)}`);
  const loadAtStart = loadavg()[0] ?? 0;
  const cores = planCores();
  const port = await freePort();
  // All soak calls come from 127.0.0.1: lift the per-address connection rate (20/s by default) and
  // the event-loop admission limit, so the soak measures memory over many calls, not refusals.
  const configDir = await mkdtemp(join(tmpdir(), 'callwire-soak-'));
  const configPath = join(configDir, 'callwire.config.json');
  await writeFile(configPath, JSON.stringify({ limits: { connectionsPerSecondPerIp: 100_000, maxCalls: 100_000, maxEventLoopDelayMs: 10_000 }, organizations: { default: { agents: { echo: { bot: 'echo' } } } } }));
  // --expose-gc lets each sample collect garbage first (/stats?gc=1): what is left is the live heap.
  const nodeOptions = process.env['NODE_OPTIONS'];
  process.env['NODE_OPTIONS'] = `${nodeOptions ?? ''} --expose-gc`.trim();
  const engine = spawnEngine(port, cores.server, configPath);
  if (nodeOptions === undefined) delete process.env['NODE_OPTIONS'];
  else process.env['NODE_OPTIONS'] = nodeOptions;
  const statsUrl = `http://127.0.0.1:${port}/stats`;
  await waitForStats(statsUrl, engine);
  const url = `ws://127.0.0.1:${port}/ws/telnyx?serviceHost=echo.default`;
  const frames = mulawTone(callFrames);
  const soakStartedAt = performance.now();
  const deadline = soakStartedAt + durationSeconds * 1000;
  let callsDone = 0;
  let callsFailed = 0;
  const failureReasons = new Map<string, number>();

  const worker = async (): Promise<void> => {
    while (performance.now() < deadline && !engine.hasExited) {
      try {
        const client = await TelnyxMediaClient.connect(url);
        client.begin();
        await client.streamMedia(frames);
        client.sendStop();
        const closed = await client.closed;
        if (closed.reason === 'stream_stopped') callsDone++;
        else {
          callsFailed++;
          failureReasons.set(closed.reason, (failureReasons.get(closed.reason) ?? 0) + 1);
        }
      } catch (error) {
        callsFailed++;
        const reason = error instanceof Error ? error.message.slice(0, 60) : 'error';
        failureReasons.set(reason, (failureReasons.get(reason) ?? 0) + 1);
        // Back off, so a refusing engine is not hammered by a retry loop.
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  };

  const samples: SoakSample[] = [];
  const sample = async (): Promise<void> => {
    const stats = await fetchStats(`${statsUrl}?gc=1`);
    const entry: SoakSample = {
      atSeconds: Math.round((performance.now() - soakStartedAt) / 1000),
      callsEnded: stats.calls.ended ?? 0,
      activeCalls: stats.calls.active,
      heapMb: stats.memory.heapUsedBytes / 1e6,
      rssMb: stats.memory.rssBytes / 1e6,
    };
    samples.push(entry);
    if (!values.json) process.stderr.write(`soak ${entry.atSeconds}s: ${entry.callsEnded} calls ended, ${entry.activeCalls} active, heap ${entry.heapMb.toFixed(1)} MB, RSS ${entry.rssMb.toFixed(1)} MB\n`);
  };
  await sample();
  const sampler = setInterval(() => void sample().catch(() => undefined), sampleSeconds * 1000);
  await Promise.all(Array.from({ length: concurrency }, worker));
  clearInterval(sampler);
  await sample();
  const engineAlive = !engine.hasExited;
  await engine.stop();
  await rm(configDir, { recursive: true, force: true });

  const steady = samples.filter((entry) => entry.atSeconds >= warmupSeconds);
  const heapSlope = slope(steady.map((entry) => [entry.atSeconds / 60, entry.heapMb] as const));
  const rssSlope = slope(steady.map((entry) => [entry.atSeconds / 60, entry.rssMb] as const));
  // Samples are taken right after a full collection, so they are the live heap; the lowest sample
  // of each minute is its floor, and it is the floor that climbs when something leaks.
  const floors = new Map<number, number>();
  for (const entry of steady) {
    const minute = Math.floor(entry.atSeconds / 60);
    floors.set(minute, Math.min(floors.get(minute) ?? Number.POSITIVE_INFINITY, entry.heapMb));
  }
  const heapFloorSlope = slope([...floors].map(([minute, heap]) => [minute, heap] as const));
  const range = (pick: (entry: SoakSample) => number): [number, number] => [Math.min(...steady.map(pick)), Math.max(...steady.map(pick))];
  const result: SoakReport = {
    version: 1,
    command: `callwire bench ${argv.join(' ')}`.trim(),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: soakMachine(cores, loadAtStart),
    durationSeconds,
    concurrency,
    callSeconds: callFrames / 50,
    sampleSeconds,
    callsCompleted: callsDone,
    callsFailed,
    failureReasons: Object.fromEntries(failureReasons),
    engineAlive,
    warmupSeconds,
    heapMbPerMinuteAfterWarmup: heapSlope,
    heapFloorMbPerMinuteAfterWarmup: heapFloorSlope,
    rssMbPerMinuteAfterWarmup: rssSlope,
    heapMbRangeAfterWarmup: steady.length > 0 ? range((entry) => entry.heapMb) : null,
    rssMbRangeAfterWarmup: steady.length > 0 ? range((entry) => entry.rssMb) : null,
    samples,
  };
  await mkdir(outDir, { recursive: true });
  await Promise.all([
    writeFile(join(outDir, 'results.json'), `${JSON.stringify(result, null, 2)}\n`),
    writeFile(join(outDir, 'summary.md'), soakMarkdown(result)),
    writeFile(join(outDir, 'report.html'), soakHtml(result, await renderSoakCharts(result))),
  ]);
  process.stdout.write(values.json ? `${JSON.stringify(result, null, 2)}\n` : soakMarkdown(result));
  process.stderr.write(`Report: ${join(outDir, 'report.html')}\n`);
  return engineAlive && callsFailed === 0 ? 0 : 1;
}

function soakMachine(cores: CorePlan, loadAtStart: number): MachineInfo {
  return {
    nproc: availableParallelism(),
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}/${process.arch}`,
    placement: cores.server === null ? (cores.note ?? 'nothing pinned') : `engine pinned to core ${cores.server} (taskset), the calls run in this process`,
    loadAverage: { start: loadAtStart, end: loadavg()[0] ?? 0 },
  };
}
