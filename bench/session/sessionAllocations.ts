/**
 * What one call's data plane costs per 20 ms frame, through the whole session: a caller `media`
 * message arrives on the socket (counted, rate-limited, parsed, checked), goes through the jitter
 * buffer to the bot at the next pacer tick, and the echo bot's audio goes back out, encoded and sent.
 * The socket is an in-process stand-in, so only the engine's own work is measured: heap bytes per
 * frame on one call, and CPU time per frame on one call and on many calls served in turn, as the
 * pacer serves them (each call's state then falls out of the CPU's caches between its frames).
 * Run: `npm run bench:session [-- --calls N]` (default 500 for the many-call figure).
 */
import { EventEmitter } from 'node:events';
import { parseArgs } from 'node:util';
import type { WebSocket } from 'ws';
import { echoBot } from '../../bots/echo.js';
import { buildAgent } from '../../engine/agent.js';
import { ManualClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { engineLogBudgets } from '../../engine/logging/sharedLogBudget.js';
import type { Pacer } from '../../engine/pacer.js';
import { CallSession } from '../../engine/session/callSession.js';
import { OutboundSerializer } from '../../engine/telnyx/serializeOutbound.js';
import { connectedFrame, mediaFrame, simulatedCall, startFrame, type SimulatedCall } from '../telnyx/mediaFrames.js';
import { measureAllocations } from '../support/allocations.js';
import { median } from '../support/quantiles.js';

const FRAMES = 40_000;
const WARMUP = 1_000;
const FRAME_MS = 20;
const SAMPLES_PER_FRAME = 160;
/** Rounds of the timed runs; the median is reported, so a stall of a busy machine in one round does not count. */
const TIMED_ROUNDS = 7;
/** Frames per timed round, over all calls. */
const TIMED_FRAMES = 40_000;

const { values } = parseArgs({ options: { calls: { type: 'string', default: '500' } } });
const manyCalls = Number(values.calls);
if (!Number.isInteger(manyCalls) || manyCalls < 2) throw new Error(`--calls must be a whole number above 1, got "${values.calls}"`);

/** An open socket that takes every outbound message and keeps only the last. */
class DiscardingSocket extends EventEmitter {
  readonly OPEN = 1;
  readonly CONNECTING = 0;
  readyState = 1;
  bufferedAmount = 0;
  last = '';
  send(text: string): void {
    this.last = text;
  }
  close(): void {
    this.readyState = 3;
  }
  pause(): void {}
  terminate(): void {}
}

/** A pacer the bench drives itself, one tick per frame. */
const manualPacer = { add: () => undefined, remove: () => undefined, msSinceTick: () => 0 } as unknown as Pacer;

const clock = new ManualClock(1_000);
const log = silentLogger();
const agent = buildAgent('bench', 'echo', echoBot, 'echo');
const payload = new Uint8Array(SAMPLES_PER_FRAME).map((_, i) => 0x80 | (i * 7) % 0x7f);

/** One call of the bench: its socket stand-in, session, Telnyx identity and next sequence number. */
interface BenchCall {
  readonly socket: DiscardingSocket;
  readonly session: CallSession;
  readonly call: SimulatedCall;
  nextFrame: number;
}

/** Opens a call: `connected` and `start`, then the promise turns the machine takes to start the bot. */
async function openCall(index: number): Promise<BenchCall> {
  const socket = new DiscardingSocket();
  const session = new CallSession(socket as unknown as WebSocket, agent, {
    clock,
    pacer: manualPacer,
    log,
    writer: new OutboundSerializer(),
    limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000, maxInboundMessagesPerSecond: 1_000_000, inboundBurstMessages: 1_000_000 },
    logBudgets: engineLogBudgets(log, clock),
    onEnded: () => undefined,
  });
  const call = simulatedCall({ callControlId: `v3:bench-${index}`, streamId: `stream-${index}` });
  socket.emit('message', Buffer.from(connectedFrame()), false);
  socket.emit('message', Buffer.from(startFrame(call)), false);
  for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));
  return { socket, session, call, nextFrame: 0 };
}

