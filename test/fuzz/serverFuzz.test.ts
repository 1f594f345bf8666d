/**
 * Model-based fuzzing of the real server over real WebSockets on 127.0.0.1: each run opens a few
 * connections and interleaves documented, mutated and junk Telnyx messages, real-time media,
 * abrupt disconnects and closes across them. After every step nothing may have escaped to the
 * process; after every run every accepted call must have reached `ended` and left the engine with
 * nothing behind (registry, pacer, timers), no frame may have failed inside the engine, and across
 * runs the heap must stay flat.
 *
 * Replays: the seed is fixed (override with CALLWIRE_FUZZ_SEED, runs with CALLWIRE_FUZZ_RUNS); on
 * failure fast-check prints the seed and path, and `{ seed, path }` replays the counterexample.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { echoBot } from '../../bots/echo.js';
import { defineBot } from '../../bots/defineBot.js';
import type { CallSession } from '../../engine/session/callSession.js';
import { activeTimers, testAgent } from '../support/engine.js';
import { sleep, until } from '../support/faultKit.js';
import { FuzzConnection } from '../support/fuzzConnection.js';
import { fuzzMessage, servableStart, type FuzzMessage } from '../support/fuzzFrames.js';
import { settledHeapUsed } from '../support/heap.js';
import { MessageMemoryProbe } from '../support/messageMemoryProbe.js';
import { startObservedEngine, type ObservedEngine } from '../support/observedEngine.js';
import { ProcessFaultWatch } from '../support/processFaults.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

const SEED = Number(process.env['CALLWIRE_FUZZ_SEED'] ?? 7_042_026);
const RUNS = Number(process.env['CALLWIRE_FUZZ_RUNS'] ?? 60);
/** Runs before the heap baseline is taken: JIT code, codec tables, pools. */
const WARM_UP_RUNS = 10;
/** Allowed heap growth from the end of warm-up to the last run. */
const MAX_HEAP_GROWTH_BYTES = 8 * 1024 * 1024;
/** Buffers one message may add (a whole call holds well under 1 MB): more means input sized an allocation. */
const MAX_MESSAGE_BUFFER_GROWTH_BYTES = 16 * 1024 * 1024;
/** Error-level log lines that a client's own input causes; any other is an engine fault. */
const ENGINE_ERROR_LOGS_CAUSED_BY_CLIENTS = new Set(['unsupported codec; ending call']);

const TONE = new Int16Array(800).map((_, i) => Math.round(Math.sin(i / 3) * 8000));

/** Plays and marks on start, clears on any key, and echoes at 16 kHz: the outbound paths a fuzzed call can drive. */
const chattyBot = defineBot({
  name: 'chatty',
  sampleRate: 16000,
  create: ({ output, hangup }) => {
    output.play(TONE);
    output.mark('first');
    return {
      audio: (frame) => void output.play(frame.samples, 0, frame.sampleCount),
      dtmf: (digit) => {
        if (digit === '#') hangup();
        else output.clear();
      },
    };
  },
});

/** Where a fuzzed connection goes: shipped and test agents, refused routes. */
const TARGETS = [
  'echo.default',
  'menu.default',
  'chatty.test',
  'opus-out.test',
  'l16-out.test',
  'nobody.default',
  'echo.nowhere',
] as const;
/** Targets the engine routes to an agent (and counts as a started call). */
const ROUTABLE = new Set<string>(['echo.default', 'menu.default', 'chatty.test', 'opus-out.test', 'l16-out.test']);

type Step =
  | {
      readonly kind: 'open';
      readonly target: (typeof TARGETS)[number];
      readonly ending: 'close' | 'terminate' | 'stop';
      /** `connected` and a `start` sent right after the upgrade, as Telnyx does, or nothing. */
      readonly begin: FuzzMessage | undefined;
    }
  | { readonly kind: 'send'; readonly conn: number; readonly message: FuzzMessage }
  | { readonly kind: 'media'; readonly conn: number; readonly frames: number; readonly paced: boolean }
  | { readonly kind: 'end'; readonly conn: number; readonly how: 'close' | 'terminate'; readonly code: number }
  | { readonly kind: 'wait'; readonly ms: number };

