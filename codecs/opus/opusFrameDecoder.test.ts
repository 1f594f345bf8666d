import { describe, expect, it } from 'vitest';
import { UnsupportedCodecError } from '../errors.js';
import { OpusCodecError, OpusErrorCode } from './errors.js';
import { readPacketFixture } from './fixtures/packetFile.js';
import { dominantFrequency, rms, voiced } from './fixtures/signals.js';
import { silkHeaderFlags } from './fixtures/silkHeader.js';
import { carriesInbandFec } from './inbandFec.js';
import { loadOpusNative } from './native.js';
import { OPUS_MAX_PACKET_BYTES, OpusFrameDecoder } from './opusFrameDecoder.js';
import { OpusFrameEncoder } from './opusFrameEncoder.js';
import { OPUS_SAMPLE_RATES } from './packet.js';
import { snrDb } from '../fixtures/snr.js';
import { thrown } from '../fixtures/thrown.js';

const RATE = 16000;
const FRAME = RATE / 50;
/** 25 packets of a 440 Hz sine at amplitude 8000 (RMS 5657), encoded at 16 kHz with FEC. */
const tonePackets = readPacketFixture('tone440-16k-500ms.opus.bin');
/** 25 packets of a voiced signal at 16 kHz; most carry LBRR (in-band FEC). */
const voicedPackets = readPacketFixture('voiced-16k-500ms-fec.opus.bin');
const TONE_RMS = 8000 / Math.SQRT2;

/** Decodes `packets` in order into one Int16Array. */
function decodeAll(decoder: OpusFrameDecoder, packets: readonly Uint8Array[]): Int16Array {
  const out = new Int16Array(FRAME);
  const all = new Int16Array(FRAME * packets.length);
  packets.forEach((packet, i) => {
    expect(decoder.decode(packet, packet.length, out)).toBe(FRAME);
    all.set(out, i * FRAME);
  });
  return all;
}

/** A code-2 packet holding the frames of the code-0 packets `a` and `b` (same TOC configuration). */
function twoFramePacket(a: Uint8Array, b: Uint8Array): Uint8Array {
  return Uint8Array.from([(a[0]! & 0xfc) | 2, a.length - 1, ...a.subarray(1), ...b.subarray(1)]);
}

/** Packets that pass the TOC check but whose framing libopus rejects, and ones the TOC check catches. */
const MALFORMED: readonly (readonly [string, Uint8Array])[] = [
  ['code 1 with an odd frame area', Uint8Array.of(0x49, 1, 2, 3)],
  ['code 2 whose first frame overruns the packet', Uint8Array.of(0x4a, 200, 1, 2)],
  ['code 3 CBR whose frames do not divide the bytes', Uint8Array.of(0x4b, 0x02, 1, 2, 3)],
  ['code 3 VBR with a frame length past the end', Uint8Array.of(0x4b, 0x82, 100, 1, 2)],
  ['a real two-frame packet truncated to 20 bytes', twoFramePacket(tonePackets[1]!, tonePackets[2]!).subarray(0, 20)],
  ['code 3 without a frame count', Uint8Array.of(0x4b)],
  ['code 3 with zero frames', Uint8Array.of(0x4b, 0x00)],
  ['code 3 with 63 frames (1.26 s)', Uint8Array.of(0x4b, 0x3f)],
];

