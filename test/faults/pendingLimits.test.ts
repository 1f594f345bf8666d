/**
 * Faults the engine meets with its limits: per-IP connection rate, maximum concurrent calls with
 * admission control, per-call inbound message rate, and a cap on a slow reader's send buffer.
 * Each is set low here, so the
 * tests reach it quickly; option names follow `AdmissionLimits` (engine/admission.ts) and
 * `CallLimits` (engine/session/callLimits.ts).
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { WebSocket } from 'ws';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { TelnyxMediaClient } from '../../bench/telnyx/mediaClient.js';
import { connectedFrame, simulatedCall, startFrame } from '../../bench/telnyx/mediaFrames.js';
import { echoBot } from '../../bots/echo.js';
import { testAgent } from '../support/engine.js';
import { MAX_HEALTHY_GAP_MS, expectUntouched, sessionOf, sleep, until } from '../support/faultKit.js';
import { FAULTY_BOTS } from '../support/faultyBots.js';
import { HealthyEchoCall } from '../support/healthyEcho.js';
import type { ServerOptions } from '../../engine/server.js';
import { TEST_SERVER_OPTIONS, startObservedEngine, type ObservedEngine } from '../support/observedEngine.js';
import { ProcessFaultWatch } from '../support/processFaults.js';
import { RawWebSocket } from '../support/rawWebSocket.js';
import { ServerSocketTap } from '../support/serverSockets.js';
import { mulawTone } from '../support/signals.js';
import { StallMonitor } from '../support/stallMonitor.js';
import { EVENT_WAIT_MS } from '../support/eventWait.js';

/** The limits under test, small enough to reach in a test. */
const PENDING_LIMITS = {
  /** Concurrent calls admitted; the next upgrade is answered 503 and `/readyz` says not ready. */
  maxCalls: 20,
  /** New media-stream connections per second from one IP (and the burst); beyond it the upgrade is refused (unverified ones by default, verified ones here too). */
  connectionsPerSecondPerIp: 50,
  /** Sustained inbound messages per second one call may send (Telnyx sends 50), and the burst above it. */
  maxInboundMessagesPerSecond: 100,
  inboundBurstMessages: 200,
  /** Bytes a call may have waiting in its socket's send buffer before the engine stops adding to it or ends the call. */
  maxSendBufferBytes: 256 * 1024,
} as const;

const SERVER_OPTIONS_WITH_LIMITS: Partial<ServerOptions> = {
  admission: {
    maxCalls: PENDING_LIMITS.maxCalls,
    connectionsPerSecondPerIp: PENDING_LIMITS.connectionsPerSecondPerIp,
    // The streams below go to an agent without a token: verified, so the opt-in rate applies.
    streamsPerSecondPerIp: PENDING_LIMITS.connectionsPerSecondPerIp,
    // Only the limits above are under test here: a loaded test machine must not refuse calls for its own delays.
    maxEventLoopDelayMs: 60_000,
  },
  limits: {
    ...TEST_SERVER_OPTIONS.limits,
    maxInboundMessagesPerSecond: PENDING_LIMITS.maxInboundMessagesPerSecond,
    inboundBurstMessages: PENDING_LIMITS.inboundBurstMessages,
    maxSendBufferBytes: PENDING_LIMITS.maxSendBufferBytes,
  },
};

const run = promisify(execFile);
/** Opens a burst of media streams from its own process (see the script's comment). */
const BURST_SCRIPT = fileURLToPath(new URL('../support/connectionBurst.ts', import.meta.url));

let engine: ObservedEngine;
let watch: ProcessFaultWatch;

beforeAll(async () => {
  engine = await startObservedEngine(
    [
      // The healthy call compares what it hears with what it sent: no time-stretching on a busy machine.
      testAgent('steady-echo', echoBot, { media: { jitter: { timeStretch: false } } }),
      testAgent('faulty-echo', echoBot, { media: { jitter: { timeStretch: false } } }),
      // Plays far faster than real time, out as 48 kHz L16: 128 KB of JSON a second to its socket.
      testAgent('loud-wideband', FAULTY_BOTS.get('plays-ten-minutes')!, { media: { outboundEncoding: 'L16', outboundSampleRate: 48000 } }),
    ],
    SERVER_OPTIONS_WITH_LIMITS,
  );
  watch = new ProcessFaultWatch();
});

