/**
 * A fixture (or any capture) turned into ready-to-send frames for the load generator: every frame
 * is a WebSocket frame (framed and masked, `rawWebSocket.ts`) built once and shared by all calls,
 * so sending one is a single socket write with no JSON or framing work. A call longer
 * than the fixture loops it; the loops' copies are renumbered (`sequence_number`, `chunk`,
 * `timestamp` continue) so the engine sees one long call, not a restart.
 */
import { basename } from 'node:path';
import type { CaptureMediaFormat } from '../capture/captureFormat.js';
import { readCapture } from '../capture/readCapture.js';
import { EchoFrameIndex, PCMU_FRAME_BYTES } from './echoMatcher.js';
import { fixedMask, maskedTextFrame } from './rawWebSocket.js';

/** A Telnyx counter (digits, quoted as Telnyx sends them, or bare) found by key in a frame's text. */
interface CounterField {
  readonly key: string;
  readonly pattern: RegExp;
}

function counterField(key: string): CounterField {
  return { key, pattern: new RegExp(`"${key}":("?)(\\d+)\\1`) };
}

const SEQUENCE_FIELD = counterField('sequence_number');
const CHUNK_FIELD = counterField('chunk');
const TIMESTAMP_FIELD = counterField('timestamp');

/** Replaces the digits of a counter field, keeping its quoting. */
function setCounter(text: string, field: CounterField, value: number): string {
  return text.replace(field.pattern, (_whole: string, quote: string) => `"${field.key}":${quote}${value}${quote}`);
}

/** Reads a counter field's value, or undefined. */
function readCounter(text: string, field: CounterField): number | undefined {
  const match = field.pattern.exec(text);
  return match?.[2] === undefined ? undefined : Number(match[2]);
}

/** A key press and the media frame it follows. */
interface FixtureDtmf {
  /** Fixture media index the press follows (-1: before any media). */
  readonly afterMedia: number;
  readonly text: string;
  readonly sequence: number;
}

/** Frames of one fixture, prebuilt; see the module comment. */
export class FixtureFrames {
  /** File name without `.capture.jsonl`. */
  readonly name: string;
  /** `serviceHost` recorded in the capture. */
  readonly serviceHost: string;
  /** Codec and rate of the caller's audio (`start.media_format`). */
  readonly inbound: CaptureMediaFormat;
  readonly connected: Buffer;
  readonly start: Buffer;
  /** `stream_id` of the `start` frame, for the frames the generator writes itself (mark echoes). */
  readonly streamId: string;
  /** When the first media frame goes out, ms after the socket opens. */
  readonly firstMediaOffsetMs: number;
  /** Media frames in one pass of the fixture. */
  readonly mediaCount: number;
  /** Nominal spacing of media frames. */
  readonly frameMs = 20;
  /** Key presses in one pass, in order. */
  readonly dtmfCount: number;
  /** Content index for echo matching; null unless the fixture is PCMU 8 kHz with 160-byte frames. */
  readonly echoIndex: EchoFrameIndex | null;
  readonly #mediaTexts: readonly string[];
  readonly #mediaSequence: Int32Array;
  readonly #dtmf: readonly FixtureDtmf[];
  /** Sequence numbers used by one pass (media + dtmf). */
  readonly #sequencePerLoop: number;
  readonly #chunkBase: number;
  readonly #timestampStep: number;
  readonly #timestampPerLoop: number;
  readonly #stopText: string;
  readonly #media: Buffer[] = [];
  readonly #dtmfFrames: Buffer[][] = [];

