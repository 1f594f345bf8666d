import { describe, expect, it } from 'vitest';
import { ConfigError } from './configProblems.js';
import { describeFatalError, wantsStackTraces } from './fatalError.js';

/** An error as Node's net and fs modules make them. */
function systemError(message: string, fields: Record<string, unknown>): Error {
  return Object.assign(new Error(message), fields);
}

describe('describeFatalError', () => {
  it('says what to change when the engine cannot listen', () => {
    const privileged = systemError('listen EACCES: permission denied 0.0.0.0:80', { code: 'EACCES', syscall: 'listen', address: '0.0.0.0', port: 80 });
    expect(describeFatalError(privileged, false)).toBe(
      'cannot listen on 0.0.0.0:80: ports below 1024 need privileges; choose a port from 1024 up with --port N (or CALLWIRE_PORT), and put a proxy on 80/443',
    );
    const foreign = systemError('listen EADDRNOTAVAIL', { code: 'EADDRNOTAVAIL', syscall: 'listen', address: '10.9.9.9', port: 8080 });
    expect(describeFatalError(foreign, false)).toMatch(/^cannot listen on 10\.9\.9\.9:8080: 10\.9\.9\.9 is not an address of this machine; choose another with --host ADDR/);
  });

  it('names a file that cannot be read or written, and why', () => {
    const denied = systemError("EACCES: permission denied, mkdir '/var/captures'", { code: 'EACCES', syscall: 'mkdir', path: '/var/captures' });
    expect(describeFatalError(denied, false)).toBe("/var/captures: permission denied (mkdir); check the file's owner and mode");
    expect(describeFatalError(systemError('ENOENT', { code: 'ENOENT', syscall: 'open', path: '/x.wav' }), false)).toBe('/x.wav: does not exist');
  });

  it('passes configuration problems and option errors through, one line each', () => {
    expect(describeFatalError(new ConfigError(['a.json:1:2: port: must be a number, not "x"']), false)).toBe('a.json:1:2: port: must be a number, not "x"');
    const option = Object.assign(new TypeError("Unknown option '--prot'"), { code: 'ERR_PARSE_ARGS_UNKNOWN_OPTION' });
    expect(describeFatalError(option, false)).toBe("Unknown option '--prot' (callwire help lists the options)");
  });

  it('points at --log-level debug for an error it does not know, and prints the stack when asked', () => {
    const surprise = new RangeError('something\nwith more lines');
    expect(describeFatalError(surprise, false)).toBe('RangeError: something (run again with --log-level debug for the stack trace)');
    const traced = describeFatalError(surprise, true).split('\n');
    expect(traced[0]).toBe('RangeError: something');
    expect(traced.some((line) => /^\s+at /.test(line))).toBe(true);
  });
});

describe('wantsStackTraces', () => {
  it('is true for debug or trace, from the command line or the environment', () => {
    expect(wantsStackTraces(['serve', '--log-level', 'debug'], {})).toBe(true);
    expect(wantsStackTraces(['serve', '--log-level=trace'], {})).toBe(true);
    expect(wantsStackTraces(['serve'], { CALLWIRE_LOG_LEVEL: 'debug' })).toBe(true);
    expect(wantsStackTraces(['serve', '--log-level', 'info'], { CALLWIRE_LOG_LEVEL: 'warn' })).toBe(false);
  });
});
