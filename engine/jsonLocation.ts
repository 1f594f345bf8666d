/** A segment of a path into a JSON document: an object key or an array index. */
export type JsonPathSegment = string | number;

/** Where the deepest part of a path that exists sits in JSON text (offsets are UTF-16 code units). */
export interface JsonLocation {
  /** Offset of the value's first character. */
  readonly start: number;
  /** Offset just past the value's last character. */
  readonly end: number;
  /** Offset of the opening quote of the value's property name; undefined for the root and array elements. */
  readonly keyStart: number | undefined;
  /** How many leading segments of the path were found; the location is that prefix's value. */
  readonly matched: number;
}

/** A 1-based line and column, as editors and compilers show them. */
export interface LineAndColumn {
  readonly line: number;
  readonly column: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * Finds the value at `path` in `text`, which must be valid JSON (it is not checked again: call this
 * after `JSON.parse` accepted it). Of duplicate keys the last counts, as in `JSON.parse`. When part
 * of the path does not exist (a missing field), the location is that of its deepest ancestor.
 */
export function locateJsonPath(text: string, path: readonly JsonPathSegment[]): JsonLocation {
  let start = skipWhitespace(text, 0);
  let keyStart: number | undefined;
  let matched = 0;
  for (const segment of path) {
    const child = findChild(text, start, segment);
    if (child === undefined) break;
    start = child.start;
    keyStart = child.keyStart;
    matched++;
  }
  return { start, end: skipValue(text, start), keyStart, matched };
}

/** The line and column of `offset` in `text`; lines end at `\n` (a `\r` before it is part of the line). */
export function lineAndColumn(text: string, offset: number): LineAndColumn {
  let line = 1;
  let lineStart = 0;
  for (let index = text.indexOf('\n'); index !== -1 && index < offset; index = text.indexOf('\n', index + 1)) {
    line++;
    lineStart = index + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function findChild(text: string, start: number, segment: JsonPathSegment): { start: number; keyStart: number | undefined } | undefined {
  const opening = text.charCodeAt(start);
  if (opening === OPEN_BRACE) return findMember(text, start, String(segment));
  if (opening === OPEN_BRACKET && typeof segment === 'number') return findElement(text, start, segment);
  return undefined;
}

function findMember(text: string, start: number, key: string): { start: number; keyStart: number } | undefined {
  let found: { start: number; keyStart: number } | undefined;
  let position = skipWhitespace(text, start + 1);
  if (text.charCodeAt(position) === CLOSE_BRACE) return undefined;
  for (;;) {
    const keyStart = position;
    const keyEnd = skipString(text, keyStart);
    position = skipWhitespace(text, keyEnd);
    if (text.charCodeAt(position) !== COLON) return found;
    const valueStart = skipWhitespace(text, position + 1);
    // Keys are compared decoded, so an escaped key ("\u0061") matches its plain spelling.
    if ((JSON.parse(text.slice(keyStart, keyEnd)) as string) === key) found = { start: valueStart, keyStart };
    position = skipWhitespace(text, skipValue(text, valueStart));
    if (text.charCodeAt(position) !== COMMA) return found;
    position = skipWhitespace(text, position + 1);
  }
}

function findElement(text: string, start: number, index: number): { start: number; keyStart: undefined } | undefined {
  let position = skipWhitespace(text, start + 1);
  if (text.charCodeAt(position) === CLOSE_BRACKET) return undefined;
  for (let current = 0; ; current++) {
    if (current === index) return { start: position, keyStart: undefined };
    position = skipWhitespace(text, skipValue(text, position));
    if (text.charCodeAt(position) !== COMMA) return undefined;
    position = skipWhitespace(text, position + 1);
  }
}

/** The offset just past the value that starts at `start`. */
function skipValue(text: string, start: number): number {
  const first = text.charCodeAt(start);
  if (first === QUOTE) return skipString(text, start);
  if (first === OPEN_BRACE || first === OPEN_BRACKET) return skipContainer(text, start);
  let position = start;
  while (position < text.length && !isDelimiter(text.charCodeAt(position))) position++;
  return position;
}

/** Skips an object or array by counting brackets outside strings. */
function skipContainer(text: string, start: number): number {
  let depth = 0;
  let position = start;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === QUOTE) {
      position = skipString(text, position);
      continue;
    }
    if (code === OPEN_BRACE || code === OPEN_BRACKET) depth++;
    else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) depth--;
    position++;
    if (depth === 0) return position;
  }
  return position;
}

/** The offset just past the closing quote of the string whose opening quote is at `start`. */
function skipString(text: string, start: number): number {
  let position = start + 1;
  while (position < text.length) {
    const code = text.charCodeAt(position);
    if (code === BACKSLASH) position += 2;
    else if (code === QUOTE) return position + 1;
    else position++;
  }
  return position;
}

function skipWhitespace(text: string, start: number): number {
  let position = start;
  while (position < text.length && isWhitespace(text.charCodeAt(position))) position++;
  return position;
}

function isWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

function isDelimiter(code: number): boolean {
  return isWhitespace(code) || code === COMMA || code === CLOSE_BRACE || code === CLOSE_BRACKET;
}
