import { base64DecodeInto } from './base64Into.js';
import type { MediaPacket, MediaTrack } from './frames.js';
import { UINT_MAX_DIGITS } from './uintField.js';

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LOWER_E = 0x65;
const UPPER_E = 0x45;

/** Returned by the scanning steps instead of a position: leave this message to the slow path. */
const FALLBACK = -1;
/** Nesting the scanner skips through inside unknown values before it gives up. */
const MAX_DEPTH = 32;
const EMPTY = Buffer.alloc(0);

const KEY_EVENT = Buffer.from('event', 'latin1');
const KEY_SEQUENCE_NUMBER = Buffer.from('sequence_number', 'latin1');
const KEY_MEDIA = Buffer.from('media', 'latin1');
const KEY_PAYLOAD = Buffer.from('payload', 'latin1');
const KEY_TRACK = Buffer.from('track', 'latin1');
const KEY_CHUNK = Buffer.from('chunk', 'latin1');
const KEY_TIMESTAMP = Buffer.from('timestamp', 'latin1');
const VALUE_MEDIA = KEY_MEDIA;
const VALUE_INBOUND = Buffer.from('inbound', 'latin1');
const VALUE_OUTBOUND = Buffer.from('outbound', 'latin1');
const LITERAL_TRUE = Buffer.from('true', 'latin1');
const LITERAL_FALSE = Buffer.from('false', 'latin1');
const LITERAL_NULL = Buffer.from('null', 'latin1');

/**
 * The `media` fast path: a validating single-pass scanner over the raw message bytes that fills a
 * {@link MediaPacket} without `JSON.parse` and without allocating.
 *
 * @remarks It checks the whole message against JSON's grammar, restricted to strings without `\`
 * escapes or control bytes, and knows which object level each key sits at: `event`/`sequence_number`/
 * `media` at the top, `payload`/`track`/`chunk`/`timestamp` inside `media`. Other keys and values
 * are skipped (validated, up to {@link MAX_DEPTH} deep). Whitespace between tokens is accepted.
 * `scan` returns false, leaving the packet in an unspecified state, whenever the message is not
 * such a frame or looks off: an `event` other than `"media"`, an escape in any string, a duplicate
 * known key, a counter that is not a plain integer of at most 15 digits (quoted or not), a track
 * other than `"inbound"`/`"outbound"`, a payload that is not valid base64 or too large, a missing
 * `media` object or payload, trailing bytes. The slow path then decides, so for every message the
 * scanner accepts, `JSON.parse` succeeds and yields the same values.
 */
export class MediaFrameScanner {
  #data: Buffer = EMPTY;
  #end = 0;
  /** The counter read by the last {@link #readCounter}. */
  #counter = 0;
  #chunk = -1;
  #timestamp = -1;
  #track: MediaTrack = 'inbound';
  #length = 0;

  /** Fills `packet` from `data` and returns true, or returns false to ask for the slow path. */
  scan(data: Buffer, packet: MediaPacket): boolean {
    this.#data = data;
    this.#end = data.length;
    const ok = this.#scanFrame(packet);
    this.#data = EMPTY;
    return ok;
  }