  private constructor(name: string, serviceHost: string, inbound: CaptureMediaFormat, texts: { connected: string; start: string; stop: string }, media: { offsetMs: number; texts: string[]; payloads: Buffer[] }, dtmf: FixtureDtmf[]) {
    this.name = name;
    this.serviceHost = serviceHost;
    this.inbound = inbound;
    this.connected = maskedTextFrame(texts.connected, fixedMask(-1));
    this.start = maskedTextFrame(texts.start, fixedMask(-2));
    this.streamId = String((JSON.parse(texts.start) as { stream_id?: unknown }).stream_id ?? '');
    this.#stopText = texts.stop;
    this.firstMediaOffsetMs = media.offsetMs;
    this.mediaCount = media.texts.length;
    this.#mediaTexts = media.texts;
    this.#dtmf = dtmf;
    this.dtmfCount = dtmf.length;
    this.#mediaSequence = new Int32Array(media.texts.map((text) => readCounter(text, SEQUENCE_FIELD) ?? 0));
    this.#sequencePerLoop = media.texts.length + dtmf.length;
    this.#chunkBase = readCounter(media.texts[0] ?? '', CHUNK_FIELD) ?? 1;
    const firstTimestamp = readCounter(media.texts[0] ?? '', TIMESTAMP_FIELD) ?? 0;
    const secondTimestamp = readCounter(media.texts[1] ?? '', TIMESTAMP_FIELD) ?? firstTimestamp + this.frameMs;
    const lastTimestamp = readCounter(media.texts[media.texts.length - 1] ?? '', TIMESTAMP_FIELD) ?? firstTimestamp;
    this.#timestampStep = secondTimestamp - firstTimestamp;
    this.#timestampPerLoop = lastTimestamp - firstTimestamp + this.#timestampStep;
    media.texts.forEach((text, index) => this.#media.push(maskedTextFrame(text, fixedMask(index))));
    this.#dtmfFrames.push(dtmf.map((press, index) => maskedTextFrame(press.text, fixedMask(-3 - index))));
    const pcmu = inbound.encoding === 'PCMU' && inbound.sampleRate === 8000 && media.payloads.every((payload) => payload.length === PCMU_FRAME_BYTES);
    this.echoIndex = pcmu ? new EchoFrameIndex(media.payloads) : null;
  }

  /** Reads a capture file and prebuilds its first pass. */
  static async load(path: string): Promise<FixtureFrames> {
    const capture = await readCapture(path);
    let connected: string | undefined;
    let start: string | undefined;
    let stop: string | undefined;
    let offsetMs = Number.NaN;
    const texts: string[] = [];
    const payloads: Buffer[] = [];
    const dtmf: FixtureDtmf[] = [];
    for (const event of capture.events) {
      if (event.kind !== 'in') continue;
      const text = event.data.toString('utf8');
      const frame = JSON.parse(text) as { event?: unknown; media?: { payload?: unknown } };
      switch (frame.event) {
        case 'connected':
          connected ??= text;
          break;
        case 'start':
          start ??= text;
          break;
        case 'media':
          if (texts.length === 0) offsetMs = event.t / 1000;
          texts.push(text);
          payloads.push(Buffer.from(String(frame.media?.payload ?? ''), 'base64'));
          break;
        case 'dtmf':
          dtmf.push({ afterMedia: texts.length - 1, text, sequence: readCounter(text, SEQUENCE_FIELD) ?? 0 });
          break;
        case 'stop':
          stop ??= text;
          break;
        default:
          break;
      }
    }
    const name = basename(path).replace(/\.capture\.jsonl$/, '');
    if (connected === undefined || start === undefined || texts.length === 0) {
      throw new Error(`${path}: a load fixture needs connected, start and at least one media frame`);
    }
    const inbound = capture.header.inbound ?? { encoding: 'PCMU', sampleRate: 8000 };
    stop ??= JSON.stringify({ event: 'stop', sequence_number: '0', stop: {} });
    return new FixtureFrames(name, capture.header.serviceHost, inbound, { connected, start, stop }, { offsetMs, texts, payloads }, dtmf);
  }

  /** Makes frames 0 … count − 1 available, building renumbered loops as needed. */
  ensureFrames(count: number): void {
    while (this.#media.length < count) {
      const frameIndex = this.#media.length;
      const loop = Math.floor(frameIndex / this.mediaCount);
      const slot = frameIndex % this.mediaCount;
      let text = this.#mediaTexts[slot] as string;
      text = setCounter(text, SEQUENCE_FIELD, this.mediaSequence(frameIndex));
      text = setCounter(text, CHUNK_FIELD, this.#chunkBase + frameIndex);
      const timestamp = (readCounter(text, TIMESTAMP_FIELD) ?? 0) + loop * this.#timestampPerLoop;
      text = setCounter(text, TIMESTAMP_FIELD, timestamp);
      this.#media.push(maskedTextFrame(text, fixedMask(frameIndex)));
      if (slot === 0) {
        this.#dtmfFrames.push(
          this.#dtmf.map((press, index) => maskedTextFrame(setCounter(press.text, SEQUENCE_FIELD, press.sequence + loop * this.#sequencePerLoop), fixedMask(-3 - index))),
        );
      }
    }
  }

  /** Media frame `frameIndex` (counting across loops), framed and masked; call {@link ensureFrames} first. */
  media(frameIndex: number): Buffer {
    const frame = this.#media[frameIndex];
    if (frame === undefined) throw new RangeError(`media frame ${frameIndex} not built (have ${this.#media.length})`);
    return frame;
  }

  /** `sequence_number` of media frame `frameIndex`. */
  mediaSequence(frameIndex: number): number {
    const loop = Math.floor(frameIndex / this.mediaCount);
    return (this.#mediaSequence[frameIndex % this.mediaCount] ?? 0) + loop * this.#sequencePerLoop;
  }

  /** Fixture media index key press `press` follows (-1: before any media). */
  dtmfAfterMedia(press: number): number {
    return this.#dtmf[press]?.afterMedia ?? -1;
  }

  /** Key press `press` of loop `loop`; built by {@link ensureFrames}. */
  dtmf(loop: number, press: number): Buffer {
    const frame = this.#dtmfFrames[loop]?.[press];
    if (frame === undefined) throw new RangeError(`dtmf ${press} of loop ${loop} not built`);
    return frame;
  }

  /** `sequence_number` of key press `press` in loop `loop`. */
  dtmfSequence(loop: number, press: number): number {
    return (this.#dtmf[press]?.sequence ?? 0) + loop * this.#sequencePerLoop;
  }

  /** The `stop` frame's text carrying `sequence`; built once per call, when it ends. */
  stop(sequence: number): string {
    return setCounter(this.#stopText, SEQUENCE_FIELD, sequence);
  }

  /** Media frames for a call streaming `durationMs` after the socket opens. */
  framesFor(durationMs: number): number {
    return Math.max(0, Math.ceil((durationMs - this.firstMediaOffsetMs) / this.frameMs));
  }
}
