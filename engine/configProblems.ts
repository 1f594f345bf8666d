import { relative, isAbsolute } from 'node:path';
import { z } from 'zod';
import { didYouMean } from './didYouMean.js';
import { lineAndColumn, locateJsonPath, type JsonPathSegment } from './jsonLocation.js';
import { errorWithCode } from './errors/codedError.js';

/** One thing wrong with the configuration. */
export interface ConfigProblem {
  /** The field in the configuration file, e.g. `['organizations', 'acme', 'agents', 'support', 'bot']`; undefined for a problem outside the file (the environment). */
  readonly path: readonly JsonPathSegment[] | undefined;
  /** What is wrong and, where it can tell, what to write instead. */
  readonly message: string;
  /** Point at the field's name rather than its value (an unknown key). */
  readonly atKey?: boolean;
}

/** The configuration file the problems were found in. */
export interface ConfigSource {
  /** Its path as the user should read it (relative to the working directory when inside it). */
  readonly displayPath: string;
  /** Its text, when it is JSON: problems then carry a line and column. */
  readonly jsonText: string | undefined;
}

/** A configuration that cannot be used; each line of {@link ConfigError.problems} names a field and says what to change. */
export class ConfigError extends errorWithCode('CW_CONFIG') {
  override readonly name = 'ConfigError';
  /** One line per problem: where (file, line and column, field) and what to change. */
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super(problems.length === 1 ? problems[0] : `the configuration has ${problems.length} problems:\n  ${problems.join('\n  ')}`);
    this.problems = problems;
  }
}

/** An error that concerns one field of the configuration file; the loader turns it into a {@link ConfigProblem}. */
export class FieldProblem extends Error {
  override readonly name = 'FieldProblem';

  constructor(
    /** The field it concerns. */
    readonly path: readonly JsonPathSegment[],
    message: string,
  ) {
    super(message);
  }
}

/** `file` as the user should read it: relative to `cwd` when it is inside it. */
export function displayPath(file: string, cwd: string): string {
  const path = relative(cwd, file);
  return path === '' || path.startsWith('..') || isAbsolute(path) ? file : path;
}

/** A field path as a user writes it: `organizations.acme.agents.support.bot`, `apiKeys[0]`, `agents["bad.name"]`. */
export function formatFieldPath(path: readonly JsonPathSegment[]): string {
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else if (/^[A-Za-z0-9_-]+$/.test(segment)) text += text === '' ? segment : `.${segment}`;
    else text += `[${JSON.stringify(segment)}]`;
  }
  return text;
}

/** One line per problem, in the file's order when it is JSON: `file:line:column: field: message`. */
export function formatConfigProblems(problems: readonly ConfigProblem[], source: ConfigSource | undefined): string[] {
  const located = problems.map((problem) => ({ problem, offset: offsetOf(problem, source) }));
  located.sort((a, b) => (a.offset ?? Number.POSITIVE_INFINITY) - (b.offset ?? Number.POSITIVE_INFINITY));
  return located.map(({ problem, offset }) => {
    const field = problem.path === undefined || problem.path.length === 0 ? '' : `${formatFieldPath(problem.path)}: `;
    if (problem.path === undefined || source === undefined) return `${field}${problem.message}`;
    if (offset === undefined || source.jsonText === undefined) return `${source.displayPath}: ${field}${problem.message}`;
    const { line, column } = lineAndColumn(source.jsonText, offset);
    return `${source.displayPath}:${line}:${column}: ${field}${problem.message}`;
  });
}

function offsetOf(problem: ConfigProblem, source: ConfigSource | undefined): number | undefined {
  if (problem.path === undefined || source?.jsonText === undefined) return undefined;
  const location = locateJsonPath(source.jsonText, problem.path);
  const found = location.matched === problem.path.length;
  return found && problem.atKey === true ? (location.keyStart ?? location.start) : location.start;
}

/**
 * Every issue zod found, as problems a user can act on: paths down to the field, unknown keys one
 * by one with the nearest allowed key, enum values with the nearest allowed value.
 */
export function schemaProblems(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input: unknown): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((segment): segment is JsonPathSegment => typeof segment !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = keysAllowedAt(schema, path);
      for (const key of issue.keys) {
        const hint = didYouMean(key, allowed) || (allowed.length > 0 ? `; the keys allowed here are ${allowed.join(', ')}` : '');
        problems.push({ path: [...path, key], message: `unknown key${hint}`, atKey: true });
      }
      continue;
    }
    problems.push({ path, message: issueMessage(issue, valueAt(input, path)), atKey: issue.code === 'invalid_key' });
  }
  return problems;
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (value === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_union')) return 'is required';
  switch (issue.code) {
    case 'invalid_type':
      return `must be ${withArticle(issue.expected)}, not ${describeValue(value)}`;
    case 'invalid_value': {
      const allowed = issue.values.map((allowedValue) => JSON.stringify(allowedValue));
      const hint = typeof value === 'string' ? didYouMean(value, issue.values.map(String)) : '';
      return `must be ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}, not ${describeValue(value)}${hint}`;
    }
    case 'invalid_key':
      return issue.issues[0]?.message ?? issue.message;
    case 'invalid_union': {
      // A union's own message is generic; the alternative with a message of its own says more.
      const custom = issue.errors.flat().find((nested) => nested.code === 'custom');
      return custom?.message ?? issue.message;
    }
    case 'too_small':
    case 'too_big':
      return isZodDefault(issue.message) ? boundMessage(issue) : issue.message;
    default:
      return issue.message;
  }
}

/** zod's own wording ("Too small: expected number to be >=1"); a schema's message is kept as written. */
function isZodDefault(message: string): boolean {
  return message.startsWith('Too small') || message.startsWith('Too big');
}

function boundMessage(issue: z.core.$ZodIssueTooSmall | z.core.$ZodIssueTooBig): string {
  const limit = issue.code === 'too_small' ? issue.minimum : issue.maximum;
  const relation = issue.code === 'too_small' ? (issue.inclusive === false ? 'more than' : 'at least') : issue.inclusive === false ? 'less than' : 'at most';
  const unit = issue.origin === 'string' ? ' characters' : issue.origin === 'array' ? ' entries' : '';
  return `must be ${relation} ${String(limit)}${unit}`;
}

function withArticle(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

/** A short description of a value a user wrote: the value itself when it is short. */
function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'an object';
  const text = JSON.stringify(value);
  return text === undefined ? typeof value : text.length <= 40 ? text : `${text.slice(0, 37)}…`;
}

function valueAt(input: unknown, path: readonly JsonPathSegment[]): unknown {
  let node = input;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<JsonPathSegment, unknown>)[segment];
  }
  return node;
}

/** The keys an object in `schema` at `path` allows, in declaration order; empty when there is no object there. */
export function keysAllowedAt(schema: z.ZodType, path: readonly JsonPathSegment[]): string[] {
  let node: z.ZodType | undefined = unwrapped(schema);
  for (const segment of path) {
    if (node instanceof z.ZodObject) node = (node.shape as Record<string, z.ZodType>)[String(segment)];
    else if (node instanceof z.ZodRecord) node = node.valueType as z.ZodType;
    else if (node instanceof z.ZodArray) node = node.element as z.ZodType;
    else return [];
    if (node === undefined) return [];
    node = unwrapped(node);
  }
  return node instanceof z.ZodObject ? Object.keys(node.shape) : [];
}

function unwrapped(schema: z.ZodType): z.ZodType {
  let node = schema;
  while (node instanceof z.ZodOptional || node instanceof z.ZodDefault || node instanceof z.ZodNullable) node = node.unwrap() as z.ZodType;
  return node;
}
