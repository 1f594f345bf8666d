/** Command line of `callwire bench`: options, defaults, validation and the usage text. */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { isImpairmentProfileName } from '../impair/index.js';
import { parseNodeFlags } from '../support/nodeFlags.js';

/** Usage of `callwire bench`, printed by `--help` and on a usage error. */
export const BENCH_USAGE = `Usage:
  callwire bench [--calls N[,N…]] [--ramp S] [--duration S] [--profile NAME[,NAME…]] [--seed N]
                 [--fixtures A,B] [--url URL] [--find-max [--max-time S] [--max-calls N]]
                 [--workers N[,N…]] [--cpu-profile] [--engine-node-options="FLAGS"]
                 [--out DIR] [--no-baseline] [--json]

bench   Loads the engine like Telnyx would: N concurrent calls over real WebSockets on
        127.0.0.1, each streaming a recorded call (20 ms media frames, DTMF, stop) to the echo
        agent through a seeded network impairment profile. Starts the engine itself (pinned to
        core 0; the load generator runs pinned to core 1) unless --url names a running one, and
        measures a bare WebSocket echo server under the same load as a baseline.

  --calls LIST      concurrent calls (default 50); several counts (250,500,1000) run one after
                    the other, each on callwire and the bare echo. With --find-max, one count:
                    the first step (default 100)
  --ramp S          seconds over which the calls start (default 5)
  --duration S      measured seconds once all calls are up, after 2 s of settling
                    (default 30; with --find-max, per step: default 10)
  --profile LIST    impairment profiles, run one after the other (default clean):
                    clean, wifi, congested-4g, stalls, lossy, satellite
  --seed N          seed of the impairments; call i uses deriveSeed(N, i) (default 1)
  --fixtures LIST   captures to play, round robin over calls, looped if a call outlives one:
                    names in bench/fixtures or paths (default pcmu-8k-menu,pcmu-8k-bargein)
  --url URL         a running engine on this machine (ws://127.0.0.1:PORT[/ws/telnyx?serviceHost=…]);
                    its /stats must answer on the same port
  --find-max        double the calls while outbound pacing p99 ≤ 10 ms and engine event-loop
                    p99 ≤ 20 ms, then bisect; reports the largest count that held, per core
  --max-time S      time budget of --find-max (default 600)
  --max-calls N     largest call count --find-max tries (default 2000)
  --workers LIST    run the engine with serve --workers N, once per N, one after the other
                    (default 1). With N > 1 the engine is not pinned: its workers share the
                    machine's cores with the generator, so compare counts from the same run only
  --cpu-profile     profile the engine (node --cpu-prof) in each run and report, over the
                    measured window, the functions and areas with the most self time and the
                    share of garbage collection; the .cpuprofile files are kept in --out/profiles
                    (open them in Chrome DevTools). The profiler costs CPU itself (up to a
                    fifth more near saturation): profile in a run of its own
  --engine-node-options="FLAGS"
                    node flags for the engine the bench starts, space-separated, e.g.
                    --engine-node-options=--max-semi-space-size=4 (with the =, since the
                    flags start with --; not with --url)
  --out DIR         where report.html, summary.md and results.json go
                    (default bench/results/<timestamp>/)
  --no-baseline     skip the bare WebSocket echo baseline
  --json            print results.json on stdout instead of the Markdown summary

Progress goes to stderr; the summary to stdout. Only 127.0.0.1 is ever loaded; every run stops
by itself.
`;

/** Resolved options of one invocation. */
export interface BenchOptions {
  /** The first (with --find-max, the only) call count. */
  readonly calls: number;
  /** Every call count, run one after the other. */
  readonly callCounts: readonly number[];
  readonly rampSeconds: number;
  readonly durationSeconds: number;
  readonly profiles: readonly string[];
  readonly seed: number;
  /** Absolute paths of the captures. */
  readonly fixtures: readonly string[];
  readonly url: string | null;
  readonly findMax: boolean;
  readonly maxTimeSeconds: number;
  readonly maxCalls: number;
  /** Engine worker processes, one search or run per entry (`serve --workers N`). */
  readonly workers: readonly number[];
  /** Profile the engine in each run (`node --cpu-prof`). */
  readonly cpuProfile: boolean;
  /** Node flags for the engine the bench starts (`--engine-node-options`), before the script. */
  readonly engineNodeOptions: readonly string[];
  readonly outDir: string;
  readonly baseline: boolean;
  readonly json: boolean;
}

