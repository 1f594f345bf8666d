import { describe, expect, it } from 'vitest';
import { atRate } from '../bots/fallback/fallbackPrompt.js';
import { loadPrompts } from '../bots/wav/loadPrompt.js';
import { L16Encoder, type L16ByteOrder } from './l16.js';
import { L16ByteOrderCheck } from './l16ByteOrderCheck.js';

/** The shipped greeting, a few seconds of speech, as 16 kHz L16 payloads of 20 ms in `order`. */
function speechPayloads(order: L16ByteOrder): Uint8Array[] {
  const speech = atRate(loadPrompts(['greeting']).get('greeting')!, 16_000);
  const encoder = new L16Encoder({ sampleRate: 16_000, byteOrder: order });
  const payloads: Uint8Array[] = [];
  for (let offset = 0; offset + 320 <= speech.length; offset += 320) {
    const payload = new Uint8Array(640);
    encoder.encode(speech, offset, 320, payload);
    payloads.push(payload);
  }
  return payloads;
}

function verdictFor(payloads: readonly Uint8Array[], configured: L16ByteOrder) {
  const check = new L16ByteOrderCheck(configured);
  let frames = 0;
  for (const payload of payloads) {
    frames++;
    if (check.observe(payload, payload.length) !== 'watching') break;
  }
  return { verdict: check.verdict, frames };
}

describe('L16ByteOrderCheck', () => {
  it('confirms speech that arrives in the configured byte order', () => {
    expect(verdictFor(speechPayloads('big'), 'big').verdict).toBe('as-configured');
    expect(verdictFor(speechPayloads('little'), 'little').verdict).toBe('as-configured');
  });

  it('recognises byte-swapped speech within the first seconds', () => {
    const { verdict, frames } = verdictFor(speechPayloads('little'), 'big');
    expect(verdict).toBe('swapped');
    expect(frames).toBeLessThan(150); // 3 s
    expect(verdictFor(speechPayloads('big'), 'little').verdict).toBe('swapped');
  });

  it('never decides on silence or on noise, and gives up after a while', () => {
    const silence = new Uint8Array(640);
    let state = 12345;
    const noise = Uint8Array.from({ length: 640 }, () => (state = (state * 1103515245 + 12345) >>> 0) >>> 24);
    const check = new L16ByteOrderCheck('big');
    for (let i = 0; i < 1000; i++) expect(check.observe(i % 2 === 0 ? silence : noise, 640)).toBe('watching');
    expect(check.observe(silence, 640)).toBe('undecided');
  });
});
