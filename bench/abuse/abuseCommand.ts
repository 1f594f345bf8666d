/**
 * `callwire bench --abuse`: runs the attack scenarios one after another, each against a fresh
 * engine, prints the report and writes it with the JSON results into `--out`.
 */
import { rmSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { parseDuration } from '../soak/soakCommand.js';
import { cpuModel } from '../support/machine.js';
import { parseNodeFlags } from '../support/nodeFlags.js';
import { planCores } from '../load/processes.js';
import { allGoalsMet, formatAbuseReport, type RunDescription } from './abuseReport.js';
import { runScenario, type RunSettings } from './abuseRun.js';
import { loopbackAddresses } from './attackOptions.js';
import { OWN_ROOT } from './childModule.js';
import { killChildrenOnSignals } from './childReaper.js';
import { engineCliArgs } from './engineUnderTest.js';
import { GOALS, judge } from './goals.js';
import { engineFigures } from './runFigures.js';
import { selectScenarios, type Scenario } from './scenarios.js';
import type { ScenarioResult } from './scenarioResult.js';
import { ABUSE_USAGE } from './usage.js';

export { ABUSE_USAGE };

/** The command's options, parsed. */
export interface AbuseOptions {
  readonly scenarios: readonly Scenario[];
  readonly durationMs: number;
  readonly recoveryMs: number;
  readonly sources: number;
  readonly engineRoot: string;
  /** Node arguments that start the engine under attack ({@link engineCliArgs}). */
  readonly engineArgs: readonly string[];
  readonly outDir: string;
  readonly json: boolean;
}

/**
 * Parses the command line (`--abuse` itself is ignored).
 *
 * @throws Error (or node's parseArgs TypeError) with a message for the user.
 */
export function parseAbuseOptions(argv: readonly string[], now = new Date()): AbuseOptions {
  const { values } = parseArgs({
    args: argv.filter((arg) => arg !== '--abuse'),
    options: {
      attack: { type: 'string' },
      duration: { type: 'string', default: '2m' },
      recovery: { type: 'string', default: '30s' },
      sources: { type: 'string', default: '64' },
      'engine-root': { type: 'string' },
      'from-source': { type: 'boolean', default: false },
      'engine-node-options': { type: 'string' },
      out: { type: 'string' },
      json: { type: 'boolean', default: false },
    },
    strict: true,
  });
  const sources = Number(values.sources);
  if (!Number.isInteger(sources) || sources < 1 || sources > 60_000) throw new Error(`--sources must be 1..60000, got "${values.sources}"`);
  const engineRoot = resolve(values['engine-root'] ?? OWN_ROOT);
  const nodeFlags = parseNodeFlags(values['engine-node-options']);
  if ('problem' in nodeFlags) throw new Error(nodeFlags.problem);
  const engineArgs = engineCliArgs(engineRoot, values['from-source'] ? 'source' : 'build-if-fresh', nodeFlags.flags); // fails early on a folder that holds no engine
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  return {
    scenarios: selectScenarios(values.attack?.split(',').map((name) => name.trim()).filter((name) => name !== '')),
    durationMs: parseDuration(values.duration) * 1000,
    recoveryMs: parseDuration(values.recovery) * 1000,
    sources,
    engineRoot,
    engineArgs,
    outDir: resolve(values.out ?? join(OWN_ROOT, 'bench', 'results', `abuse-${stamp}`)),
    json: values.json,
  };
}

/** A result for a scenario that could not run at all (the engine did not start, say). */
function failedScenario(scenario: Scenario, error: unknown, outDir: string): ScenarioResult {
  const moments = { goodCallStart: 0, attackStart: 0, recoverySample: undefined, exit: undefined };
  return {
    scenario: scenario.name,
    summary: scenario.summary,
    attackSeconds: 0,
    attack: undefined,
    attackError: `the scenario could not run: ${error instanceof Error ? error.message : String(error)}`,
    goodCall: undefined,
    engine: { ...engineFigures([], moments), alive: false },
    benchStallMaxMs: 0,
    logTailFile: join(outDir, `${scenario.name}.engine-log-tail.txt`),
    timeline: [],
  };
}

/** `callwire bench --abuse …`: resolves to the exit code (0 every goal met, 1 a goal missed, 2 bad usage). */
export async function runAbuseCommand(argv: string[]): Promise<number> {
  if (argv.includes('--help')) {
    process.stdout.write(`Usage:\n${ABUSE_USAGE}\n`);
    return 0;
  }
  let options: AbuseOptions;
  try {
    options = parseAbuseOptions(argv);
  } catch (error) {
    process.stderr.write(`callwire bench --abuse: ${error instanceof Error ? error.message : String(error)}\n\nUsage:\n${ABUSE_USAGE}\n`);
    return 2;
  }
  killChildrenOnSignals();
  const cores = planCores();
  const started = new Date();
  await mkdir(options.outDir, { recursive: true });
  const workDir = await mkdtemp(join(tmpdir(), 'callwire-abuse-'));
  // An interrupted run (Ctrl-C exits through the reaper) must not leave a large engine log behind.
  const removeWorkDir = (): void => rmSync(workDir, { recursive: true, force: true });
  process.once('exit', removeWorkDir);
  const settings: RunSettings = {
    engineRoot: options.engineRoot,
    engineArgs: options.engineArgs,
    durationMs: options.durationMs,
    recoveryMs: options.recoveryMs,
    sourceAddresses: loopbackAddresses(options.sources),
    cores,
    workDir,
    outDir: options.outDir,
    progress: (line) => process.stderr.write(`${line}\n`),
  };
  const run: RunDescription = {
    startedAt: started.toISOString().replace(/\.\d+Z$/, 'Z'),
    engineCommand: `\`node ${options.engineArgs.map((arg) => (isAbsolute(arg) ? relative(options.engineRoot, arg) : arg)).join(' ')} serve --host 127.0.0.1\``,
    durationSeconds: options.durationMs / 1000,
    recoverySeconds: options.recoveryMs / 1000,
    sourceAddresses: options.sources,
    machine: `${availableParallelism()} CPUs, ${cpuModel()}, Node ${process.version}, ${process.platform}/${process.arch}, 1-minute load average ${loadavg()[0]?.toFixed(2) ?? '?'} at the start`,
    pinning:
      cores.server === null ? `Nothing pinned (${cores.note ?? "no taskset"}); attacker at nice 10.` : `Engine pinned to core ${cores.server}, attacker to core ${cores.generator} at nice 10 (so it cannot starve the good call); the good call and the sampler unpinned.`,
  };
  const results: ScenarioResult[] = [];
  try {
    for (const scenario of options.scenarios) {
      try {
        results.push(await runScenario(scenario, settings));
      } catch (error) {
        settings.progress(`${scenario.name}: could not run: ${error instanceof Error ? error.message : String(error)}`);
        results.push(failedScenario(scenario, error, options.outDir));
      }
    }
  } finally {
    await rm(workDir, { recursive: true, force: true });
    process.off('exit', removeWorkDir);
  }
  const markdown = formatAbuseReport(results, run);
  const json = { run, goals: GOALS, scenarios: results.map((result) => ({ ...result, goalsMet: judge(result) })) };
  await writeFile(join(options.outDir, 'summary.md'), markdown);
  await writeFile(join(options.outDir, 'results.json'), `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(options.json ? `${JSON.stringify(json, null, 2)}\n` : markdown);
  process.stderr.write(`report and results in ${options.outDir}\n`);
  return allGoalsMet(results) ? 0 : 1;
}