/** Outcome of parsing: options, a request for help, or a usage error. */
export type ParsedBenchArgs = { readonly kind: 'options'; readonly options: BenchOptions } | { readonly kind: 'help' } | { readonly kind: 'error'; readonly message: string };

/** Default fixtures: the PCMU calls, whose echo can be traced frame by frame. */
export const DEFAULT_FIXTURES = ['pcmu-8k-menu', 'pcmu-8k-bargein'] as const;

/** Folders a fixture name is looked up in: beside this source, or the repository's bench/fixtures from dist. */
function fixtureFolders(cwd: string): string[] {
  const here = fileURLToPath(new URL('../fixtures/', import.meta.url));
  const fromDist = fileURLToPath(new URL('../../../bench/fixtures/', import.meta.url));
  return [here, fromDist, resolve(cwd, 'bench/fixtures')];
}

/** A fixture name (`pcmu-8k-menu`) or path, as an existing absolute path, or undefined. */
export function resolveFixture(nameOrPath: string, cwd: string): string | undefined {
  const candidates: string[] = [];
  if (nameOrPath.includes('/') || nameOrPath.endsWith('.jsonl')) candidates.push(isAbsolute(nameOrPath) ? nameOrPath : resolve(cwd, nameOrPath));
  else for (const folder of fixtureFolders(cwd)) candidates.push(resolve(folder, `${nameOrPath}.capture.jsonl`));
  return candidates.find((path) => existsSync(path));
}

/** True for a host name or address on this machine's loopback. */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Folder name for a run started at `date`: `2025-06-02T15-04-05Z`. */
export function timestampFolder(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z').replace(/:/g, '-');
}

function positive(value: string | undefined, name: string, fallback: number, integer: boolean): number | string {
  if (value === undefined) return fallback;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0 || (integer && !Number.isInteger(number))) return `--${name} must be a positive ${integer ? 'integer' : 'number'}, got "${value}"`;
  return number;
}