describe('OpusFrameDecoder.decode', () => {
  it('decodes the 440 Hz fixture to 20 ms frames at the tone frequency and level', () => {
    const pcm = decodeAll(new OpusFrameDecoder({ sampleRate: RATE }), tonePackets);
    const steady = pcm.subarray(FRAME * 5);
    expect(dominantFrequency(steady, RATE)).toBe(440);
    expect(20 * Math.log10(rms(steady) / TONE_RMS)).toBeCloseTo(0, 0); // within ±0.5 dB
  });

  it('decodes a two-frame packet to 40 ms', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    const packet = twoFramePacket(tonePackets[0]!, tonePackets[1]!);
    expect(decoder.decode(packet, packet.length, new Int16Array(2 * FRAME))).toBe(2 * FRAME);
  });

  it('decodes a packet at the start of a longer, reused buffer exactly as the bare packet', () => {
    const viaScratch = new OpusFrameDecoder({ sampleRate: RATE });
    const direct = new OpusFrameDecoder({ sampleRate: RATE });
    const reused = Buffer.alloc(4096, 0xa5);
    const a = new Int16Array(FRAME);
    const b = new Int16Array(FRAME);
    for (const packet of tonePackets) {
      reused.set(packet);
      expect(viaScratch.decode(reused, packet.length, a)).toBe(FRAME);
      expect(direct.decode(packet, packet.length, b)).toBe(FRAME);
      expect(a).toEqual(b);
    }
  });

  it('writes one frame and leaves the rest of out alone', () => {
    const out = new Int16Array(FRAME * 3).fill(0x5a5a);
    expect(new OpusFrameDecoder({ sampleRate: RATE }).decode(tonePackets[0]!, tonePackets[0]!.length, out)).toBe(FRAME);
    expect(out.subarray(FRAME).every((v) => v === 0x5a5a)).toBe(true);
  });

  it.each(MALFORMED)('rejects %s with a recoverable CW_OPUS_INVALID_PACKET and keeps its state', (_name, bad) => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    const reference = new OpusFrameDecoder({ sampleRate: RATE });
    const out = new Int16Array(FRAME * 6);
    const expected = new Int16Array(FRAME * 6);
    for (const packet of tonePackets.slice(0, 8)) {
      const error = thrown(() => decoder.decode(bad, bad.length, out));
      expect(error).toBeInstanceOf(OpusCodecError);
      expect(error).toMatchObject({ name: 'OpusCodecError', code: OpusErrorCode.InvalidPacket, recoverable: true, retryable: false });
      // The bad packet changed nothing: output matches a decoder that never saw it.
      decoder.decode(packet, packet.length, out);
      reference.decode(packet, packet.length, expected);
      expect(out).toEqual(expected);
    }
  });

  it('cannot detect a truncated one-frame packet: libopus decodes it to a full frame', () => {
    const packet = tonePackets[3]!;
    expect(new OpusFrameDecoder({ sampleRate: RATE }).decode(packet, 5, new Int16Array(FRAME))).toBe(FRAME);
  });

  it('rejects empty and oversized payloads', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    const out = new Int16Array(FRAME);
    for (const [payload, length] of [
      [new Uint8Array(0), 0],
      [tonePackets[0]!, 0],
      [tonePackets[0]!, -1],
      [new Uint8Array(OPUS_MAX_PACKET_BYTES + 1).fill(0x48), OPUS_MAX_PACKET_BYTES + 1],
    ] as const) {
      expect(thrown(() => decoder.decode(payload, length, out))).toMatchObject({ code: OpusErrorCode.InvalidPacket });
    }
  });

  it('refuses a packet longer than out before touching the decoder', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    const reference = new OpusFrameDecoder({ sampleRate: RATE });
    const packet = tonePackets[0]!;
    const error = thrown(() => decoder.decode(packet, packet.length, new Int16Array(FRAME - 1)));
    expect(error).toMatchObject({ code: OpusErrorCode.OutputTooSmall, recoverable: true });
    const out = new Int16Array(FRAME);
    const expected = new Int16Array(FRAME);
    decoder.decode(packet, packet.length, out);
    reference.decode(packet, packet.length, expected);
    expect(out).toEqual(expected);
  });
});