  #scanFrame(packet: MediaPacket): boolean {
    const data = this.#data;
    let p = this.#skipSpace(0);
    if (data[p] !== LBRACE) return false;
    p = this.#skipSpace(p + 1);
    let sawEvent = false;
    let sawMedia = false;
    let sawSequence = false;
    let sequenceNumber = -1;
    for (;;) {
      if (data[p] !== QUOTE) return false; // also refuses `{}`
      const keyStart = p + 1;
      const keyEnd = this.#stringEnd(keyStart);
      if (keyEnd === FALLBACK) return false;
      p = this.#skipSpace(keyEnd + 1);
      if (data[p] !== COLON) return false;
      p = this.#skipSpace(p + 1);
      if (this.#bytesAre(keyStart, keyEnd, KEY_EVENT)) {
        if (sawEvent || data[p] !== QUOTE) return false;
        sawEvent = true;
        const valueEnd = this.#stringEnd(p + 1);
        if (valueEnd === FALLBACK || !this.#bytesAre(p + 1, valueEnd, VALUE_MEDIA)) return false;
        p = valueEnd + 1;
      } else if (this.#bytesAre(keyStart, keyEnd, KEY_MEDIA)) {
        if (sawMedia) return false;
        sawMedia = true;
        p = this.#scanMedia(p, packet);
      } else if (this.#bytesAre(keyStart, keyEnd, KEY_SEQUENCE_NUMBER)) {
        if (sawSequence) return false;
        sawSequence = true;
        p = this.#readCounter(p);
        sequenceNumber = this.#counter;
      } else {
        p = this.#skipValue(p, 1);
      }
      if (p === FALLBACK) return false;
      p = this.#skipSpace(p);
      if (data[p] === COMMA) p = this.#skipSpace(p + 1);
      else if (data[p] === RBRACE) break;
      else return false;
    }
    if (this.#skipSpace(p + 1) !== this.#end || !sawEvent || !sawMedia) return false;
    packet.sequenceNumber = sequenceNumber;
    packet.chunk = this.#chunk;
    packet.timestamp = this.#timestamp;
    packet.track = this.#track;
    packet.length = this.#length;
    return true;
  }

  /** Scans the `media` object at `p`, decoding its payload into `packet.payload`; returns the position after it. */
  #scanMedia(start: number, packet: MediaPacket): number {
    const data = this.#data;
    if (data[start] !== LBRACE) return FALLBACK;
    let p = this.#skipSpace(start + 1);
    let sawPayload = false;
    let sawTrack = false;
    let sawChunk = false;
    let sawTimestamp = false;
    this.#chunk = -1;
    this.#timestamp = -1;
    this.#track = 'inbound';
    for (;;) {
      if (data[p] !== QUOTE) return FALLBACK;
      const keyStart = p + 1;
      const keyEnd = this.#stringEnd(keyStart);
      if (keyEnd === FALLBACK) return FALLBACK;
      p = this.#skipSpace(keyEnd + 1);
      if (data[p] !== COLON) return FALLBACK;
      p = this.#skipSpace(p + 1);
      if (this.#bytesAre(keyStart, keyEnd, KEY_PAYLOAD)) {
        if (sawPayload || data[p] !== QUOTE) return FALLBACK;
        sawPayload = true;
        const valueEnd = data.indexOf(QUOTE, p + 1);
        // An escape or any other non-alphabet byte before the quote makes the decode fail.
        if (valueEnd !== -1) packet.reserveForBase64(valueEnd - p - 1);
        const length = valueEnd === -1 ? -1 : base64DecodeInto(data, p + 1, valueEnd, packet.payload);
        if (length < 0) return FALLBACK;
        this.#length = length;
        p = valueEnd + 1;
      } else if (this.#bytesAre(keyStart, keyEnd, KEY_TRACK)) {
        if (sawTrack || data[p] !== QUOTE) return FALLBACK;
        sawTrack = true;
        const valueEnd = this.#stringEnd(p + 1);
        if (valueEnd === FALLBACK) return FALLBACK;
        if (this.#bytesAre(p + 1, valueEnd, VALUE_INBOUND)) this.#track = 'inbound';
        else if (this.#bytesAre(p + 1, valueEnd, VALUE_OUTBOUND)) this.#track = 'outbound';
        else return FALLBACK;
        p = valueEnd + 1;
      } else if (this.#bytesAre(keyStart, keyEnd, KEY_CHUNK)) {
        if (sawChunk) return FALLBACK;
        sawChunk = true;
        p = this.#readCounter(p);
        this.#chunk = this.#counter;
      } else if (this.#bytesAre(keyStart, keyEnd, KEY_TIMESTAMP)) {
        if (sawTimestamp) return FALLBACK;
        sawTimestamp = true;
        p = this.#readCounter(p);
        this.#timestamp = this.#counter;
      } else {
        p = this.#skipValue(p, 2);
      }
      if (p === FALLBACK) return FALLBACK;
      p = this.#skipSpace(p);
      if (data[p] === COMMA) p = this.#skipSpace(p + 1);
      else if (data[p] === RBRACE) return sawPayload ? p + 1 : FALLBACK;
      else return FALLBACK;
    }
  }

  /**
   * Reads a counter at `p`: `"123"` or `123`, 1 to 15 digits, no sign, fraction or exponent, no
   * leading zero on a bare number. Stores it in `#counter` and returns the position after it.
   */
  #readCounter(p: number): number {
    const data = this.#data;
    const quoted = data[p] === QUOTE;
    const digitsStart = quoted ? p + 1 : p;
    let value = 0;
    let i = digitsStart;
    for (; i < this.#end; i++) {
      const c = data[i]!;
      if (c < ZERO || c > NINE) break;
      value = value * 10 + (c - ZERO);
    }
    const digits = i - digitsStart;
    if (digits === 0 || digits > UINT_MAX_DIGITS) return FALLBACK;
    if (quoted) {
      if (data[i] !== QUOTE) return FALLBACK;
      i++;
    } else {
      if (digits > 1 && data[digitsStart] === ZERO) return FALLBACK;
      const next = data[i];
      if (next === DOT || next === LOWER_E || next === UPPER_E) return FALLBACK;
    }
    this.#counter = value;
    return i;
  }

  /** Validates and skips any JSON value at `p`; returns the position after it. */
  #skipValue(p: number, depth: number): number {
    const c = this.#data[p];
    if (c === QUOTE) {
      const end = this.#stringEnd(p + 1);
      return end === FALLBACK ? FALLBACK : end + 1;
    }
    if (c === LBRACE || c === LBRACKET) return depth >= MAX_DEPTH ? FALLBACK : this.#skipContainer(p, depth + 1);
    if (c === MINUS || (c !== undefined && c >= ZERO && c <= NINE)) return this.#skipNumber(p);
    if (this.#bytesAre(p, p + 4, LITERAL_TRUE) || this.#bytesAre(p, p + 4, LITERAL_NULL)) return p + 4;
    if (this.#bytesAre(p, p + 5, LITERAL_FALSE)) return p + 5;
    return FALLBACK;
  }

  /** Skips the object or array opening at `p`. */
  #skipContainer(p: number, depth: number): number {
    const data = this.#data;
    const isObject = data[p] === LBRACE;
    const close = isObject ? RBRACE : RBRACKET;
    p = this.#skipSpace(p + 1);
    if (data[p] === close) return p + 1;
    for (;;) {
      if (isObject) {
        if (data[p] !== QUOTE) return FALLBACK;
        const keyEnd = this.#stringEnd(p + 1);
        if (keyEnd === FALLBACK) return FALLBACK;
        p = this.#skipSpace(keyEnd + 1);
        if (data[p] !== COLON) return FALLBACK;
        p = this.#skipSpace(p + 1);
      }
      p = this.#skipValue(p, depth);
      if (p === FALLBACK) return FALLBACK;
      p = this.#skipSpace(p);
      if (data[p] === COMMA) p = this.#skipSpace(p + 1);
      else if (data[p] === close) return p + 1;
      else return FALLBACK;
    }
  }

  /** Skips a JSON number (full grammar) at `p`. */
  #skipNumber(p: number): number {
    const data = this.#data;
    if (data[p] === MINUS) p++;
    if (data[p] === ZERO) p++;
    else if (this.#isDigit(p)) while (this.#isDigit(p)) p++;
    else return FALLBACK;
    if (data[p] === DOT) {
      if (!this.#isDigit(++p)) return FALLBACK;
      while (this.#isDigit(p)) p++;
    }
    if (data[p] === LOWER_E || data[p] === UPPER_E) {
      p++;
      if (data[p] === PLUS || data[p] === MINUS) p++;
      if (!this.#isDigit(p)) return FALLBACK;
      while (this.#isDigit(p)) p++;
    }
    return p;
  }

  #isDigit(p: number): boolean {
    const c = this.#data[p];
    return c !== undefined && c >= ZERO && c <= NINE;
  }

  /** Index of the quote closing the string whose contents start at `p`; refuses escapes and control bytes. */
  #stringEnd(p: number): number {
    const data = this.#data;
    const end = this.#end;
    for (; p < end; p++) {
      const c = data[p]!;
      if (c === QUOTE) return p;
      if (c === BACKSLASH || c < 0x20) return FALLBACK;
    }
    return FALLBACK;
  }

  /** First position at or after `p` that is not JSON whitespace. */
  #skipSpace(p: number): number {
    const data = this.#data;
    const end = this.#end;
    while (p < end) {
      const c = data[p]!;
      if (c !== 0x20 && c !== 0x0a && c !== 0x0d && c !== 0x09) break;
      p++;
    }
    return p;
  }

  /** True when `data[start, end)` equals `needle`. */
  #bytesAre(start: number, end: number, needle: Buffer): boolean {
    const n = needle.length;
    if (end - start !== n || end > this.#end) return false;
    const data = this.#data;
    for (let i = 0; i < n; i++) if (data[start + i] !== needle[i]) return false;
    return true;
  }
}