const endings = fc.constantFrom('close' as const, 'terminate' as const, 'stop' as const);
/** Mostly a start the engine can serve, so calls stream; sometimes any start-like message, or none. */
const beginArbitrary = fc.oneof({ weight: 6, arbitrary: servableStart }, { weight: 2, arbitrary: fuzzMessage }, { weight: 1, arbitrary: fc.constant(undefined) });

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('open' as const), target: fc.constantFrom(...TARGETS), ending: endings, begin: beginArbitrary }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('send' as const), conn: fc.nat(7), message: servableStart }) },
  { weight: 12, arbitrary: fc.record({ kind: fc.constant('send' as const), conn: fc.nat(7), message: fuzzMessage }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('media' as const), conn: fc.nat(7), frames: fc.integer({ min: 1, max: 15 }), paced: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), conn: fc.nat(7), how: fc.constantFrom('close' as const, 'terminate' as const), code: fc.constantFrom(1000, 1001, 4000) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wait' as const), ms: fc.integer({ min: 0, max: 60 }) }) },
);

/** A run: a first connection to a routable agent, then up to 40 steps over at most 4 connections. */
const scenarioArbitrary = fc.tuple(
  fc.record({ kind: fc.constant('open' as const), target: fc.constantFrom(...TARGETS.slice(0, 5)), ending: endings, begin: beginArbitrary }),
  fc.array(stepArbitrary, { minLength: 5, maxLength: 40, size: 'medium' }),
);

const PCMU_FRAME = Buffer.alloc(160, 0xd5).toString('base64');
const MAX_CONNECTIONS = 4;

const codes: Record<string, number> = {};
let engine: ObservedEngine;
let watch: ProcessFaultWatch;
let memory: MessageMemoryProbe;

beforeAll(async () => {
  memory = new MessageMemoryProbe();
  engine = await startObservedEngine([
    testAgent('chatty', chattyBot),
    testAgent('opus-out', echoBot, { media: { outboundEncoding: 'OPUS', outboundSampleRate: 48000 } }),
    testAgent('l16-out', echoBot, { media: { outboundEncoding: 'inbound', botSampleRate: 16000, outbound: { framesPerMessage: 1 } } }),
  ]);
  watch = new ProcessFaultWatch();
});

afterAll(async () => {
  memory.stop();
  watch.stop();
  await engine.close();
});

/** One connection of a run, with what the model expects of it. */
interface Connection {
  readonly client: FuzzConnection;
  /** Upgraded to a known agent: the engine must have started a call for it. */
  readonly routable: boolean;
  readonly ending: 'close' | 'terminate' | 'stop';
  sequence: number;
}

