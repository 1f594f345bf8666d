/**
 * What one call's data plane allocates per 20 ms frame, through the whole session: a caller `media`
 * message arrives on the socket (counted, rate-limited, parsed, checked), goes through the jitter
 * buffer to the bot at the next pacer tick, and the echo bot's audio goes back out, encoded and sent.
 * The socket is an in-process stand-in, so only the engine's own work is measured.
 * Run: `npm run bench:session`.
 */
import { EventEmitter } from 'node:events';
import type { WebSocket } from 'ws';
import { echoBot } from '../../bots/echo.js';
import { buildAgent } from '../../engine/agent.js';
import { ManualClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { engineLogBudgets } from '../../engine/logging/sharedLogBudget.js';
import type { Pacer } from '../../engine/pacer.js';
import { CallSession } from '../../engine/session/callSession.js';
import { OutboundSerializer } from '../../engine/telnyx/serializeOutbound.js';
import { connectedFrame, mediaFrame, simulatedCall, startFrame } from '../telnyx/mediaFrames.js';
import { measureAllocations } from '../support/allocations.js';

const FRAMES = 40_000;
const WARMUP = 1_000;
const FRAME_MS = 20;
const SAMPLES_PER_FRAME = 160;

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
const socket = new DiscardingSocket();
const agent = buildAgent('bench', 'echo', echoBot, 'echo');
const session = new CallSession(socket as unknown as WebSocket, agent, {
  clock,
  pacer: manualPacer,
  log,
  writer: new OutboundSerializer(),
  limits: { maxPayloadBytes: 8192, maxQueuedAudioMs: 60_000, maxInboundMessagesPerSecond: 1_000_000, inboundBurstMessages: 1_000_000 },
  logBudgets: engineLogBudgets(log, clock),
  onEnded: () => undefined,
});

const call = simulatedCall();
const payload = new Uint8Array(SAMPLES_PER_FRAME).map((_, i) => 0x80 | (i * 7) % 0x7f);
// Every message is built before the measured run, as the socket would hand over a fresh Buffer each.
const messages: Buffer[] = [];
for (let i = 0; i < FRAMES + WARMUP; i++) messages.push(Buffer.from(mediaFrame(call, i + 2, i + 1, i * SAMPLES_PER_FRAME, payload)));

socket.emit('message', Buffer.from(connectedFrame()), false);
socket.emit('message', Buffer.from(startFrame(call)), false);
// The machine starts the bot a few promise turns after `start`.
for (let i = 0; i < 20; i++) await new Promise((resolve) => setImmediate(resolve));

let next = 0;
const report = measureAllocations(
  () => {
    socket.emit('message', messages[next++]!, false);
    clock.advance(FRAME_MS);
    session.pace();
  },
  FRAMES,
  WARMUP,
);

// The one allocation the path cannot avoid: the outbound message's text (3 frames a message by default).
const writer = new OutboundSerializer();
const threeFrames = new Uint8Array(3 * SAMPLES_PER_FRAME).fill(0xff);
let lastText = '';
const textOnly = measureAllocations(() => void (lastText = writer.media(threeFrames, threeFrames.length)), FRAMES);
void lastText;

const sent = session.output.stats.framesSent;
session.shutdown();
process.stdout.write(
  [
    `Call session allocations, ${FRAMES.toLocaleString('en-US')} frames (echo bot; socket stand-in)`,
    '',
    '| path | heap bytes per frame | ArrayBuffer bytes per frame |',
    '| --- | ---: | ---: |',
    `| the outbound message's text alone, per frame (unavoidable) | ${(textOnly.heapBytesPerOp / 3).toFixed(1)} | ${(textOnly.arrayBufferBytesPerOp / 3).toFixed(1)} |`,
    `| media message in → bot → echo out | ${report.heapBytesPerOp.toFixed(1)} | ${report.arrayBufferBytesPerOp.toFixed(1)} |`,
    '',
    `frames in ${session.stats.framesIn}, frames out ${sent}, rejected ${session.stats.rejectedFrames}`,
    '',
  ].join('\n'),
);