afterAll(async () => {
  watch.stop();
  await engine.close();
});

afterEach(async () => {
  await until(() => engine.calls.size === 0, 'every call to leave the registry', EVENT_WAIT_MS);
  expect(watch.describe()).toEqual([]);
});

/** Opens `count` streams to `serviceHost` from this process at once; says how each attempt went. */
async function openMany(count: number, serviceHost = 'faulty-echo.test'): Promise<{ outcomes: string[]; sockets: WebSocket[] }> {
  const sockets: WebSocket[] = [];
  const outcomes = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<string>((resolve) => {
          const ws = new WebSocket(engine.url(serviceHost), { perMessageDeflate: false, handshakeTimeout: 10_000 });
          ws.once('open', () => {
            sockets.push(ws);
            ws.send(connectedFrame());
            ws.send(startFrame(simulatedCall(), 1));
            resolve('served');
          });
          ws.once('unexpected-response', (_request, response) => {
            ws.terminate();
            resolve(`refused ${response.statusCode}`);
          });
          ws.once('error', (error) => resolve(`error ${error.message}`));
        }),
    ),
  );
  return { outcomes, sockets };
}

async function closeAll(sockets: WebSocket[]): Promise<void> {
  await Promise.all(
    sockets.map(
      (ws) =>
        new Promise<void>((resolve) => {
          if (ws.readyState === WebSocket.CLOSED) return resolve();
          ws.once('close', () => resolve());
          ws.close(1000);
        }),
    ),
  );
}

function tally(outcomes: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const outcome of outcomes) counts[outcome] = (counts[outcome] ?? 0) + 1;
  return counts;
}

