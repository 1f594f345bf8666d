import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { OpusErrorCode, isOpusCodecError } from './errors.js';
import { readPacketFixture } from './fixtures/packetFile.js';
import { OpusFrameDecoder } from './opusFrameDecoder.js';
import { OpusFrameEncoder } from './opusFrameEncoder.js';
import { OPUS_SAMPLE_RATES } from './packet.js';

const validPackets = readPacketFixture('voiced-16k-500ms-fec.opus.bin');

/**
 * Decodes `bytes` and checks the outcome is either a whole number of 2.5 ms steps that fits `out`,
 * or a typed, recoverable error. Anything else (a crash, a foreign error) fails the property.
 */
function decodeOrTypedError(decoder: OpusFrameDecoder, bytes: Uint8Array, out: Int16Array): void {
  try {
    const samples = decoder.decode(bytes, bytes.length, out);
    expect(samples).toBeGreaterThan(0);
    expect(samples).toBeLessThanOrEqual(out.length);
    expect(samples % (decoder.sampleRate / 400)).toBe(0);
  } catch (error) {
    if (!isOpusCodecError(error)) throw error;
    expect([OpusErrorCode.InvalidPacket, OpusErrorCode.OutputTooSmall]).toContain(error.code);
    expect(error.recoverable).toBe(true);
  }
}

describe('Opus decoder under arbitrary input', () => {
  it.each(OPUS_SAMPLE_RATES)('never crashes on arbitrary bytes at %d Hz, and keeps decoding', (rate) => {
    const decoder = new OpusFrameDecoder({ sampleRate: rate });
    const outputs = [new Int16Array(rate / 50), new Int16Array((rate * 120) / 1000)];
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 0, maxLength: 1500 }), fc.integer({ min: 0, max: 1 }), (bytes, which) => {
        decodeOrTypedError(decoder, bytes, outputs[which]!);
      }),
      { numRuns: 1500 },
    );
    // Still a working decoder after all that garbage.
    const packet = validPackets[3]!;
    expect(decoder.decode(packet, packet.length, outputs[1]!)).toBe(rate / 50);
  });

  it('keeps its invariants over random sequences of real, corrupted and lost packets', () => {
    const action = fc.oneof(
      fc.record({ kind: fc.constant('valid' as const), index: fc.integer({ min: 0, max: validPackets.length - 1 }) }),
      fc.record({
        kind: fc.constant('corrupted' as const),
        index: fc.integer({ min: 0, max: validPackets.length - 1 }),
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }),
        cut: fc.nat(),
      }),
      fc.record({ kind: fc.constant('lost' as const), samples: fc.integer({ min: 0, max: 700 }) }),
    );
    fc.assert(
      fc.property(fc.constantFrom(...OPUS_SAMPLE_RATES), fc.array(action, { minLength: 1, maxLength: 40 }), (rate, actions) => {
        const decoder = new OpusFrameDecoder({ sampleRate: rate });
        const out = new Int16Array((rate * 120) / 1000);
        for (const step of actions) {
          if (step.kind === 'lost') {
            const wanted = Math.round((step.samples * rate) / 16000);
            const written = decoder.concealLoss(out, wanted);
            expect(written).toBeLessThanOrEqual(wanted);
            expect(written % (rate / 100)).toBe(0);
            continue;
          }
          const source = validPackets[step.index]!;
          if (step.kind === 'valid') {
            expect(decoder.decode(source, source.length, out)).toBe(rate / 50);
            continue;
          }
          const bytes = source.slice(0, 1 + (step.cut % source.length));
          for (const [at, mask] of step.flips) bytes[at % bytes.length]! ^= mask;
          decodeOrTypedError(decoder, bytes, out);
        }
        decoder.close();
      }),
      { numRuns: 200 },
    );
  });
});

describe('Opus FEC recovery under arbitrary input', () => {
  it('answers 0 or the whole loss for any next packet, never throws, and keeps decoding', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: 16000 });
    const out = new Int16Array(640);
    for (const packet of validPackets.slice(0, 5)) decoder.decode(packet, packet.length, out);
    let recoveries = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          fc.uint8Array({ minLength: 0, maxLength: 400 }),
          // Real packets with a few bytes flipped: valid TOCs and LBRR flags, damaged SILK data.
          fc.tuple(fc.integer({ min: 0, max: validPackets.length - 1 }), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 6 })).map(([index, flips]) => {
            const bytes = validPackets[index]!.slice();
            for (const [at, mask] of flips) bytes[at % bytes.length]! ^= mask;
            return bytes;
          }),
        ),
        fc.integer({ min: 0, max: 640 }),
        (bytes, samples) => {
          const written = decoder.recoverFromNext(bytes, bytes.length, out, samples);
          expect(written === 0 || (written <= samples && written % 40 === 0)).toBe(true);
          if (written > 0) recoveries++;
        },
      ),
      { numRuns: 1500 },
    );
    // Damaged packets still reach libopus's FEC path, not only the early refusals.
    expect(recoveries).toBeGreaterThan(50);
    const packet = validPackets[3]!;
    expect(decoder.decode(packet, packet.length, out)).toBe(320);
  });
});

describe('Opus encoder under arbitrary input', () => {
  it('encodes any 20 ms of int16 samples to one packet that decodes to 20 ms', () => {
    const encoders = new Map(OPUS_SAMPLE_RATES.map((rate) => [rate, new OpusFrameEncoder({ sampleRate: rate })]));
    const decoders = new Map(OPUS_SAMPLE_RATES.map((rate) => [rate, new OpusFrameDecoder({ sampleRate: rate })]));
    const packet = new Uint8Array(1500);
    fc.assert(
      fc.property(
        fc.constantFrom(...OPUS_SAMPLE_RATES),
        fc.int16Array({ minLength: 1, maxLength: 960 }),
        (rate, samples) => {
          const frame = rate / 50;
          const bytes = encoders.get(rate)!.encode(samples, 0, Math.min(samples.length, frame), packet);
          expect(bytes).toBeGreaterThan(0);
          expect(decoders.get(rate)!.decode(packet, bytes, new Int16Array(frame))).toBe(frame);
        },
      ),
      { numRuns: 300 },
    );
  });
});
