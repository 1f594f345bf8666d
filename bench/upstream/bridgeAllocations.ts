/**
 * What the upstream bridge allocates per 20 ms frame, each way, against the one thing it cannot
 * avoid: the text of the message itself. Run: `npm run bench:upstream-allocations`.
 */
import { ManualClock } from '../../engine/clock.js';
import { silentLogger } from '../../engine/logger.js';
import { BotMessageReader } from '../../bots/upstream/botMessageReader.js';
import { TelnyxMessageWriter } from '../../bots/upstream/telnyxUpstream.js';
import { UpstreamBridge, type BridgeConnection } from '../../bots/upstream/upstreamBridge.js';
import type { UpstreamListener } from '../../bots/upstream/upstreamConnection.js';
import { parseUpstreamOptions, type UpstreamOptions } from '../../bots/upstream/upstreamOptions.js';
import type { BotOutput, CallInfo, ClearedAudio } from '../../bots/api.js';
import type { BotContext } from '../../bots/defineBot.js';
import { measureAllocations } from '../support/allocations.js';
import { mulawEncodeInto } from '../../codecs/pcmu.js';

const FRAMES = 200_000;

/** A connection that takes every message and keeps only the last (so no message is optimised away). */
class DiscardingConnection implements BridgeConnection {
  readonly bufferedBytes = 0;
  listener: UpstreamListener | undefined;
  last = '';
  send(text: string): boolean {
    this.last = text;
    return true;
  }
  attach(listener: UpstreamListener): void {
    this.listener = listener;
  }
  close(): void {}
}

/** An output that takes audio and keeps none. */
const discardingOutput: BotOutput = {
  sampleRate: 8000,
  queuedSamples: 0,
  play: (pcm: Int16Array, offset = 0, count = pcm.length - offset) => count,
  mark: () => undefined,
  clear: (): ClearedAudio => ({ unsentSamples: 0, unplayedSamples: 0, cutMarks: [] }),
  setPrebufferMs: () => undefined,
};

const call = { callId: 'bench', streamId: 'stream-1', callControlId: 'v3:cc', callSessionId: 's', userId: undefined, from: '+1', to: '+2', tags: [], clientState: undefined, customParameters: {}, mediaFormat: { encoding: 'PCMU', sampleRate: 8000, channels: 1 }, org: 'o', agent: 'a' } as unknown as CallInfo;
const context = { call, output: discardingOutput, clock: new ManualClock(), log: silentLogger(), options: parseUpstreamOptions({ url: 'ws://bot/ws' }), annotate: () => undefined } as unknown as BotContext<UpstreamOptions>;
const connection = new DiscardingConnection();
const bridge = new UpstreamBridge(context, connection);
bridge.start();

const frame = new Int16Array(160).map((_, i) => Math.round(Math.sin(i / 4) * 8000));
const encoded = Buffer.alloc(160);
mulawEncodeInto(frame, 0, 160, encoded);
const writer = new TelnyxMessageWriter();
writer.start({ ...call, encoding: 'PCMU' });

let lastMessage = '';
const callerToBot = measureAllocations(() => bridge.hear(frame, 160), FRAMES);
const messageOnly = measureAllocations(() => void (lastMessage = writer.media(encoded, 160)), FRAMES);
void lastMessage;

const botMessage = Buffer.from(JSON.stringify({ event: 'media', media: { payload: encoded.toString('base64') } }));
const reader = new BotMessageReader(1024 * 1024);
const readOnly = measureAllocations(() => void reader.read(botMessage, false), FRAMES);
const botToCaller = measureAllocations(() => connection.listener!.message(botMessage, false), FRAMES);

const row = (name: string, bytes: number) => `| ${name} | ${bytes.toFixed(1)} |`;
process.stdout.write(
  [
    `Upstream bridge allocations, ${FRAMES.toLocaleString('en-US')} frames each (heap bytes per frame)`,
    '',
    '| path | bytes per frame |',
    '| --- | ---: |',
    row("caller → bot: the media message's text alone (base64 + JSON, unavoidable)", messageOnly.heapBytesPerOp),
    row('caller → bot: the whole bridge (encode, number, write)', callerToBot.heapBytesPerOp),
    row("bot → caller: reading a bot's media message (scanner, reused buffer)", readOnly.heapBytesPerOp),
    row('bot → caller: the whole bridge (read, decode, play)', botToCaller.heapBytesPerOp),
    '',
  ].join('\n'),
);
