/**
 * fast-check generators of what a Telnyx media-stream client can send: every documented frame with
 * arbitrary field values, mutations of them (byte flips, truncation, duplicated keys, wrong types,
 * huge numbers, odd unicode, deep nesting), arbitrary text and binary messages.
 */
import fc from 'fast-check';

/** One WebSocket message of a fuzzed client; `label` names what it is, for failure reports. */
export type FuzzMessage =
  | { readonly kind: 'text'; readonly text: string; readonly label: string }
  /** Bytes sent in a text frame as they are, valid UTF-8 or not. */
  | { readonly kind: 'rawText'; readonly bytes: Uint8Array; readonly label: string }
  | { readonly kind: 'binary'; readonly bytes: Uint8Array; readonly label: string };

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const STREAM_ID = '32de0dea-53cb-4b21-89a4-9610c5c3e4a9';

/** A Telnyx counter as Telnyx sends it (a digit string), or any of the ways it can be wrong. */
const counter: fc.Arbitrary<Json | undefined> = fc.oneof(
  { weight: 6, arbitrary: fc.nat({ max: 100_000 }).map(String) },
  { weight: 2, arbitrary: fc.nat() },
  { weight: 1, arbitrary: fc.constantFrom<Json | undefined>(undefined, null, '', '-1', '1e3', '0x10', ' 7', '٣', 2 ** 53, -1, 1.5, '99999999999999999999') },
);

const shortText = fc.string({ maxLength: 12 });

const mediaFormat = fc.record({
  encoding: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('PCMU', 'PCMA', 'L16', 'OPUS') },
    { weight: 2, arbitrary: fc.constantFrom('pcmu', 'l16', 'opus', 'G722', 'AMR-WB', '') },
    { weight: 1, arbitrary: shortText },
  ),
  sample_rate: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom<Json>(8000, 16000, 24000, 48000, '8000', '16000') },
    { weight: 2, arbitrary: fc.constantFrom<Json>(44100, 22050, 1, 0, 7, 160, 2 ** 31, 1e9, 2 ** 53, '48000.0', -8000) },
  ),
  channels: fc.constantFrom<Json>(1, '1', 2, 0),
});

const customParameters: fc.Arbitrary<Json | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.dictionary(shortText, fc.oneof(shortText, fc.integer(), fc.boolean(), fc.constant(null), fc.jsonValue({ maxDepth: 2 }) as fc.Arbitrary<Json>), {
    maxKeys: 5,
  }),
  fc.array(fc.record({ name: shortText, value: shortText }), { maxLength: 3 }),
  fc.constantFrom<Json>(JSON.parse('{"__proto__":"x","constructor":"y","toString":"z"}') as Json, 'not an object', 42),
);

const startFrame = fc.record({
  event: fc.constant('start'),
  sequence_number: counter,
  start: fc.record({
    user_id: fc.option(shortText, { nil: undefined }),
    call_control_id: shortText,
    call_session_id: shortText,
    from: fc.constantFrom('+13122010094', 'sip:alice@example.com', ''),
    to: fc.constantFrom('+13122123456', ''),
    tags: fc.array(shortText, { maxLength: 3 }),
    client_state: fc.option(fc.base64String({ maxLength: 16 }), { nil: undefined }),
    custom_parameters: customParameters,
    media_format: mediaFormat,
  }),
  stream_id: fc.constant(STREAM_ID),
});

/** Payloads: whole 10/20/30/60 ms frames of each codec, odd and empty sizes, too large, not base64. */
const payload: fc.Arbitrary<Json> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom(80, 160, 320, 480, 640, 960).chain((length) => fc.uint8Array({ minLength: length, maxLength: length })).map((bytes) => Buffer.from(bytes).toString('base64')) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 1_200 }).map((bytes) => Buffer.from(bytes).toString('base64')) },
  { weight: 1, arbitrary: fc.constantFrom('', 'AA', 'AAA', '====', 'QUJD=RA==', '%%%', Buffer.alloc(8_193).toString('base64'), 'AAAA'.repeat(3_000)) },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.constantFrom<Json>(null, 12, [], {}, true) },
);

const mediaFrame = fc.record({
  event: fc.constant('media'),
  sequence_number: counter,
  media: fc.record({
    track: fc.constantFrom<Json | undefined>('inbound', 'inbound', 'inbound', 'outbound', undefined, null, 'both', 5),
    chunk: counter,
    timestamp: counter,
    payload,
  }),
  stream_id: fc.constant(STREAM_ID),
});

