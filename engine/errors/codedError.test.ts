import { describe, expect, it } from 'vitest';
import { BotError } from '../../actors/botError.js';
import { UnsupportedCodecError } from '../../codecs/errors.js';
import { ProtocolError, ProtocolErrorCode } from '../telnyx/errors.js';
import { ConfigError } from '../config.js';
import { CodedError, errorWithCode } from './codedError.js';

describe('CodedError', () => {
  it('carries its code, message and cause, and is an Error', () => {
    const cause = new Error('underneath');
    const error = new CodedError('CW_EXAMPLE', 'what went wrong', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.code).toBe('CW_EXAMPLE');
    expect(error.message).toBe('what went wrong');
    expect(error.cause).toBe(cause);
  });

  it('gives a fixed-code class its code with the constructor Error has', () => {
    class ExampleError extends errorWithCode('CW_FIXED') {
      override readonly name = 'ExampleError';
    }
    const error = new ExampleError('bad input', { cause: 'why' });
    expect(error).toBeInstanceOf(ExampleError);
    expect(error).toBeInstanceOf(CodedError);
    expect(error.code).toBe('CW_FIXED');
    expect(error.name).toBe('ExampleError');
    expect(error.message).toBe('bad input');
    expect(error.cause).toBe('why');
    expect(String(error)).toBe('ExampleError: bad input');
  });

  it('keeps the names, codes and instanceof of the classes built on it', () => {
    const errors: [Error, string, string][] = [
      [new ProtocolError(ProtocolErrorCode.BinaryMessage, 'binary'), 'ProtocolError', 'CW_BINARY_MESSAGE'],
      [new BotError('CW_BOT_FAILED', 'failed'), 'BotError', 'CW_BOT_FAILED'],
      [new UnsupportedCodecError('SPEEX', 8000, 'no speex'), 'UnsupportedCodecError', 'CW_UNSUPPORTED_CODEC'],
      [new ConfigError(['port: not a number']), 'ConfigError', 'CW_CONFIG'],
    ];
    for (const [error, name, code] of errors) {
      expect(error).toBeInstanceOf(CodedError);
      expect(error).toBeInstanceOf(Error);
      expect(error.name).toBe(name);
      expect((error as CodedError).code).toBe(code);
    }
    expect(errors[0]![0]).not.toBeInstanceOf(BotError);
  });
});