describe('OpusFrameDecoder.concealLoss (libopus PLC)', () => {
  it('returns exactly what libopus conceals for a lost packet (opus_decode with no data)', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    const twin = new (loadOpusNative())(RATE, 1);
    for (const packet of tonePackets.slice(0, 10)) {
      decoder.decode(packet, packet.length, new Int16Array(FRAME));
      twin.decode(packet);
    }
    // An empty packet makes the addon run opus_decode(NULL) for its fixed 5760-sample frame size.
    const plc = twin.decode(new Uint8Array(0));
    expect(plc.length).toBe(5760 * 2);
    const reference = new Int16Array(Uint8Array.from(plc).buffer);
    const out = new Int16Array(FRAME);
    expect(decoder.concealLoss(out, FRAME)).toBe(FRAME);
    expect(out).toEqual(reference.subarray(0, FRAME));
    expect(decoder.concealLoss(out, FRAME)).toBe(FRAME);
    expect(out).toEqual(reference.subarray(FRAME, 2 * FRAME));
  });

  it('continues the tone at its frequency, then fades over consecutive losses', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    decodeAll(decoder, tonePackets);
    const first = new Int16Array(FRAME);
    expect(decoder.concealLoss(first, FRAME)).toBe(FRAME);
    // One 20 ms window resolves frequency to about ±25 Hz.
    expect(Math.abs(dominantFrequency(first, RATE) - 440)).toBeLessThanOrEqual(25);
    expect(rms(first)).toBeGreaterThan(TONE_RMS * 0.5);
    const later = new Int16Array(FRAME);
    for (let i = 0; i < 9; i++) decoder.concealLoss(later, FRAME);
    expect(rms(later)).toBeLessThan(rms(first) / 2);
  });

  it('conceals in 10 ms steps, capped by out', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    decodeAll(decoder, tonePackets.slice(0, 5));
    const out = new Int16Array(3 * FRAME);
    expect(decoder.concealLoss(out, FRAME / 2)).toBe(FRAME / 2);
    expect(decoder.concealLoss(out, 3 * FRAME)).toBe(3 * FRAME);
    expect(decoder.concealLoss(out, FRAME + FRAME / 2 + 7)).toBe(FRAME + FRAME / 2);
    expect(decoder.concealLoss(out, FRAME / 2 - 1)).toBe(0);
    expect(decoder.concealLoss(out, -FRAME)).toBe(0);
    expect(decoder.concealLoss(out, Number.NaN)).toBe(0);
    expect(decoder.concealLoss(new Int16Array(FRAME), 3 * FRAME)).toBe(FRAME);
  });

  it('returns 0 before the first packet: libopus has nothing to extrapolate', () => {
    const out = new Int16Array(FRAME).fill(7);
    expect(new OpusFrameDecoder({ sampleRate: RATE }).concealLoss(out, FRAME)).toBe(0);
    expect(out.every((v) => v === 7)).toBe(true);
  });

  it('decodes the next packet normally after a concealed one', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE });
    decodeAll(decoder, tonePackets.slice(0, 12));
    decoder.concealLoss(new Int16Array(FRAME), FRAME);
    const after = decodeAll(decoder, tonePackets.slice(13));
    expect(dominantFrequency(after, RATE)).toBe(440);
    expect(rms(after, FRAME)).toBeGreaterThan(TONE_RMS * 0.8);
  });
});

/** `pcm` in 20 ms packets from a fresh encoder with the given in-band FEC setting. */
function encodePackets(pcm: Int16Array, inbandFec: boolean): Uint8Array[] {
  const encoder = new OpusFrameEncoder({ sampleRate: RATE, inbandFec, packetLossPercent: 10 });
  const out = new Uint8Array(1500);
  const packets: Uint8Array[] = [];
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) packets.push(out.slice(0, encoder.encode(pcm, at, FRAME, out)));
  encoder.close();
  return packets;
}

/** A decoder that has decoded `packets[0, count)`. */
function decoderAfter(packets: readonly Uint8Array[], count: number): OpusFrameDecoder {
  const decoder = new OpusFrameDecoder({ sampleRate: RATE });
  decodeAll(decoder, packets.slice(0, count));
  return decoder;
}

/** Median of `values`. */
function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