/** Runs one scenario against the engine; throws (with the step log) when an invariant breaks. */
async function runScenario(steps: readonly Step[]): Promise<void> {
  // A failed run leaves its leftovers; shrinking reruns must not be blamed for them.
  engine.logs.clear();
  watch.faults.length = 0;
  await until(() => engine.calls.size === 0, 'the previous run to end', EVENT_WAIT_MS);
  const timersBefore = activeTimers();
  memory.reset();
  const connections: Connection[] = [];
  const sessions = new Set<CallSession>();
  const statsBefore = engine.stats.snapshot(0);
  const log: string[] = [];
  const noteSessions = (): void => {
    for (const session of engine.calls.values()) sessions.add(session);
  };
  const fail = (what: string): never => {
    throw new Error(`${what}\nsteps:\n  ${log.join('\n  ')}\nengine errors: ${engine.logs.errors().join(' | ') || 'none'}`);
  };

  for (const step of steps) {
    const target = step.kind === 'open' || step.kind === 'wait' ? undefined : connections[step.conn % Math.max(connections.length, 1)];
    switch (step.kind) {
      case 'open': {
        if (connections.length >= MAX_CONNECTIONS) continue;
        const client = new FuzzConnection(engine.url(step.target));
        const opened = await client.opened;
        connections.push({ client, routable: ROUTABLE.has(step.target) && opened === 'open', ending: step.ending, sequence: 0 });
        log.push(`#${connections.length - 1} open ${step.target} (${opened})${step.begin === undefined ? '' : ` + ${step.begin.label}`}`);
        if (step.begin !== undefined) {
          client.send({ kind: 'text', text: '{"event":"connected","version":"1.0.0"}', label: 'connected' });
          client.send(step.begin);
        }
        break;
      }
      case 'send':
        if (target === undefined) continue;
        target.client.send(step.message);
        log.push(`#${connections.indexOf(target)} send ${step.message.label}`);
        break;
      case 'media':
        if (target === undefined) continue;
        log.push(`#${connections.indexOf(target)} media ×${step.frames}${step.paced ? ' paced' : ''}`);
        for (let i = 0; i < step.frames; i++) {
          const sequence = ++target.sequence;
          target.client.send({
            kind: 'text',
            text: `{"event":"media","sequence_number":"${sequence}","media":{"track":"inbound","chunk":"${sequence}","timestamp":"${sequence * 20}","payload":"${PCMU_FRAME}"},"stream_id":"s"}`,
            label: 'media',
          });
          if (step.paced) await sleep(20);
        }
        break;
      case 'end':
        if (target === undefined) continue;
        target.client.end(step.how, step.code);
        log.push(`#${connections.indexOf(target)} ${step.how} ${step.code}`);
        break;
      case 'wait':
        await sleep(step.ms);
        break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    noteSessions();
    if (watch.faults.length > 0) fail(`escaped to the process: ${watch.describe().join('\n')}`);
    if (engine.calls.size > connections.filter((connection) => connection.routable).length) fail(`${engine.calls.size} calls for ${connections.length} connections`);
    if (memory.maxGrowthBytes > MAX_MESSAGE_BUFFER_GROWTH_BYTES) fail(`one message made the engine hold ${Math.round(memory.maxGrowthBytes / 1e6)} MB more`);
  }

  // Every connection ends the way its open step chose: a close frame, a dropped socket, or `stop`.
  for (const connection of connections) {
    if (connection.ending === 'stop') connection.client.send({ kind: 'text', text: '{"event":"stop","stream_id":"s"}', label: 'stop' });
    else connection.client.end(connection.ending);
  }
  let deadline: NodeJS.Timeout | undefined;
  const closes = await Promise.race([
    Promise.all(connections.map((connection) => connection.client.closed)),
    new Promise<undefined>((resolve) => (deadline = setTimeout(() => resolve(undefined), 3_000))),
  ]);
  clearTimeout(deadline);
  if (closes === undefined) {
    const open = connections.flatMap((connection, index) => (connection.client.ws.readyState === connection.client.ws.CLOSED ? [] : [`#${index}`]));
    fail(`sockets still open 3 s after the run ended: ${open.join(', ')}`);
  }
  noteSessions();
  try {
    await until(() => engine.calls.size === 0, 'every call to leave the registry', EVENT_WAIT_MS);
  } catch {
    fail(`${engine.calls.size} calls still registered: ${engine.calls.values().map((session) => session.actor.getSnapshot().value).join(', ')}`);
  }

  const statsAfter = engine.stats.snapshot(0);
  const started = statsAfter.calls.started - statsBefore.calls.started;
  const ended = statsAfter.calls.ended - statsBefore.calls.ended;
  if (started !== connections.filter((connection) => connection.routable).length) fail(`${started} calls started for the routable connections`);
  if (ended !== started) fail(`${started} calls started, ${ended} ended`);
  if ((statsAfter.calls.endedByReason['internal_error'] ?? 0) !== (statsBefore.calls.endedByReason['internal_error'] ?? 0)) fail('a call ended with internal_error');
  for (const session of sessions) {
    const snapshot = session.actor.getSnapshot();
    if (snapshot.status !== 'done' || snapshot.value !== 'ended') fail(`call ${session.id} is ${snapshot.status} in ${JSON.stringify(snapshot.value)}`);
    let byCode = 0;
    for (const [code, count] of session.stats.rejectedByCode) {
      byCode += count;
      codes[code] = (codes[code] ?? 0) + count;
    }
    // A rejection without a protocol code is an exception from inside the engine, not bad input.
    if (session.stats.rejectedFrames !== byCode) fail(`call ${session.id}: ${session.stats.rejectedFrames - byCode} frames failed inside the engine`);
  }
  const engineErrors = engine.logs.errors().filter((line) => !ENGINE_ERROR_LOGS_CAUSED_BY_CLIENTS.has(line));
  if (engineErrors.length > 0) fail(`the engine logged errors`);
  if (engine.pacer.size !== 0 || engine.pacer.running) fail(`the pacer still drives ${engine.pacer.size} streams`);
  // A refused stream's socket is destroyed a moment after its close frame (ws times the close
  // meanwhile): wait for those, then nothing may be left.
  const timersDue = performance.now() + EVENT_WAIT_MS;
  while (activeTimers() > timersBefore && performance.now() < timersDue) await sleep(20);
  if (activeTimers() > timersBefore) fail(`${activeTimers() - timersBefore} timers left behind`);
}

describe('fuzzing the real server with Telnyx-shaped traffic', () => {
  it('never crashes, ends and releases every call, logs no engine error, and keeps the heap flat', async () => {
    const heapAfterRun: number[] = [];
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(scenarioArbitrary, async ([first, steps]) => {
        await runScenario([first, ...steps]);
        runs++;
        if (runs === WARM_UP_RUNS || runs === RUNS) heapAfterRun.push(await settledHeapUsed());
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 40_000, markInterruptAsFailure: true },
    );
    expect(watch.describe()).toEqual([]);
    expect(runs).toBe(RUNS);
    // The runs really drove the engine: calls streamed audio both ways, ended every way a client
    // can end them, and frames were refused for many different reasons.
    const totals = engine.stats.snapshot(0);
    expect(totals.calls.started).toBeGreaterThan(RUNS);
    expect(totals.frames.in).toBeGreaterThan(5 * RUNS);
    expect(totals.frames.out).toBeGreaterThan(0);
    expect(Object.keys(totals.calls.endedByReason)).toEqual(expect.arrayContaining(['socket_closed', 'stream_stopped', 'unsupported_codec']));
    expect(Object.keys(codes).length, JSON.stringify(codes)).toBeGreaterThanOrEqual(6);
    const [warm, last] = heapAfterRun;
    expect(last! - warm!, `heap after warm-up ${warm}, after the last run ${last}`).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  }, 90_000);
});

describe('inputs the fuzzer found', () => {
  /**
   * `start` with L16 at a rate the codec layer accepts (any positive integer) but the audio path
   * cannot serve. The call must end with `unsupported_codec` like any other unservable format,
   * without an exception inside the engine and without allocating buffers sized by the rate.
   */
  it.each([7, 160, 999, 44_100, 1e9, 2 ** 31])('L16 at %d Hz ends the call with unsupported_codec, cleanly and cheaply', async (sampleRate) => {
    engine.logs.clear();
    const client = new FuzzConnection(engine.url('echo.default'));
    expect(await client.opened).toBe('open');
    memory.reset();
    client.send({
      kind: 'text',
      label: 'start',
      text: JSON.stringify({
        event: 'start',
        stream_id: 's',
        start: { call_control_id: 'c', call_session_id: 's', from: '+1', to: '+2', media_format: { encoding: 'L16', sample_rate: sampleRate, channels: 1 } },
      }),
    });
    let deadline: NodeJS.Timeout | undefined;
    const closed = await Promise.race([client.closed, new Promise<undefined>((resolve) => (deadline = setTimeout(() => resolve(undefined), 1_000)))]);
    clearTimeout(deadline);
    const peakGrowth = memory.maxGrowthBytes;
    client.end('terminate');
    await client.closed;
    expect(engine.logs.errors().filter((line) => !ENGINE_ERROR_LOGS_CAUSED_BY_CLIENTS.has(line))).toEqual([]);
    expect(closed).toEqual({ code: 1000, reason: 'unsupported_codec' });
    expect(peakGrowth, `array buffers grew by ${Math.round(peakGrowth / 1e6)} MB`).toBeLessThan(MAX_MESSAGE_BUFFER_GROWTH_BYTES);
  });

  /**
   * A `start` whose custom parameter is an array nested 5000 deep (10 KB, far under the message
   * limit). Turning it into the parameter's text must not overflow the stack: the frame is either
   * accepted or rejected with a protocol code, never failed inside the engine.
   */
  it('a start with a deeply nested custom parameter is accepted or rejected with a code, never an engine error', async () => {
    engine.logs.clear();
    const client = new FuzzConnection(engine.url('echo.default'));
    expect(await client.opened).toBe('open');
    let session: CallSession | undefined;
    await until(() => (session = engine.calls.values()[0]) !== undefined, 'the call to be registered');
    const deep = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;
    client.send({
      kind: 'text',
      label: 'start',
      text: `{"event":"start","stream_id":"s","start":{"call_control_id":"c","call_session_id":"s","from":"+1","to":"+2","custom_parameters":{"nested":${deep}},"media_format":{"encoding":"PCMU","sample_rate":8000,"channels":1}}}`,
    });
    await until(() => session!.stats.messagesIn === 1, 'the start to be handled');
    await sleep(20);
    client.end('close');
    await client.closed;
    let byCode = 0;
    for (const count of session!.stats.rejectedByCode.values()) byCode += count;
    expect(engine.logs.errors()).toEqual([]);
    expect(session!.stats.rejectedFrames).toBe(byCode);
  });
});