describe('the limits on connections, calls, inbound rate and send buffers', () => {
  it('refuses connections beyond the per-IP rate with HTTP 429', async () => {
    // Streams naming no agent are closed with 4404 as they open, so the call limit never comes into
    // play; sent together, so the bucket cannot refill between them however busy the machine is.
    const startedAt = performance.now();
    const { outcomes, sockets } = await openMany(3 * PENDING_LIMITS.connectionsPerSecondPerIp, 'ghost.test');
    const elapsedS = (performance.now() - startedAt) / 1000;
    await closeAll(sockets);
    const counts = tally(outcomes);
    expect(Object.keys(counts).every((outcome) => /^(served|refused 429)$/.test(outcome)), JSON.stringify(counts)).toBe(true);
    expect(counts['refused 429'] ?? 0, JSON.stringify(counts)).toBeGreaterThan(0);
    // The bucket's burst, plus what it refilled while the connections were being opened.
    expect(counts['served'] ?? 0, JSON.stringify(counts)).toBeLessThanOrEqual(PENDING_LIMITS.connectionsPerSecondPerIp * (1 + elapsedS) + 2);
  });

  it('admits at most maxCalls concurrent calls, answers the next upgrade 503 and /readyz not ready', async () => {
    await sleep(1_100); // a fresh per-IP rate window
    const sockets: WebSocket[] = [];
    const outcomes: string[] = [];
    for (let i = 0; i < PENDING_LIMITS.maxCalls + 5; i++) {
      const { outcomes: one, sockets: opened } = await openMany(1);
      outcomes.push(...one);
      sockets.push(...opened);
      await sleep(25); // stay under the per-IP rate
    }
    const readyz = await fetch(`http://127.0.0.1:${engine.port}/readyz`);
    await closeAll(sockets);
    expect(tally(outcomes)).toEqual({ served: PENDING_LIMITS.maxCalls, 'refused 503': 5 });
    expect(readyz.status).toBe(503);
  });

  it('limits one call flooding media frames, and the other calls go on', async () => {
    const stalls = new StallMonitor();
    const healthy = await HealthyEchoCall.start(engine.url('steady-echo.test'));
    const flooder = await TelnyxMediaClient.connect(engine.url('faulty-echo.test'));
    const session = await sessionOf(engine, 'faulty-echo');
    flooder.begin();
    const frames = mulawTone(1);
    const startedAt = performance.now();
    // 3000 frames (a minute of audio) as fast as the socket takes them.
    for (let i = 0; i < 3_000 && flooder.open; i++) {
      flooder.sendMedia(frames[0]!);
      if (i % 100 === 99) await sleep(0);
    }
    await sleep(200);
    const elapsedS = (performance.now() - startedAt) / 1000;
    const closedByEngine = !flooder.open;
    if (!closedByEngine) await flooder.close();
    const closed = await flooder.closed;
    expectUntouched(await healthy.finish(), { stalls });
    stalls.stop();
    if (closedByEngine) {
      // Ending the call is a clear answer too, with a policy close code rather than a normal or abnormal one.
      expect(closed.code).not.toBe(1000);
      expect(closed.code).not.toBe(1006);
    } else {
      const allowed = PENDING_LIMITS.inboundBurstMessages + PENDING_LIMITS.maxInboundMessagesPerSecond * elapsedS;
      expect(session.stats.framesIn, `frames accepted in ${elapsedS.toFixed(2)} s`).toBeLessThanOrEqual(allowed);
      expect(session.stats.rejectedFrames).toBeGreaterThanOrEqual(3_000 - allowed);
      // Each refusal is counted under one code, for the metric.
      expect(session.stats.rejectedByCode.size).toBe(1);
    }
  });

  it("caps a slow reader's send buffer (or ends its call), and the other calls go on", async () => {
    const stalls = new StallMonitor();
    const tap = new ServerSocketTap();
    const healthy = await HealthyEchoCall.start(engine.url('steady-echo.test'), { frameCount: 200 });
    const raw = await RawWebSocket.connect(engine.port, '/ws/telnyx?serviceHost=loud-wideband.test');
    const serverSide = tap.serverSideOf(raw.socket.localPort!);
    raw.sendText(connectedFrame());
    raw.sendText(startFrame(simulatedCall(), 1));
    await sleep(100);
    // The reader stops and the kernel buffers are full: from now on every byte the engine sends
    // waits in the socket's send buffer (what `ws.bufferedAmount` reports).
    raw.socket.pause();
    serverSide.cork();
    await sleep(2_500);
    const at2500 = serverSide.destroyed ? 0 : serverSide.writableLength;
    await sleep(2_000);
    const at4500 = serverSide.destroyed ? 0 : serverSide.writableLength;
    const callEnded = engine.calls.size === 1;
    serverSide.uncork();
    raw.destroy();
    await raw.closed;
    tap.close();
    expectUntouched(await healthy.finish(), { stalls, maxGapMs: MAX_HEALTHY_GAP_MS });
    stalls.stop();
    const detail = `buffered ${at2500} B at 2.5 s, ${at4500} B at 4.5 s; call ended: ${callEnded}`;
    if (!callEnded) {
      expect(at4500, detail).toBeLessThanOrEqual(PENDING_LIMITS.maxSendBufferBytes + 64 * 1024);
      // Held at the cap: nothing more piles up once it is reached.
      expect(at4500 - at2500, detail).toBeLessThan(16 * 1024);
    }
  });

  it('keeps admitted calls paced while another process opens 300 connections at once', async () => {
    await sleep(1_100); // a fresh per-IP rate window
    const stalls = new StallMonitor();
    const healthy = await HealthyEchoCall.start(engine.url('steady-echo.test'), { frameCount: 150 });
    await sleep(300);
    const { stdout } = await run(process.execPath, ['--import', 'tsx', BURST_SCRIPT, engine.url('faulty-echo.test'), '300', '500'], {
      cwd: fileURLToPath(new URL('../..', import.meta.url)),
      timeout: 30_000,
    });
    const { tally } = JSON.parse(stdout) as { tally: Record<string, number> };
    for (const outcome of Object.keys(tally)) expect(outcome).toMatch(/^(served|refused (429|503))$/);
    expect(tally['served'] ?? 0).toBeLessThan(PENDING_LIMITS.maxCalls);
    await until(() => engine.calls.size === 1, 'the burst calls to end');
    expectUntouched(await healthy.finish(), { stalls, maxGapMs: MAX_HEALTHY_GAP_MS });
    stalls.stop();
  });
});