describe('OpusFrameDecoder.recoverFromNext (in-band FEC)', () => {
  /** 2 s of the voice-like signal, encoded with FEC sized for 10 % loss. */
  const fecPackets = encodePackets(voiced(RATE, 100 * FRAME), true);
  const reference = decodeAll(new OpusFrameDecoder({ sampleRate: RATE }), fecPackets);
  /** Lost packets whose successor carries LBRR, away from the encoder's start-up. */
  const recoverable = fecPackets.map((_, k) => k).filter((k) => k >= 5 && k + 1 < fecPackets.length && carriesInbandFec(fecPackets[k + 1]!, fecPackets[k + 1]!.length));

  it('decodes libopus directly here, so FEC is available', () => {
    expect(new OpusFrameDecoder({ sampleRate: RATE }).inbandFec).toBe(true);
    expect(recoverable.length).toBeGreaterThanOrEqual(20);
  });

  it('rebuilds a lost frame from the next packet far closer to the original than PLC does', () => {
    const fecSnr: number[] = [];
    const plcSnr: number[] = [];
    for (const lost of recoverable) {
      const original = reference.subarray(lost * FRAME, (lost + 1) * FRAME);
      const next = fecPackets[lost + 1]!;
      const recovered = new Int16Array(FRAME);
      expect(decoderAfter(fecPackets, lost).recoverFromNext(next, next.length, recovered, FRAME)).toBe(FRAME);
      const concealed = new Int16Array(FRAME);
      expect(decoderAfter(fecPackets, lost).concealLoss(concealed, FRAME)).toBe(FRAME);
      fecSnr.push(snrDb(original, recovered));
      plcSnr.push(snrDb(original, concealed));
    }
    // Measured on this signal: FEC about 24 dB, PLC about 9 dB (medians).
    expect(median(fecSnr)).toBeGreaterThan(median(plcSnr) + 8);
    expect(median(fecSnr)).toBeGreaterThan(15);
  });

  it('leaves the decoder in step: the packet after a recovery decodes as if nothing was lost', () => {
    for (const lost of recoverable.slice(0, 8)) {
      const decoder = decoderAfter(fecPackets, lost);
      const next = fecPackets[lost + 1]!;
      const out = new Int16Array(FRAME);
      expect(decoder.recoverFromNext(next, next.length, out, FRAME)).toBe(FRAME);
      expect(decoder.decode(next, next.length, out)).toBe(FRAME);
      // A recovered frame differs from the original, so the next one is close, not bit-exact.
      expect(snrDb(reference.subarray((lost + 1) * FRAME, (lost + 2) * FRAME), out)).toBeGreaterThan(15);
      const later = decodeAll(decoder, fecPackets.slice(lost + 2, lost + 7));
      expect(snrDb(reference.subarray((lost + 2) * FRAME, (lost + 7) * FRAME), later)).toBeGreaterThan(20);
    }
  });

  it('returns 0 and writes nothing when the next packet carries no FEC, so the caller conceals', () => {
    const plain = encodePackets(voiced(RATE, 30 * FRAME), false);
    const decoder = decoderAfter(plain, 10);
    for (const next of plain.slice(11)) {
      expect(silkHeaderFlags(next)?.lbrr).toBe(false);
      const out = new Int16Array(FRAME).fill(7);
      expect(decoder.recoverFromNext(next, next.length, out, FRAME)).toBe(0);
      expect(out.every((v) => v === 7)).toBe(true);
    }
    expect(decoder.concealLoss(new Int16Array(FRAME), FRAME)).toBe(FRAME);
  });

  it('returns 0 when the loss is shorter than the next packet\'s frame, or the packet is empty or malformed', () => {
    const lost = recoverable[0]!;
    const decoder = decoderAfter(fecPackets, lost);
    const next = fecPackets[lost + 1]!;
    const out = new Int16Array(FRAME).fill(7);
    expect(decoder.recoverFromNext(next, next.length, out, FRAME / 2)).toBe(0);
    expect(decoder.recoverFromNext(next, 0, out, FRAME)).toBe(0);
    expect(decoder.recoverFromNext(next, next.length, new Int16Array(FRAME / 2), FRAME)).toBe(0);
    for (const [, bad] of MALFORMED) expect(decoder.recoverFromNext(bad, bad.length, out, FRAME)).toBe(0);
    expect(out.every((v) => v === 7)).toBe(true);
    // None of that touched the state: the recovery still matches a fresh decoder's.
    const expected = new Int16Array(FRAME);
    decoderAfter(fecPackets, lost).recoverFromNext(next, next.length, expected, FRAME);
    expect(decoder.recoverFromNext(next, next.length, out, FRAME)).toBe(FRAME);
    expect(out).toEqual(expected);
  });

  it('recovers from a packet read out of a longer, reused buffer', () => {
    const lost = recoverable[1]!;
    const next = fecPackets[lost + 1]!;
    const reused = new Uint8Array(4096).fill(0xa5);
    reused.set(next);
    const a = new Int16Array(FRAME);
    const b = new Int16Array(FRAME);
    expect(decoderAfter(fecPackets, lost).recoverFromNext(reused, next.length, a, FRAME)).toBe(FRAME);
    expect(decoderAfter(fecPackets, lost).recoverFromNext(next, next.length, b, FRAME)).toBe(FRAME);
    expect(a).toEqual(b);
  });

  it('returns 0 on the addon-wrapper fallback, which cannot pass decode_fec', () => {
    const decoder = new OpusFrameDecoder({ sampleRate: RATE, native: loadOpusNative() });
    expect(decoder.inbandFec).toBe(false);
    decodeAll(decoder, voicedPackets.slice(0, 5));
    const next = voicedPackets[6]!;
    expect(silkHeaderFlags(next)).toEqual({ vad: true, lbrr: true });
    const out = new Int16Array(FRAME).fill(7);
    expect(decoder.recoverFromNext(next, next.length, out, FRAME)).toBe(0);
    expect(out.every((v) => v === 7)).toBe(true);
  });
});

