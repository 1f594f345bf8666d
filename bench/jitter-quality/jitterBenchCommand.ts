/** `callwire bench --jitter`: jitter-buffer quality on simulated time. */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { impairmentProfiles, isImpairmentProfileName, profileByName } from '../impair/index.js';
import { fixturePaths, loadCallMedia, syntheticMedia, type CallMedia } from './callMedia.js';
import { jitterHtml } from './jitterHtml.js';
import { jitterMarkdown } from './jitterMarkdown.js';
import { machineInfo, profileReport, type JitterBenchReport } from './jitterReport.js';
import { runJitterQuality } from './runJitterQuality.js';
import { JITTER_BENCH_USAGE } from './usage.js';

export { JITTER_BENCH_USAGE };

/** Usage of `callwire bench --jitter`. */

/** Runs `callwire bench --jitter`; resolves to the exit code (0 done, 1 bad input files, 2 usage). */
export async function runJitterBench(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      strict: true,
      options: {
        jitter: { type: 'boolean', default: true },
        profile: { type: 'string' },
        seed: { type: 'string', default: '1' },
        calls: { type: 'string', default: '20' },
        duration: { type: 'string', default: '60' },
        'max-delay': { type: 'string' },
        fixtures: { type: 'string' },
        synthetic: { type: 'boolean', default: false },
        out: { type: 'string' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    return usageError(error instanceof Error ? error.message : String(error));
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(`Usage:\n${JITTER_BENCH_USAGE}\n`);
    return 0;
  }
  const names = values.profile === undefined ? Object.keys(impairmentProfiles) : values.profile.split(',').map((name) => name.trim());
  const unknown = names.filter((name) => !isImpairmentProfileName(name));
  if (unknown.length > 0) return usageError(`unknown profile ${unknown.join(', ')}; known: ${Object.keys(impairmentProfiles).join(', ')}`);
  const seed = Number(values.seed);
  const calls = Number(values.calls);
  const durationS = Number(values.duration);
  if (!Number.isSafeInteger(seed)) return usageError(`--seed must be an integer, got "${values.seed}"`);
  if (!Number.isSafeInteger(calls) || calls < 1) return usageError(`--calls must be an integer ≥ 1, got "${values.calls}"`);
  if (!(durationS >= 0.02) || !Number.isFinite(durationS)) return usageError(`--duration must be a number of seconds ≥ 0.02, got "${values.duration}"`);
  const maxDelayMs = values['max-delay'] === undefined ? undefined : Number(values['max-delay']);
  if (maxDelayMs !== undefined && !(maxDelayMs >= 20)) return usageError(`--max-delay must be a number of ms ≥ 20, got "${values['max-delay']}"`);
  if (values.synthetic && values.fixtures !== undefined) return usageError('give --fixtures or --synthetic, not both');

  let media: CallMedia[];
  try {
    media = values.synthetic
      ? [syntheticMedia()]
      : await Promise.all((values.fixtures?.split(',') ?? (await fixturePaths())).map((path) => loadCallMedia(path.trim())));
  } catch (error) {
    process.stderr.write(`callwire bench --jitter: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  if (media.length === 0) {
    process.stderr.write('callwire bench --jitter: no fixtures found (run from the repository root, or give --fixtures or --synthetic)\n');
    return 1;
  }

  const started = performance.now();
  const progress = process.stderr.isTTY ? progressLine : undefined;
  const results = runJitterQuality({
    profiles: names.map(profileByName),
    seed,
    calls,
    durationMs: durationS * 1000,
    media,
    ...(maxDelayMs === undefined ? {} : { playout: { maxTargetMs: maxDelayMs } }),
    ...(progress === undefined ? {} : { onProgress: progress }),
  });
  if (progress !== undefined) process.stderr.write('\n');
  const report: JitterBenchReport = {
    command: ['callwire bench --jitter', ...argv.filter((arg) => arg !== '--jitter')].join(' '),
    machine: machineInfo(),
    seed,
    callsPerProfile: calls,
    durationMs: durationS * 1000,
    media: media.map((item) => `${item.name} (${item.format.encoding} ${item.format.sampleRate} Hz)`),
    callwireSettings: maxDelayMs === undefined ? 'defaults' : `maxTargetMs ${maxDelayMs}`,
    elapsedMs: performance.now() - started,
    profiles: results.map(profileReport),
  };
  if (values.out !== undefined) {
    await mkdir(values.out, { recursive: true });
    await writeFile(join(values.out, 'report.html'), jitterHtml(report));
    await writeFile(join(values.out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
  }
  process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : jitterMarkdown(report));
  return 0;
}

function progressLine(done: number, total: number): void {
  const width = 30;
  const filled = Math.round((done / total) * width);
  process.stderr.write(`\r[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} calls`);
}

function usageError(message: string): number {
  process.stderr.write(`callwire bench --jitter: ${message}\n\nUsage:\n${JITTER_BENCH_USAGE}\n`);
  return 2;
}
