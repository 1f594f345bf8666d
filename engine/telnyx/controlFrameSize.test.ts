import { describe, expect, it } from 'vitest';
import { MAX_CONTROL_FRAME_BYTES, oversizedControlFrame, tooLargeToRead } from './controlFrameSize.js';

const frame = (value: object) => Buffer.from(JSON.stringify(value));

describe('control frame sizes', () => {
  it('reads any message up to the limit', () => {
    expect(tooLargeToRead(frame({ event: 'error', payload: { detail: 'x'.repeat(MAX_CONTROL_FRAME_BYTES - 60) } }))).toBe(false);
  });

  it('drops unread a large message that names no event that may be large', () => {
    expect(tooLargeToRead(frame({ event: 'error', payload: { detail: 'x'.repeat(10_000) } }))).toBe(true);
    expect(tooLargeToRead(frame({ event: 'x'.repeat(10_000) }))).toBe(true);
  });

  it('reads a large start, connected or media frame', () => {
    expect(tooLargeToRead(frame({ event: 'start', start: { custom_parameters: { note: 'x'.repeat(10_000) } } }))).toBe(false);
    expect(tooLargeToRead(frame({ event: 'connected', connected: { 'x-telnyx-streaming-auth-token': 'x'.repeat(4000) }, pad: 'y'.repeat(1000) }))).toBe(false);
    expect(tooLargeToRead(frame({ event: 'media', media: { payload: 'A'.repeat(8000) } }))).toBe(false);
  });

  it('refuses a parsed control frame that was large only because it mentioned a large event', () => {
    expect(oversizedControlFrame('error', 10_000)).toBe(true);
    expect(oversizedControlFrame('start', 10_000)).toBe(false);
    expect(oversizedControlFrame('media', 10_000)).toBe(false);
    expect(oversizedControlFrame('dtmf', 100)).toBe(false);
  });
});