describe('OpusFrameDecoder backends', () => {
  it('decodes and conceals bit-exactly like the addon wrapper (the same libopus build)', () => {
    const direct = new OpusFrameDecoder({ sampleRate: RATE });
    const wrapped = new OpusFrameDecoder({ sampleRate: RATE, native: loadOpusNative() });
    expect(direct.inbandFec && !wrapped.inbandFec).toBe(true);
    const a = new Int16Array(3 * FRAME);
    const b = new Int16Array(3 * FRAME);
    for (const [i, packet] of [...voicedPackets, ...tonePackets].entries()) {
      expect(direct.decode(packet, packet.length, a)).toBe(wrapped.decode(packet, packet.length, b));
      expect(a).toEqual(b);
      if (i % 7 === 3) {
        expect(direct.concealLoss(a, FRAME + FRAME / 2)).toBe(wrapped.concealLoss(b, FRAME + FRAME / 2));
        expect(a).toEqual(b);
      }
    }
  });
});

describe('OpusFrameDecoder rates', () => {
  it.each(OPUS_SAMPLE_RATES)('decodes 20 ms packets to %d Hz', (rate) => {
    const decoder = new OpusFrameDecoder({ sampleRate: rate });
    expect(decoder.sampleRate).toBe(rate);
    const pcm = new Int16Array(rate / 50);
    for (const packet of tonePackets) expect(decoder.decode(packet, packet.length, pcm)).toBe(rate / 50);
    expect(Math.abs(dominantFrequency(pcm, rate) - 440)).toBeLessThanOrEqual(25);
    expect(decoder.concealLoss(pcm, rate / 50)).toBe(rate / 50);
  });

  it.each([12000, 44100, 22050, 0])('rejects %d Hz with UnsupportedCodecError', (rate) => {
    expect(thrown(() => new OpusFrameDecoder({ sampleRate: rate }))).toMatchObject({
      name: 'UnsupportedCodecError',
      encoding: 'OPUS',
      sampleRate: rate,
    });
    expect(thrown(() => new OpusFrameDecoder({ sampleRate: rate }))).toBeInstanceOf(UnsupportedCodecError);
  });
});
