import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { quantile } from '../support/quantiles.js';
import { spread, type Spread } from '../support/figures.js';
import { FakeGeminiLive } from '../fakes/fakeGeminiLive.js';
import { FakeOpenAIRealtime } from '../fakes/fakeOpenAIRealtime.js';
import { geminiSide, openaiSide, type ModelSide } from './modelSide.js';
import { makeTestCertificate } from '../fakes/selfSignedTls.js';
import { benchEngineLimits, engineDescription, freePort, pinThisProcess, planCores, spawnEngine, waitForStats } from '../load/processes.js';
import { cpuDuring } from '../load/serverStats.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { AiCaller, type TurnFigures } from './aiCaller.js';

/** Which provider's fake the bench talks to. */
export type AiBenchProvider = 'openai' | 'gemini';

/** Options of {@link runAiBench}. */
export interface AiBenchOptions {
  /** Default `openai`. */
  readonly provider?: AiBenchProvider;
  /** Concurrent calls in each phase. */
  readonly calls: number;
  /** Measured turns per call. */
  readonly turns: number;
  /** How much of each answer plays before the caller talks over it. */
  readonly hearMs: number;
  /** Length of each CPU phase (echo, then AI). */
  readonly cpuSeconds: number;
  /** Called with a line of progress now and then. */
  readonly progress?: (line: string) => void;
}


/** What `callwire bench --ai` measured. */
export interface AiBenchReport {
  readonly provider: AiBenchProvider;
  readonly engine: string;
  readonly pinning: string;
  readonly calls: number;
  readonly turns: number;
  readonly answerLatencyMs: Spread;
  /** Stream start (`connected` + `start`) → the greeting's first byte at Telnyx, opening the provider session included. */
  readonly greetingMs: Spread;
  readonly bargeInMs: Spread;
  /** Spread of |audio_end_ms − played|; `signedP50Ms` keeps the sign of the typical error. Undefined for a provider without truncation (Gemini). */
  readonly truncationErrorMs: (Spread & { readonly signedP50Ms: number }) | undefined;
  /** Engine CPU each call adds per second of call (idle cost taken off), in ms, for echo and AI calls in the same run. */
  readonly cpuMsPerCallSecond: { readonly echo: number; readonly ai: number };
  /** AI calls one core could carry at this CPU cost (an estimate from the CPU figures). */
  readonly estimatedAiCallsPerCore: number;
  /** The engine while it carried `calls` AI calls: its share of its core and its event-loop delay. */
  readonly engineWithAiCalls: EngineLoad;
}

/** How loaded the engine process was during a phase. */
export interface EngineLoad {
  /** CPU time per wall-clock second: 1 is a whole core. */
  readonly coreShare: number;
  readonly eventLoopP99Ms: number;
  readonly eventLoopMaxMs: number;
}

const API_KEY = 'sk-bench-callwire';


/** A started fake of `provider`, and how to find the bench call tagged `tag` on it. */
interface FakeModel {
  readonly env: NodeJS.ProcessEnv;
  readonly bot: string;
  find(tag: string): ModelSide | undefined;
  close(): Promise<void>;
}

async function startFake(provider: AiBenchProvider, answerMs: number): Promise<FakeModel> {
  if (provider === 'gemini') {
    const fake = await FakeGeminiLive.start({ apiKey: API_KEY, answerMs, deltaMs: 100 });
    return {
      env: { GEMINI_API_KEY: API_KEY, GEMINI_BASE_URL: fake.baseUrl },
      bot: 'gemini-live',
      find: (tag) => {
        // A TeXML stream's custom parameters arrive with start, after the session opened: Gemini gets
        // them as context, not in its system instruction.
        const session = fake.sessions.find((candidate) => (candidate.setup?.systemInstruction?.parts?.[0]?.text ?? '').includes(tag) || candidate.clientTexts.some((text) => text.includes(tag)));
        return session === undefined ? undefined : geminiSide(session);
      },
      close: () => fake.close(),
    };
  }
  const certificate = await makeTestCertificate();
  const fake = await FakeOpenAIRealtime.start({ certificate, apiKey: API_KEY, answerMs, deltaMs: 100 });
  return {
    env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: fake.baseURL, NODE_EXTRA_CA_CERTS: certificate.caFile },
    bot: 'openai-realtime',
    find: (tag) => {
      const session = fake.sessions.find((candidate) => String(candidate.session?.['instructions'] ?? '').includes(tag));
      return session === undefined ? undefined : openaiSide(session);
    },
    close: async () => {
      await fake.close();
      certificate.remove();
    },
  };
}

