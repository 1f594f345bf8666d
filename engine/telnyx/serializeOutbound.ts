/** Text of a `media` frame before its base64 payload. */
const MEDIA_PREFIX = '{"event":"media","media":{"payload":"';
/** Text of a `media` frame after its base64 payload. */
const MEDIA_SUFFIX = '"}}';
/** Text of a `mark` frame before its JSON-quoted name. */
const MARK_PREFIX = '{"event":"mark","mark":{"name":';
/** Text of a `mark` frame after its JSON-quoted name. */
const MARK_SUFFIX = '}}';

/** The outbound `clear` frame: stops playback and empties Telnyx's queue (a pending mark is echoed). */
export const CLEAR_FRAME = '{"event":"clear"}';

/**
 * Builds the JSON text of outbound Telnyx frames (`media`, `mark`, `clear`) for bidirectional RTP
 * streams. Holds no per-call state, so one instance can serve every call.
 *
 * @remarks `media` base64-encodes with Node's native encoder straight from the caller's bytes and
 * concatenates module constants around it: the only allocation is the result string. A `Buffer`
 * argument is used as is; for a plain `Uint8Array` a `Buffer` view of its memory is made the first
 * time that array is seen and cached (weakly) for later calls, so callers should pass the same
 * preallocated array every time rather than fresh subarrays, which would each cost a view.
 *
 * @example
 * ```ts
 * const writer = new OutboundSerializer();
 * ws.send(writer.media(encodedFrame, 160)); // {"event":"media","media":{"payload":"..."}}
 * ws.send(writer.mark('utterance-3')); // {"event":"mark","mark":{"name":"utterance-3"}}
 * ws.send(writer.clear()); // {"event":"clear"}
 * ```
 */
export class OutboundSerializer {
  /** `Buffer` views of the plain `Uint8Array`s passed to {@link media}, keyed by the array. */
  readonly #views = new WeakMap<Uint8Array, Buffer>();

  /** A `media` frame carrying `bytes[0, min(length, bytes.length))` (none for a negative length). */
  media(bytes: Uint8Array | Buffer, length: number): string {
    const buffer = Buffer.isBuffer(bytes) ? bytes : this.#viewOf(bytes);
    const end = length < buffer.length ? length : buffer.length;
    return MEDIA_PREFIX + (end > 0 ? buffer.toString('base64', 0, end) : '') + MEDIA_SUFFIX;
  }

  /** A `mark` frame; `name` is JSON-escaped, so any string round-trips. */
  mark(name: string): string {
    return MARK_PREFIX + JSON.stringify(name) + MARK_SUFFIX;
  }

  /** The `clear` frame ({@link CLEAR_FRAME}). */
  clear(): string {
    return CLEAR_FRAME;
  }

  #viewOf(bytes: Uint8Array): Buffer {
    let view = this.#views.get(bytes);
    if (view === undefined) {
      view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      this.#views.set(bytes, view);
    }
    return view;
  }
}
