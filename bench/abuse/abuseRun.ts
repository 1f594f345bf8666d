/**
 * One scenario of `callwire bench --abuse`: a fresh engine, its idle readings, a good echo call
 * started before the attack and kept through it, the attack from its own process, then a recovery
 * wait and one more reading. The engine is sampled every second throughout.
 */
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { freePort, type CorePlan } from '../load/processes.js';
import { GUARDED_SERVICE_HOST, writeAbuseConfig } from './abuseConfig.js';
import { AttackerProcess } from './attackerProcess.js';
import type { AttackReport } from './attackTally.js';
import { EngineSampler, type EngineSample } from './engineSampler.js';
import { EngineUnderTest } from './engineUnderTest.js';
import { GoodCall } from './goodCall.js';
import { LogMeter } from './logMeter.js';
import { describeProgress } from './progressLine.js';
import { engineFigures, timeline } from './runFigures.js';
import type { Scenario } from './scenarios.js';
import type { ScenarioResult } from './scenarioResult.js';

/** Idle time before the good call starts; the last three samples of it give the idle figures. */
const IDLE_MS = 4_000;
/** Time the good call runs before the attack, so its jitter buffer has settled. */
const CALL_LEAD_MS = 2_000;
/** Frames the good call holds beyond the attack's duration (a probe or a slow stop lengthens it). */
const CALL_SPARE_SECONDS = 300;
const PROGRESS_EVERY_MS = 10_000;

/** How every scenario runs. */
export interface RunSettings {
  /** Checkout whose engine is attacked. */
  readonly engineRoot: string;
  /** Node arguments that start its engine (see engineCliArgs). */
  readonly engineArgs: readonly string[];
  readonly durationMs: number;
  /** Wait after the attack before the recovery reading. */
  readonly recoveryMs: number;
  readonly sourceAddresses: readonly string[];
  readonly cores: CorePlan;
  /** Scratch folder for config files and engine logs (which can grow large); emptied per scenario. */
  readonly workDir: string;
  /** Where the tail of each engine log is kept. */
  readonly outDir: string;
  readonly progress: (line: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));

/** Runs `scenario` against a fresh engine and measures it. */
export async function runScenario(scenario: Scenario, settings: RunSettings): Promise<ScenarioResult> {
  const dir = join(settings.workDir, scenario.name);
  await mkdir(dir, { recursive: true });
  const config = await writeAbuseConfig(dir);
  const port = await freePort();
  const adminPort = await freePort();
  const logPath = join(dir, 'engine.log');
  const engine = EngineUnderTest.start(settings.engineRoot, port, adminPort, config.path, logPath, settings.cores.server, settings.engineArgs);
  const attacker = AttackerProcess.start(settings.cores.generator);
  let sampler: EngineSampler | undefined;
  try {
    await engine.ready();
    const log = new LogMeter(logPath);
    sampler = new EngineSampler(engine.pid, port, log, engine.adminPort);
    sampler.start();
    await sleep(IDLE_MS);
    const goodCallStart = performance.now();
    const call = await GoodCall.start(port, settings.durationMs / 1000 + CALL_SPARE_SECONDS);
    await call.heard();
    await sleep(CALL_LEAD_MS);

    const stalls = monitorEventLoopDelay({ resolution: 10 });
    stalls.enable();
    const attackStart = performance.now();
    settings.progress(`${scenario.name}: attacking for ${Math.round(settings.durationMs / 1000)} s`);
    const running = attacker.run(
      scenario.request({ port, durationMs: settings.durationMs, sourceAddresses: settings.sourceAddresses, guardedServiceHost: GUARDED_SERVICE_HOST, webhookPrivateKeyPem: config.webhookKeys.privateKeyPem }),
    );
    // A dead engine ends the attack: there is nothing left to measure.
    void engine.exited.then(() => attacker.stop());
    const activeSampler = sampler;
    const ticker = setInterval(() => settings.progress(describeProgress(scenario.name, attackStart, activeSampler.latest(), activeSampler.latestAnswered(), attacker.latest, engine.exit !== undefined)), PROGRESS_EVERY_MS);
    let attack: AttackReport<object> | undefined;
    let attackError: string | undefined;
    try {
      attack = await running;
    } catch (error) {
      attackError = error instanceof Error ? error.message : String(error);
    }
    clearInterval(ticker);
    const attackEnd = performance.now();
    stalls.disable();
    const goodCall = await call.finish(attackStart, attackEnd);

    settings.progress(`${scenario.name}: attack over after ${Math.round((attackEnd - attackStart) / 1000)} s; waiting ${Math.round(settings.recoveryMs / 1000)} s for memory to come back`);
    await Promise.race([sleep(attackEnd + settings.recoveryMs - performance.now()), engine.exited]);
    const recoverySample: EngineSample | undefined = engine.exit === undefined ? sampler.sampleNow() : undefined;
    await sampler.stop();
    await log.settled();
    const logTailFile = join(settings.outDir, `${scenario.name}.engine-log-tail.txt`);
    await writeFile(logTailFile, log.tail());
    const exit = engine.exit;
    return {
      scenario: scenario.name,
      summary: scenario.summary,
      attackSeconds: (attackEnd - attackStart) / 1000,
      attack,
      attackError,
      goodCall,
      engine: engineFigures(sampler.samples, { goodCallStart, attackStart, recoverySample, exit }),
      benchStallMaxMs: Math.max(0, stalls.max / 1e6 - 10),
      logTailFile,
      timeline: timeline(sampler.samples, attackStart),
    };
  } finally {
    await sampler?.stop();
    await attacker.kill();
    await engine.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