/** The call's next `count` media messages, built before they are timed, as the socket would hand over a fresh Buffer each. */
function nextMessages(call: BenchCall, count: number): Buffer[] {
  const messages: Buffer[] = [];
  for (let n = 0; n < count; n++, call.nextFrame++) {
    const i = call.nextFrame;
    messages.push(Buffer.from(mediaFrame(call.call, i + 2, i + 1, i * SAMPLES_PER_FRAME, payload)));
  }
  return messages;
}

/**
 * Median CPU time per frame when `calls` take turns, one frame each per tick (all messages of a
 * tick arrive, then the pacer ticks every call), as the engine serves them.
 */
function timePerFrame(calls: readonly BenchCall[]): { median: number; low: number; high: number } {
  const ticks = Math.ceil(TIMED_FRAMES / calls.length);
  const micros: number[] = [];
  for (let round = 0; round < TIMED_ROUNDS; round++) {
    const messages = calls.map((call) => nextMessages(call, ticks));
    const began = process.cpuUsage();
    for (let tick = 0; tick < ticks; tick++) {
      for (let c = 0; c < calls.length; c++) calls[c]!.socket.emit('message', messages[c]![tick]!, false);
      clock.advance(FRAME_MS);
      for (let c = 0; c < calls.length; c++) calls[c]!.session.pace();
    }
    const used = process.cpuUsage(began);
    micros.push((used.user + used.system) / (ticks * calls.length));
  }
  return { median: median(micros), low: Math.min(...micros), high: Math.max(...micros) };
}

const first = await openCall(0);
const messages = nextMessages(first, FRAMES + WARMUP);
let next = 0;
const report = measureAllocations(
  () => {
    first.socket.emit('message', messages[next++]!, false);
    clock.advance(FRAME_MS);
    first.session.pace();
  },
  FRAMES,
  WARMUP,
);
messages.length = 0;

// The one allocation the path cannot avoid: the outbound message's text (3 frames a message by default).
const writer = new OutboundSerializer();
const threeFrames = new Uint8Array(3 * SAMPLES_PER_FRAME).fill(0xff);
let lastText = '';
const textOnly = measureAllocations(() => void (lastText = writer.media(threeFrames, threeFrames.length)), FRAMES);
void lastText;

const oneCall = timePerFrame([first]);
const calls = [first];
for (let i = 1; i < manyCalls; i++) calls.push(await openCall(i));
const many = timePerFrame(calls);

const sent = first.session.output.stats.framesSent;
const framesIn = first.session.stats.framesIn;
const rejected = calls.reduce((sum, call) => sum + call.session.stats.rejectedFrames, 0);
for (const call of calls) call.session.shutdown();
const row = (label: string, time: { median: number; low: number; high: number }): string => `| ${label} | ${time.median.toFixed(2)} | ${time.low.toFixed(2)} to ${time.high.toFixed(2)} |`;
process.stdout.write(
  [
    `Call session allocations, ${FRAMES.toLocaleString('en-US')} frames (echo bot; socket stand-in)`,
    '',
    '| path | heap bytes per frame | ArrayBuffer bytes per frame |',
    '| --- | ---: | ---: |',
    `| the outbound message's text alone, per frame (unavoidable) | ${(textOnly.heapBytesPerOp / 3).toFixed(1)} | ${(textOnly.arrayBufferBytesPerOp / 3).toFixed(1)} |`,
    `| media message in → bot → echo out | ${report.heapBytesPerOp.toFixed(1)} | ${report.arrayBufferBytesPerOp.toFixed(1)} |`,
    '',
    `CPU time per frame, media message in → bot → echo out (median of ${TIMED_ROUNDS} rounds of ${TIMED_FRAMES.toLocaleString('en-US')} frames)`,
    '',
    '| calls served in turn | µs per frame | rounds |',
    '| --- | ---: | ---: |',
    row('1', oneCall),
    row(String(manyCalls), many),
    '',
    `first call: frames in ${framesIn}, frames out ${sent}; rejected on all calls ${rejected}`,
    '',
  ].join('\n'),
);
