import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readPacketFixture } from './fixtures/packetFile.js';
import { voiced } from './fixtures/signals.js';
import { silkHeaderFlags } from './fixtures/silkHeader.js';
import { carriesInbandFec } from './inbandFec.js';
import { LibopusDecoder } from './libopusDirect.js';
import { OPUS_APPLICATION_VOIP, OpusCtl, loadOpusNative } from './native.js';

const RATE = 16000;
const FRAME = RATE / 50;

/** 20 ms packets of `pcm` (`channels` interleaved) from the addon's encoder, FEC on or off at 10 % loss. */
function encode(pcm: Int16Array, channels: 1 | 2, inbandFec: boolean): Uint8Array[] {
  const native = new (loadOpusNative())(RATE, channels);
  native.applyEncoderCTL(OpusCtl.SetApplication, OPUS_APPLICATION_VOIP);
  native.setBitrate(channels * 24_000);
  native.applyEncoderCTL(OpusCtl.SetInbandFec, inbandFec ? 1 : 0);
  native.applyEncoderCTL(OpusCtl.SetPacketLossPercent, 10);
  const packets: Uint8Array[] = [];
  for (let at = 0; at + FRAME * channels <= pcm.length; at += FRAME * channels) {
    packets.push(Uint8Array.from(native.encode(new Uint8Array(pcm.buffer, at * 2, FRAME * channels * 2))));
  }
  return packets;
}

/** `mono` duplicated into both channels, the right one at half level. */
function stereo(mono: Int16Array): Int16Array {
  const both = new Int16Array(mono.length * 2);
  for (let i = 0; i < mono.length; i++) {
    both[2 * i] = mono[i]!;
    both[2 * i + 1] = mono[i]! >> 1;
  }
  return both;
}

const fecPackets = encode(voiced(RATE, 60 * FRAME), 1, true);
const plainPackets = encode(voiced(RATE, 60 * FRAME), 1, false);

describe('carriesInbandFec', () => {
  it('reads the same LBRR flag as the reference header reader on real packets', () => {
    const all = [...fecPackets, ...plainPackets, ...readPacketFixture('voiced-16k-500ms-fec.opus.bin'), ...readPacketFixture('tone440-16k-500ms.opus.bin')];
    for (const packet of all) expect(carriesInbandFec(packet, packet.length)).toBe(silkHeaderFlags(packet)?.lbrr ?? false);
    expect(fecPackets.filter((p) => carriesInbandFec(p, p.length)).length).toBeGreaterThan(10);
    expect(plainPackets.some((p) => carriesInbandFec(p, p.length))).toBe(false);
  });

  it('agrees with libopus: decode_fec yields something other than PLC exactly when the flag is set', () => {
    const pcm = new Int16Array(FRAME);
    const recovered = new Int16Array(FRAME);
    const concealed = new Int16Array(FRAME);
    const empty = new Uint8Array(0);
    for (const packets of [fecPackets.slice(0, 40), plainPackets.slice(0, 20)]) {
      for (let next = 2; next < packets.length; next++) {
        // Two decoders with the same history lose packet next - 1: one recovers it, one conceals it.
        const fec = LibopusDecoder.open(RATE, 1)!;
        const plc = LibopusDecoder.open(RATE, 1)!;
        for (const packet of packets.slice(0, next - 1)) {
          fec.decode(packet, packet.length, pcm, FRAME, false);
          plc.decode(packet, packet.length, pcm, FRAME, false);
        }
        const packet = packets[next]!;
        expect(fec.decode(packet, packet.length, recovered, FRAME, true)).toBe(FRAME);
        expect(plc.decode(empty, 0, concealed, FRAME, false)).toBe(FRAME);
        expect(carriesInbandFec(packet, packet.length)).toBe(recovered.some((v, i) => v !== concealed[i]));
        fec.destroy();
        plc.destroy();
      }
    }
  });

  it('finds the flag of the first frame behind code 1, 2 and 3 framing', () => {
    for (const [a, b] of [
      [fecPackets[10]!, fecPackets[11]!],
      [plainPackets[10]!, plainPackets[11]!],
    ] as const) {
      const expected = carriesInbandFec(a, a.length);
      const frameA = a.subarray(1);
      const frameB = b.subarray(1);
      const code1 = Uint8Array.from([(a[0]! & 0xfc) | 1, ...frameA, ...frameA]);
      const code2 = Uint8Array.from([(a[0]! & 0xfc) | 2, frameA.length, ...frameA, ...frameB]);
      // Code 3, VBR and padded: count byte, 2 bytes of padding length (255 + 1), frame length, frames, padding.
      const code3 = Uint8Array.from([(a[0]! & 0xfc) | 3, 0xc2, 255, 1, frameA.length, ...frameA, ...frameB, ...new Uint8Array(256)]);
      for (const packet of [code1, code2, code3]) expect(carriesInbandFec(packet, packet.length)).toBe(expected);
    }
  });

  it('reads the LBRR flag of either channel of a stereo packet', () => {
    const withFec = encode(stereo(voiced(RATE, 40 * FRAME)), 2, true).filter((p) => (p[0]! & 0x04) !== 0);
    const without = encode(stereo(voiced(RATE, 40 * FRAME)), 2, false);
    expect(withFec.length).toBeGreaterThan(20);
    expect(withFec.filter((p) => carriesInbandFec(p, p.length)).length).toBeGreaterThan(5);
    expect(without.some((p) => carriesInbandFec(p, p.length))).toBe(false);
  });

  it('is false for CELT-only packets, cut-short framing, and payloads shorter than their buffer says', () => {
    const packet = fecPackets.find((p) => carriesInbandFec(p, p.length))!;
    // The same bytes under a CELT-only TOC (configuration 16 and up) mean something else entirely.
    const asCelt = Uint8Array.from(packet);
    asCelt[0] = (16 << 3) | (packet[0]! & 0x07);
    expect(carriesInbandFec(asCelt, asCelt.length)).toBe(false);
    expect(carriesInbandFec(packet, 1)).toBe(false);
    expect(carriesInbandFec(packet, 0)).toBe(false);
    expect(carriesInbandFec(Uint8Array.of((packet[0]! & 0xfc) | 3), 1)).toBe(false);
    expect(carriesInbandFec(Uint8Array.of((packet[0]! & 0xfc) | 3, 0x42, 255, 255), 4)).toBe(false);
  });

  it('answers a boolean for any bytes without throwing', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), fc.nat(80), (bytes, length) => {
        expect(typeof carriesInbandFec(bytes, length)).toBe('boolean');
      }),
      { numRuns: 2000 },
    );
  });
});