const dtmfFrame = fc.record({
  event: fc.constant('dtmf'),
  stream_id: fc.constant(STREAM_ID),
  occurred_at: fc.constantFrom('2026-04-10T14:22:05.123Z', 'yesterday'),
  sequence_number: counter,
  dtmf: fc.record({ digit: fc.oneof(fc.constantFrom('0', '1', '2', '5', '9', '*', '#', 'A', 'D'), shortText) }),
});

const markFrame = fc.record({
  event: fc.constant('mark'),
  sequence_number: counter,
  stream_id: fc.constant(STREAM_ID),
  mark: fc.record({ name: fc.oneof(fc.constantFrom('menu', 'echo', 'goodbye', 'first'), shortText) }),
});

const stopFrame = fc.record({
  event: fc.constant('stop'),
  sequence_number: counter,
  stop: fc.record({ user_id: shortText, call_control_id: shortText }),
  stream_id: fc.constant(STREAM_ID),
});

const errorFrame = fc.record({
  event: fc.constant('error'),
  payload: fc.record({ code: fc.oneof(fc.constantFrom(100002, 100003), counter), title: shortText, detail: fc.option(shortText, { nil: undefined }) }),
  stream_id: fc.constant(STREAM_ID),
});

const connectedFrame = fc.record({
  event: fc.constant('connected'),
  version: fc.constantFrom<Json>('1.0.0', 1, null),
  connected: fc.option(fc.record({ 'x-telnyx-streaming-auth-token': shortText }), { nil: undefined }),
});

/** Any documented frame, as an object; media the most common, as on a real stream. */
export const documentedFrame: fc.Arbitrary<Record<string, unknown>> = fc.oneof(
  { weight: 2, arbitrary: connectedFrame },
  { weight: 3, arbitrary: startFrame },
  { weight: 10, arbitrary: mediaFrame },
  { weight: 2, arbitrary: dtmfFrame },
  { weight: 2, arbitrary: markFrame },
  { weight: 1, arbitrary: stopFrame },
  { weight: 1, arbitrary: errorFrame },
);

/** Paths to every value inside `value`, the root excluded. */
function valuePaths(value: unknown, prefix: readonly (string | number)[] = [], out: (readonly (string | number)[])[] = []): (readonly (string | number)[])[] {
  if (typeof value !== 'object' || value === null) return out;
  for (const key of Object.keys(value)) {
    const path = [...prefix, Array.isArray(value) ? Number(key) : key];
    out.push(path);
    valuePaths((value as Record<string, unknown>)[key], path, out);
  }
  return out;
}

/** A copy of `frame` with the value at `path` replaced. */
function replaceAt(frame: Record<string, unknown>, path: readonly (string | number)[], replacement: unknown): Record<string, unknown> {
  const copy = structuredClone(frame);
  let parent: Record<string | number, unknown> = copy;
  for (let i = 0; i < path.length - 1; i++) parent = parent[path[i]!] as Record<string | number, unknown>;
  parent[path[path.length - 1]!] = replacement;
  return copy;
}

/** Raw JSON text that cannot come from `JSON.stringify`: infinities, deep nesting, odd escapes. */
const rawJsonValue = fc.oneof(
  fc.constantFrom('1e999', '-1e999', '-0', '1E400', '123456789012345678901234567890', '"\\ud800"', '"\\u0000"', '"\\"\\\\\\/"'),
  fc.integer({ min: 100, max: 20_000 }).map((depth) => `${'['.repeat(depth)}${']'.repeat(depth)}`),
  fc.integer({ min: 100, max: 8_000 }).map((depth) => `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`),
);

const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, 2 ** 64, -1, 0.5, '', null, [], {}, true),
  fc.string({ unit: 'binary', maxLength: 30 }),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
);