/** Parses `argv` (the words after `bench`). */
export function parseBenchArgs(argv: readonly string[], cwd = process.cwd(), now = new Date()): ParsedBenchArgs {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      options: {
        calls: { type: 'string' },
        ramp: { type: 'string' },
        duration: { type: 'string' },
        profile: { type: 'string' },
        seed: { type: 'string' },
        fixtures: { type: 'string' },
        url: { type: 'string' },
        'find-max': { type: 'boolean', default: false },
        'max-time': { type: 'string' },
        'max-calls': { type: 'string' },
        workers: { type: 'string' },
        'cpu-profile': { type: 'boolean', default: false },
        'engine-node-options': { type: 'string' },
        out: { type: 'string' },
        'no-baseline': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (error) {
    return { kind: 'error', message: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { kind: 'help' };
  const findMax = values['find-max'];
  const countWords = values.calls === undefined ? [undefined] : values.calls.split(',').map((word) => word.trim());
  if (findMax && countWords.length > 1) return { kind: 'error', message: '--find-max takes one --calls (its first step), got a list' };
  const callCounts: number[] = [];
  for (const word of countWords) {
    const count = positive(word, 'calls', findMax ? 100 : 50, true);
    if (typeof count === 'string') return { kind: 'error', message: count };
    callCounts.push(count);
  }
  const numbers = {
    ramp: values.ramp === '0' ? 0 : positive(values.ramp, 'ramp', 5, false),
    duration: positive(values.duration, 'duration', findMax ? 10 : 30, false),
    maxTime: positive(values['max-time'], 'max-time', 600, false),
    maxCalls: positive(values['max-calls'], 'max-calls', 2000, true),
  };
  for (const value of Object.values(numbers)) if (typeof value === 'string') return { kind: 'error', message: value };
  const seed = values.seed === undefined ? 1 : Number(values.seed);
  if (!Number.isSafeInteger(seed)) return { kind: 'error', message: `--seed must be an integer, got "${values.seed}"` };

  const workers = (values.workers ?? '1').split(',').map((word) => Number(word.trim()));
  if (workers.length === 0 || workers.some((count) => !Number.isInteger(count) || count < 1 || count > 64)) return { kind: 'error', message: `--workers must list whole numbers from 1 to 64, got "${values.workers}"` };
  if (values.url !== undefined && values.workers !== undefined) return { kind: 'error', message: '--workers starts the engine itself; it cannot be combined with --url' };

  if (values['cpu-profile'] && (values.url !== undefined || findMax || workers.some((count) => count > 1))) {
    // The profiler's own cost would move --find-max's verdicts; a running or clustered engine is not one process the bench starts.
    return { kind: 'error', message: '--cpu-profile profiles the one engine process the bench starts: it cannot be combined with --url, --find-max or --workers above 1' };
  }

  const nodeFlags = parseNodeFlags(values['engine-node-options']);
  if ('problem' in nodeFlags) return { kind: 'error', message: nodeFlags.problem };
  const engineNodeOptions = nodeFlags.flags;
  if (engineNodeOptions.length > 0 && values.url !== undefined) return { kind: 'error', message: '--engine-node-options applies to the engine the bench starts: it cannot be combined with --url' };

  const profiles = (values.profile ?? 'clean').split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = profiles.filter((name) => !isImpairmentProfileName(name));
  if (profiles.length === 0 || unknown.length > 0) return { kind: 'error', message: `unknown profile "${unknown.join(', ')}"; known: clean, wifi, congested-4g, stalls, lossy, satellite` };

  const fixtureNames = values.fixtures === undefined ? [...DEFAULT_FIXTURES] : values.fixtures.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const fixtures: string[] = [];
  for (const name of fixtureNames) {
    const path = resolveFixture(name, cwd);
    if (path === undefined) return { kind: 'error', message: `fixture "${name}" not found (a name in bench/fixtures or a path to a .capture.jsonl file)` };
    fixtures.push(path);
  }
  if (fixtures.length === 0) return { kind: 'error', message: '--fixtures names no fixture' };

  let url: string | null = null;
  if (values.url !== undefined) {
    let parsed: URL;
    try {
      parsed = new URL(values.url);
    } catch {
      return { kind: 'error', message: `--url is not a URL: "${values.url}"` };
    }
    if (parsed.protocol !== 'ws:' && parsed.protocol !== 'http:') return { kind: 'error', message: '--url must be ws:// (or http://) on 127.0.0.1: the bench never loads a remote host' };
    if (!isLoopbackHost(parsed.hostname)) return { kind: 'error', message: `--url must point at this machine (127.0.0.1, localhost, ::1), got "${parsed.hostname}"` };
    url = parsed.toString();
  }

  return {
    kind: 'options',
    options: {
      calls: callCounts[0] as number,
      callCounts,
      rampSeconds: numbers.ramp as number,
      durationSeconds: numbers.duration as number,
      profiles,
      seed,
      fixtures,
      url,
      findMax,
      maxTimeSeconds: numbers.maxTime as number,
      maxCalls: numbers.maxCalls as number,
      workers,
      cpuProfile: values['cpu-profile'],
      engineNodeOptions,
      outDir: resolve(cwd, values.out ?? `bench/results/${timestampFolder(now)}`),
      baseline: !values['no-baseline'],
      json: values.json,
    },
  };
}

/** Where a `--url` engine's streams and stats are; `serviceHost` fills in a URL that names none. */
export function externalEndpoints(url: string, serviceHost: string): { streamUrl: string; statsUrl: string } {
  const parsed = new URL(url);
  const origin = parsed.host;
  const hasPath = parsed.pathname !== '/' && parsed.pathname !== '';
  const streamPath = hasPath ? `${parsed.pathname}${parsed.search}` : `/ws/telnyx?serviceHost=${encodeURIComponent(serviceHost)}`;
  return { streamUrl: `ws://${origin}${streamPath}`, statsUrl: `http://${origin}/stats` };
}
