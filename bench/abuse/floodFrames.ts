/**
 * The messages the WebSocket attacks send, built once so an attacker spends its CPU on sending, not
 * on building: a fixed frame is one Buffer sent again and again; frames that must differ each time
 * ({@link DistinctFrames}) are a few copies of one template whose counter is rewritten in place.
 */
import { mediaFrame, simulatedCall, startFrame, type SimulatedCall } from '../telnyx/mediaFrames.js';

/** Telnyx's code for a media-stream error (the code a flood would plausibly copy). */
const TELNYX_ERROR_CODE = 100002;
/** Digits of the counter that makes each distinct frame unique (base 36: 4.7e18 values). */
const COUNTER_DIGITS = 12;
const COUNTER_MARK = '#'.repeat(COUNTER_DIGITS);

/** An `error` frame whose `detail` is `detailBytes` of text; `counter` (if any) starts the detail. */
export function errorFrameText(detailBytes: number, counter = ''): string {
  const detail = counter + 'x'.repeat(Math.max(0, detailBytes - counter.length));
  return JSON.stringify({ event: 'error', payload: { code: TELNYX_ERROR_CODE, title: 'x', detail } });
}

/** An `event` of a name Telnyx never sends, `nameBytes` long, starting with `counter`. */
export function unknownFrameText(nameBytes: number, counter: string): string {
  return JSON.stringify({ event: counter + 'x'.repeat(Math.max(0, nameBytes - counter.length)) });
}

/** 160 bytes of µ-law silence-ish audio: the payload of the attacks' media frames. */
const ATTACK_AUDIO = new Uint8Array(160).fill(0xff);

/** A documented `media` frame with 20 ms of audio, as a stream in progress would send. */
export function plainMediaFrameText(call: SimulatedCall): string {
  return mediaFrame(call, 2, 1, 0, ATTACK_AUDIO);
}

/** The `start` frame of `call`. */
export function startFrameText(call: SimulatedCall): string {
  return startFrame(call, 1);
}

/**
 * A valid `media` frame of exactly `frameBytes` bytes: 20 ms of audio plus a `padding` field the
 * engine must parse past. The engine accepts it as audio, so it costs the full parse every time.
 *
 * @throws RangeError when `frameBytes` is smaller than the frame without padding.
 */
export function paddedMediaFrameText(call: SimulatedCall, frameBytes: number): string {
  const bare = plainMediaFrameText(call);
  const room = frameBytes - bare.length - ',"padding":""'.length;
  if (room < 0) throw new RangeError(`a padded media frame needs at least ${bare.length + 13} bytes, got ${frameBytes}`);
  return `${bare.slice(0, -1)},"padding":"${'x'.repeat(room)}"}`;
}

/** A call for the attacks' frames: every field filled in, a recognisable stream id. */
export function attackCall(index: number): SimulatedCall {
  return simulatedCall({ streamId: `abuse-stream-${index}`, callControlId: `v3:abuse-${index}` });
}

/**
 * Frames that differ on every send, without allocating: `ringSize` copies of one template, each
 * with a counter slot rewritten just before it is handed out.
 *
 * @remarks A copy is handed out again `ringSize` sends later, so the sender must have at most
 * `ringSize - 1` sends in flight (the WebSocket pump has at most two, and uses a ring of three).
 */
export class DistinctFrames {
  readonly #ring: Buffer[];
  readonly #counterAt: number;
  #sent = 0;

  /** `build(counter)` builds the frame text around a counter string of {@link COUNTER_DIGITS} characters. */
  constructor(build: (counter: string) => string, ringSize: number, firstCounter = 0) {
    const template = Buffer.from(build(COUNTER_MARK), 'utf8');
    this.#counterAt = template.indexOf(COUNTER_MARK);
    if (this.#counterAt < 0) throw new RangeError('the frame builder must place its counter in the frame');
    this.#ring = Array.from({ length: ringSize }, () => Buffer.from(template));
    this.#sent = firstCounter;
  }

  /** Size of every frame, in bytes. */
  get frameBytes(): number {
    return (this.#ring[0] as Buffer).length;
  }

  /** The next frame, with a counter no earlier frame of this instance had. */
  next(): Buffer {
    const frame = this.#ring[this.#sent % this.#ring.length] as Buffer;
    frame.write(this.#sent.toString(36).padStart(COUNTER_DIGITS, '0'), this.#counterAt, 'latin1');
    this.#sent++;
    return frame;
  }
}