/** A documented frame made wrong in one way, as a message. */
const mutatedFrame: fc.Arbitrary<FuzzMessage> = fc.oneof(
  fc.tuple(documentedFrame, fc.nat(), fc.integer({ min: 1, max: 255 })).map(([frame, at, xor]): FuzzMessage => {
    const bytes = Buffer.from(JSON.stringify(frame));
    bytes[at % bytes.length]! ^= xor;
    return { kind: 'rawText', bytes, label: `flip:${String(frame['event'])}` };
  }),
  fc.tuple(documentedFrame, fc.nat()).map(([frame, at]): FuzzMessage => {
    const text = JSON.stringify(frame);
    return { kind: 'text', text: text.slice(0, at % text.length), label: `truncate:${String(frame['event'])}` };
  }),
  fc.tuple(documentedFrame, documentedFrame, fc.boolean()).map(([frame, other, first]): FuzzMessage => {
    // Duplicated keys: JSON.parse keeps the last, a hand-written scanner may keep the first.
    const text = JSON.stringify(frame);
    const extra = JSON.stringify(other).slice(1, -1);
    const merged = first ? `{${extra},${text.slice(1)}` : `${text.slice(0, -1)},${extra}}`;
    return { kind: 'text', text: merged, label: `duplicate:${String(frame['event'])}+${String(other['event'])}` };
  }),
  fc.tuple(documentedFrame, fc.nat(), wrongValue).map(([frame, pick, value]): FuzzMessage => {
    const paths = valuePaths(frame);
    const path = paths[pick % paths.length]!;
    return { kind: 'text', text: JSON.stringify(replaceAt(frame, path, value)), label: `wrong:${String(frame['event'])}.${path.join('.')}` };
  }),
  fc.tuple(documentedFrame, fc.nat(), rawJsonValue).map(([frame, pick, raw]): FuzzMessage => {
    const paths = valuePaths(frame);
    const path = paths[pick % paths.length]!;
    const marker = '"__callwire_fuzz_marker__"';
    const text = JSON.stringify(replaceAt(frame, path, '__callwire_fuzz_marker__')).replace(marker, raw);
    return { kind: 'text', text, label: `raw:${String(frame['event'])}.${path.join('.')}:${raw.slice(0, 12)}` };
  }),
);

/** Anything but a frame: arbitrary text, JSON that is not a frame, binary, invalid UTF-8, too large. */
const junk: fc.Arbitrary<FuzzMessage> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((text): FuzzMessage => ({ kind: 'text', text, label: 'text' })),
  fc.json({ maxDepth: 3 }).map((text): FuzzMessage => ({ kind: 'text', text, label: 'json' })),
  fc
    .constantFrom('', 'null', '[]', '{}', '{"event":null}', '{"event":"media"}', '{"event":"__proto__"}', '{"event":"constructor"}', '{"__proto__":{"event":"media"}}', '{"event":"media","media":{"payload":"AAAA"},"event":"start"}')
    .map((text): FuzzMessage => ({ kind: 'text', text, label: `junk:${text}` })),
  fc.uint8Array({ maxLength: 400 }).map((bytes): FuzzMessage => ({ kind: 'binary', bytes, label: 'binary' })),
  documentedFrame.map((frame): FuzzMessage => ({ kind: 'binary', bytes: Buffer.from(JSON.stringify(frame)), label: `binary:${String(frame['event'])}` })),
  fc.uint8Array({ minLength: 1, maxLength: 40 }).map((bytes): FuzzMessage => ({ kind: 'rawText', bytes: Buffer.concat([bytes, Buffer.from([0xff, 0xfe])]), label: 'invalid-utf8' })),
  fc.constant<FuzzMessage>({ kind: 'text', text: `{"event":"media","media":{"payload":"${'A'.repeat(70_000)}"}}`, label: 'oversized' }),
);

/** Any one message: mostly documented frames, then mutated ones, then junk. */
export const fuzzMessage: fc.Arbitrary<FuzzMessage> = fc.oneof(
  { weight: 6, arbitrary: documentedFrame.map((frame): FuzzMessage => ({ kind: 'text', text: JSON.stringify(frame), label: String(frame['event']) })) },
  { weight: 3, arbitrary: mutatedFrame },
  { weight: 1, arbitrary: junk },
);

/** A `start` that the engine can serve (documented codec and rate), to get calls streaming. */
export const servableStart: fc.Arbitrary<FuzzMessage> = fc
  .tuple(startFrame, fc.constantFrom(['PCMU', 8000], ['PCMA', 8000], ['L16', 8000], ['L16', 16000], ['OPUS', 48000], ['OPUS', 16000]) as fc.Arbitrary<[string, number]>)
  .map(([frame, [encoding, sampleRate]]): FuzzMessage => {
    const start = { ...frame.start, media_format: { encoding, sample_rate: sampleRate, channels: 1 } };
    return { kind: 'text', text: JSON.stringify({ ...frame, start }), label: `start:${encoding}/${sampleRate}` };
  });