async function sessionTagged(fake: FakeModel, tag: string): Promise<ModelSide> {
  const deadline = performance.now() + 15_000;
  for (;;) {
    const session = fake.find(tag);
    if (session !== undefined) return session;
    if (performance.now() > deadline) throw new Error(`no provider session for ${tag}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/**
 * Runs the engine (`callwire serve`, its own core) with an `openai-realtime` agent pointed at the
 * local fake (zero think time) and an echo agent, and measures what callwire adds on AI calls: the
 * time from the model's audio to the first byte at Telnyx, from the model hearing the caller to
 * `clear` at Telnyx, how far `audio_end_ms` is from what Telnyx played, and CPU against echo calls.
 */
export async function runAiBench(options: AiBenchOptions): Promise<AiBenchReport> {
  const progress = options.progress ?? (() => undefined);
  const provider = options.provider ?? 'openai';
  const fake = await startFake(provider, Math.max(2000, options.hearMs * 3));
  const folder = await mkdtemp(join(tmpdir(), 'callwire-ai-bench-'));
  const configPath = join(folder, 'callwire.config.json');
  await writeFile(
    configPath,
    JSON.stringify({
      limits: benchEngineLimits(options.calls * 2),
      organizations: {
        bench: {
          agents: {
            ai: { bot: fake.bot, options: { instructions: 'Bench call {{custom.benchCall}}.' } },
            greeter: { bot: fake.bot, options: { instructions: 'Greeting bench.', greeting: 'Hello, thank you for calling.' } },
            echo: { bot: 'echo' },
          },
        },
      },
    }),
  );
  const cores = planCores();
  const port = await freePort();
  const engine = spawnEngine(port, cores.server, configPath, { ...process.env, ...fake.env });
  const unpin = pinThisProcess(cores.generator);
  const statsUrl = `http://127.0.0.1:${port}/stats`;
  const url = (agent: string) => `ws://127.0.0.1:${port}/ws/telnyx?serviceHost=${agent}.bench`;
  try {
    await waitForStats(statsUrl, engine);
    progress(`measuring ${options.calls} AI calls × ${options.turns} turns`);
    const figures: TurnFigures[] = [];
    await Promise.all(
      Array.from({ length: options.calls }, async (_, index) => {
        const tag = `call-${index}`;
        const caller = await AiCaller.dial(url('ai'), tag);
        const session = await sessionTagged(fake, `Bench call ${tag}.`);
        for (let turn = 1; turn <= options.turns; turn++) figures.push(await caller.turn(session, turn, options.hearMs));
        await caller.hangUp();
      }),
    );
    progress(`greeting: ${options.calls} calls`);
    const greetingMs = await Promise.all(
      Array.from({ length: options.calls }, async (_, index) => {
        const caller = await AiCaller.dial(url('greeter'), `greet-${index}`);
        const ms = await caller.firstWordsMs();
        await caller.hangUp();
        return ms;
      }),
    );
    const cpuPhase = async (agent: string, idleMsPerSecond: number): Promise<{ perCallSecond: number; load: EngineLoad }> => {
      progress(`CPU: ${options.calls} ${agent} calls for ${options.cpuSeconds} s`);
      const callers = await Promise.all(Array.from({ length: options.calls }, (_, index) => AiCaller.dial(url(agent), `cpu-${agent}-${index}`)));
      const { msPerSecond, after } = await cpuDuring(statsUrl, () => Promise.all(callers.map((caller) => caller.converse(options.cpuSeconds * 1000))));
      await Promise.all(callers.map((caller) => caller.hangUp()));
      return {
        perCallSecond: Math.max(0, msPerSecond - idleMsPerSecond) / options.calls,
        load: { coreShare: msPerSecond / 1000, eventLoopP99Ms: after.eventLoopDelayMs.p99, eventLoopMaxMs: after.eventLoopDelayMs.max },
      };
    };
    // The engine's own idle cost (timers, the pacing clock, collection) is measured first and
    // taken off, so the per-call figures are what each call adds.
    progress(`CPU: idle for ${options.cpuSeconds} s`);
    const idleMsPerSecond = (await cpuDuring(statsUrl, () => sleep(options.cpuSeconds * 1000))).msPerSecond;
    const echo = (await cpuPhase('echo', idleMsPerSecond)).perCallSecond;
    const aiPhase = await cpuPhase('ai', idleMsPerSecond);
    const ai = aiPhase.perCallSecond;
    const truncation = figures.flatMap((figure) => (figure.truncationErrorMs === undefined ? [] : [figure.truncationErrorMs]));
    return {
      provider,
      engine: engineDescription(),
      pinning: cores.server === null ? (cores.note ?? 'not pinned') : `engine on core ${cores.server}; callers and the fake model in the bench process, on core ${cores.generator}`,
      calls: options.calls,
      turns: options.turns,
      answerLatencyMs: spread(figures.map((figure) => figure.answerLatencyMs)),
      greetingMs: spread(greetingMs),
      bargeInMs: spread(figures.map((figure) => figure.bargeInMs)),
      truncationErrorMs: truncation.length === 0 ? undefined : { ...spread(truncation.map(Math.abs)), signedP50Ms: quantile(truncation, 0.5) ?? Number.NaN },
      cpuMsPerCallSecond: { echo, ai },
      estimatedAiCallsPerCore: Math.floor(1000 / ai),
      engineWithAiCalls: aiPhase.load,
    };
  } finally {
    unpin();
    await engine.stop();
    await fake.close();
    await rm(folder, { recursive: true, force: true });
  }
}

/** The report as Markdown. */
export function aiBenchMarkdown(report: AiBenchReport): string {
  const row = (name: string, figure: Spread, goal: string) => `| ${name} | ${figure.p50.toFixed(1)} | ${figure.p95.toFixed(1)} | ${figure.max.toFixed(1)} | ${goal} |`;
  return [
    `AI agent bench: ${report.calls} concurrent calls × ${report.turns} turns against the local ${report.provider === 'gemini' ? 'Gemini Live' : 'OpenAI Realtime'} fake (zero think time)`,
    `Engine: ${report.engine}; ${report.pinning}.`,
    '',
    '| figure (ms) | p50 | p95 | max | goal (p95) |',
    '| --- | ---: | ---: | ---: | ---: |',
    row("model's audio → first byte at Telnyx", report.answerLatencyMs, '≤ 20'),
    row("model's barge-in cue → clear at Telnyx", report.bargeInMs, '≤ 20'),
    ...(report.truncationErrorMs === undefined ? [] : [row('|audio_end_ms − audio Telnyx played|', report.truncationErrorMs, '≤ 20')]),
    '',
    `Stream start → the greeting's first byte at Telnyx (the provider session opened at \`connected\`, over ${report.provider === 'gemini' ? 'ws' : 'TLS'} on 127.0.0.1): p50 ${report.greetingMs.p50.toFixed(1)}, p95 ${report.greetingMs.p95.toFixed(1)}, max ${report.greetingMs.max.toFixed(1)} ms.`,
    report.truncationErrorMs === undefined
      ? 'Gemini takes no truncation: it stops its own turn where it heard the caller.'
      : `Typical truncation error, signed: ${report.truncationErrorMs.signedP50Ms.toFixed(1)} ms (positive: callwire said more was heard than Telnyx played).`,
    `Engine CPU per call-second: echo ${report.cpuMsPerCallSecond.echo.toFixed(2)} ms, AI ${report.cpuMsPerCallSecond.ai.toFixed(2)} ms (${(report.cpuMsPerCallSecond.ai / report.cpuMsPerCallSecond.echo).toFixed(2)}× echo); at that cost one core would carry about ${report.estimatedAiCallsPerCore} AI calls (estimate).`,
    `With ${report.calls} AI calls the engine used ${(report.engineWithAiCalls.coreShare * 100).toFixed(0)} % of its core; its event loop was late by p99 ${report.engineWithAiCalls.eventLoopP99Ms.toFixed(1)} ms, max ${report.engineWithAiCalls.eventLoopMaxMs.toFixed(1)} ms.`,
    '',
  ].join('\n');
}
