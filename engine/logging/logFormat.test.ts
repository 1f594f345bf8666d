import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../configProblems.js';
import { createLogger } from '../logger.js';
import { chooseLogFormat } from './logFormat.js';
import { prettyLogSink } from './prettySink.js';

/** A destination that keeps what is written to it. */
function capture(): { stream: Writable; text: () => string } {
  let text = '';
  const stream = new Writable({
    write: (chunk: Buffer, _encoding, done) => {
      text += chunk.toString('utf8');
      done();
    },
  });
  return { stream, text: () => text };
}

describe('chooseLogFormat', () => {
  it('is JSON when standard output is a pipe or a file, readable on a terminal', () => {
    expect(chooseLogFormat(undefined, false)).toBe('json');
    expect(chooseLogFormat('', false)).toBe('json');
    expect(chooseLogFormat(undefined, true)).toBe('pretty');
  });

  it('takes the format asked for, whatever standard output is', () => {
    expect(chooseLogFormat('pretty', false)).toBe('pretty');
    expect(chooseLogFormat('json', true)).toBe('json');
  });

  it('refuses any other format, naming the two and the nearest', () => {
    expect(() => chooseLogFormat('jsno', false)).toThrow(ConfigError);
    expect(() => chooseLogFormat('jsno', false)).toThrow('--log-format (or CALLWIRE_LOG_FORMAT) must be json or pretty, got "jsno"; did you mean "json"?');
  });
});

describe('prettyLogSink', () => {
  it('writes each entry as one readable line, fields included, in the same call', () => {
    const sink = capture();
    const log = createLogger('info', prettyLogSink(sink.stream, false));
    log.info({ callId: 'c-1', endReason: 'hangup', durationMs: 5230 }, 'call ended');
    log.debug('below the level');
    const lines = sink.text().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(() => JSON.parse(lines[0]!) as unknown).toThrow();
    expect(lines[0]).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: call ended /);
    expect(lines[0]).toContain('"callId":"c-1"');
    expect(lines[0]).toContain('"durationMs":5230');
    expect(lines[0]).not.toContain('service');
  });

  it('colours the level when asked to', () => {
    const sink = capture();
    createLogger('info', prettyLogSink(sink.stream, true)).warn('publicUrl is not set');
    expect(sink.text()).toContain('\u001b[');
    expect(sink.text()).toContain('publicUrl is not set');
  });
});
