import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { lineAndColumn, locateJsonPath, type JsonPathSegment } from './jsonLocation.js';

/** JSON text for `value` with the given whitespace strings, taken in turn, around every token. */
function spacedJson(value: unknown, spaces: readonly string[]): string {
  let turn = 0;
  const space = (): string => spaces[turn++ % spaces.length]!;
  const write = (node: unknown): string => {
    if (Array.isArray(node)) return `[${space()}${node.map((element) => `${write(element)}${space()}`).join(`,${space()}`)}]`;
    if (typeof node === 'object' && node !== null) {
      const members = Object.entries(node).map(([key, member]) => `${JSON.stringify(key)}${space()}:${space()}${write(member)}${space()}`);
      return `{${space()}${members.join(`,${space()}`)}}`;
    }
    return JSON.stringify(node);
  };
  return `${space()}${write(value)}${space()}`;
}

/** Every path to a value inside `value`, the root's empty path first. */
function allPaths(value: unknown, prefix: JsonPathSegment[] = []): JsonPathSegment[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((element, index) => paths.push(...allPaths(element, [...prefix, index])));
  else if (typeof value === 'object' && value !== null) for (const [key, member] of Object.entries(value)) paths.push(...allPaths(member, [...prefix, key]));
  return paths;
}

function valueAt(value: unknown, path: readonly JsonPathSegment[]): unknown {
  return path.reduce<unknown>((node, segment) => (node as Record<string, unknown>)[segment], value);
}

const whitespace = fc.array(fc.stringMatching(/^[ \t\r\n]{0,3}$/), { minLength: 1, maxLength: 7 });

describe('locateJsonPath', () => {
  test.prop([fc.jsonValue({ maxDepth: 4 }), whitespace, fc.nat()])('finds the text of the value at any path, and its key', (value, spaces, pick) => {
    const text = spacedJson(value, spaces);
    const parsed: unknown = JSON.parse(text);
    const paths = allPaths(parsed);
    const path = paths[pick % paths.length]!;
    const location = locateJsonPath(text, path);
    expect(location.matched).toBe(path.length);
    expect(JSON.parse(text.slice(location.start, location.end))).toEqual(valueAt(parsed, path));
    const last = path.at(-1);
    if (typeof last === 'string') expect(text.startsWith(JSON.stringify(last), location.keyStart!)).toBe(true);
    else expect(location.keyStart).toBeUndefined();
  });

  test.prop([fc.jsonValue({ maxDepth: 3 }), whitespace, fc.string({ maxLength: 4 })])('for a path that does not exist, points at the deepest part that does', (value, spaces, missing) => {
    const text = spacedJson({ present: value }, spaces);
    const location = locateJsonPath(text, ['present', missing, 'deeper']);
    const parsed = JSON.parse(text) as { present: unknown };
    const exists = typeof parsed.present === 'object' && parsed.present !== null && !Array.isArray(parsed.present) && Object.hasOwn(parsed.present, missing);
    expect(location.matched).toBeGreaterThanOrEqual(exists ? 2 : 1);
    if (!exists) expect(JSON.parse(text.slice(location.start, location.end))).toEqual(parsed.present);
  });

  it('takes the last of duplicate keys, as JSON.parse does', () => {
    const text = '{"port": 1, "port": "eighty"}';
    const location = locateJsonPath(text, ['port']);
    expect(text.slice(location.start, location.end)).toBe('"eighty"');
    expect(location.keyStart).toBe(12);
  });

  it('matches escaped keys by what they spell, and skips brackets inside strings', () => {
    const text = '{"a}": "]{", "\\u0062ot": [1, {"x": "\\"}"}]}';
    const location = locateJsonPath(text, ['bot', 1, 'x']);
    expect(location.matched).toBe(3);
    expect(JSON.parse(text.slice(location.start, location.end))).toBe('"}');
  });
});

describe('lineAndColumn', () => {
  it('counts from 1, with a tab as one column', () => {
    expect(lineAndColumn('{\n\t"port": 1\n}', 2)).toEqual({ line: 2, column: 1 });
    expect(lineAndColumn('{\n\t"port": 1\n}', 3)).toEqual({ line: 2, column: 2 });
    expect(lineAndColumn('abc', 0)).toEqual({ line: 1, column: 1 });
  });

  test.prop([fc.string({ maxLength: 200 }), fc.nat()])('leads back to the same offset', (text, pick) => {
    const offset = pick % (text.length + 1);
    const { line, column } = lineAndColumn(text, offset);
    const lineStart = text.split('\n').slice(0, line - 1).reduce((sum, previous) => sum + previous.length + 1, 0);
    expect(lineStart + column - 1).toBe(offset);
  });
});
