import alawmulaw from 'alawmulaw';
import { createDecoder } from '../../codecs/createCodec.js';
import { OutboundSerializer } from '../../engine/telnyx/serializeOutbound.js';
import { TelnyxFrameParser } from '../../engine/telnyx/parseInbound.js';
import { G711_FRAME_SAMPLES, MAX_PAYLOAD_BYTES, type MicroInputs } from './inputs.js';
import { assertSame, assertSameSamples, type BenchPair, type Contender } from './pair.js';

/** The inbound path must not allocate per frame; this leaves room for measurement noise only. */
const INBOUND_HEAP_LIMIT = 64;
/** A mark name as the engine's bots produce them. */
const MARK_NAME = 'utterance-3';

/** The JSON shape the baseline reads. */
interface MediaJson {
  readonly media: { readonly payload: string };
}

/** The obvious inbound path: parse the whole message, decode base64 and µ-law into fresh arrays. */
function baselineInbound(message: Buffer): Int16Array {
  const frame = JSON.parse(message.toString()) as MediaJson;
  return alawmulaw.mulaw.decode(Buffer.from(frame.media.payload, 'base64'));
}

/** Our inbound path: the engine's parser on the raw message, then the PCMU decoder into a reused frame. */
function ourInbound(label: string, fastPath: boolean, message: Buffer): Contender & { readonly pcm: Int16Array } {
  const parser = new TelnyxFrameParser({ maxPayloadBytes: MAX_PAYLOAD_BYTES, fastPath });
  const decoder = createDecoder({ encoding: 'PCMU', sampleRate: 8_000 });
  const pcm = new Int16Array(MAX_PAYLOAD_BYTES);
  return {
    label,
    pcm,
    op: () => {
      const frame = parser.parse(message);
      return frame.event === 'media' ? decoder.decode(frame.payload, frame.length, pcm) : -1;
    },
  };
}

/** Item 2: one inbound PCMU `media` message to PCM16. */
function inboundPair(counters: string, message: Buffer): BenchPair {
  const fast = ourInbound('callwire', true, message);
  const slow = ourInbound('callwire, fastPath: false', false, message);
  return {
    name: `inbound media → PCM16, counters as ${counters} (${message.length} B message)`,
    ours: [fast, slow],
    baseline: { label: 'JSON.parse + Buffer.from + alawmulaw', op: () => baselineInbound(message) },
    maxHeapBytesPerOp: INBOUND_HEAP_LIMIT,
    verify() {
      const expected = baselineInbound(message);
      assertSame('inbound sample count', fast.op(), G711_FRAME_SAMPLES);
      assertSame('inbound sample count (fastPath: false)', slow.op(), G711_FRAME_SAMPLES);
      assertSameSamples('inbound PCM', fast.pcm, expected);
      assertSameSamples('inbound PCM (fastPath: false)', slow.pcm, expected);
    },
  };
}

/** Item 3: outbound `media`, `mark` and `clear`; strings must be allocated, so no heap limit. */
function outboundPairs(mulaw: Uint8Array): BenchPair[] {
  const serializer = new OutboundSerializer();
  // As engine/outboundStream.ts does: one preallocated plain Uint8Array, twice the frame, reused.
  const encoded = new Uint8Array(G711_FRAME_SAMPLES * 2);
  encoded.set(mulaw);
  const frameBuffer = Buffer.from(mulaw);
  const ourMedia = (): string => serializer.media(encoded, G711_FRAME_SAMPLES);
  const baselineMedia = (): string => JSON.stringify({ event: 'media', media: { payload: frameBuffer.toString('base64') } });
  const ourMark = (): string => serializer.mark(MARK_NAME);
  const baselineMark = (): string => JSON.stringify({ event: 'mark', mark: { name: MARK_NAME } });
  const ourClear = (): string => serializer.clear();
  const baselineClear = (): string => JSON.stringify({ event: 'clear' });
  return [
    {
      name: 'outbound media, 160 B PCMU frame → JSON text',
      ours: [
        { label: 'callwire', op: ourMedia },
        // ws.send(string) measures the UTF-8 length first, which flattens our concatenated string.
        { label: 'callwire + Buffer.byteLength (as ws.send)', op: () => Buffer.byteLength(ourMedia()) },
      ],
      baseline: { label: 'JSON.stringify + toString(base64)', op: baselineMedia },
      maxHeapBytesPerOp: undefined,
      verify: () => assertSame('media text', ourMedia(), baselineMedia()),
    },
    {
      name: 'outbound mark',
      ours: [{ label: 'callwire', op: ourMark }],
      baseline: { label: 'JSON.stringify', op: baselineMark },
      maxHeapBytesPerOp: undefined,
      verify: () => assertSame('mark text', ourMark(), baselineMark()),
    },
    {
      name: 'outbound clear',
      ours: [{ label: 'callwire', op: ourClear }],
      baseline: { label: 'JSON.stringify', op: baselineClear },
      maxHeapBytesPerOp: undefined,
      verify: () => assertSame('clear text', ourClear(), baselineClear()),
    },
  ];
}

/** Items 2 and 3 of the microbenchmarks: the Telnyx message paths. */
export function messagePairs(inputs: MicroInputs): BenchPair[] {
  return [
    inboundPair('strings', inputs.mediaMessageStringCounters),
    inboundPair('numbers', inputs.mediaMessageNumberCounters),
    ...outboundPairs(inputs.mulaw),
  ];
}
