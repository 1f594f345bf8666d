import { describe, expect, it } from 'vitest';
import { voiced } from '../opus/fixtures/signals.js';
import { carriesInbandFec } from '../opus/inbandFec.js';
import { loadOpusNative } from '../opus/native.js';
import { OpusFrameDecoder } from '../opus/opusFrameDecoder.js';
import { OpusFrameEncoder } from '../opus/opusFrameEncoder.js';
import { simulate, type EmittedFrame } from './fixtures/simulate.js';
import { packetTrace } from './fixtures/traces.js';
import { snrDb } from '../fixtures/snr.js';

const RATE = 8000;
const FRAME = RATE / 50;

describe('PlayoutStage over real Opus with in-band FEC', () => {
  const pcm = voiced(RATE, 150 * FRAME);
  const encoder = new OpusFrameEncoder({ sampleRate: RATE });
  const packetOut = new Uint8Array(1500);
  const packets: Uint8Array[] = [];
  for (let at = 0; at + FRAME <= pcm.length; at += FRAME) packets.push(packetOut.slice(0, encoder.encode(pcm, at, FRAME, packetOut)));
  const referenceDecoder = new OpusFrameDecoder({ sampleRate: RATE });
  const reference = packets.map((packet) => {
    const out = new Int16Array(FRAME);
    referenceDecoder.decode(packet, packet.length, out);
    return out;
  });
  // Every tenth packet from 20 on is lost; keep the losses whose next packet carries FEC, plus one that does not.
  const withFec = (k: number) => carriesInbandFec(packets[k + 1]!, packets[k + 1]!.length);
  const candidates = Array.from({ length: 12 }, (_, i) => 20 + 10 * i);
  const lost = new Set(candidates.filter(withFec));
  const withoutFec = packets.findIndex((_, k) => k > 20 && k + 1 < packets.length && !lost.has(k) && !lost.has(k - 1) && !lost.has(k + 1) && !withFec(k));

  /** The frames emitted in the slots of the lost packets, by sequence number of the packet lost. */
  function concealedSlots(frames: readonly EmittedFrame[], lostIndices: readonly number[]): Map<number, EmittedFrame> {
    const slots = new Map<number, EmittedFrame>();
    for (const k of lostIndices) {
      // Sequence numbers start at 1: the frame before the gap played packet k - 1, numbered k.
      const before = frames.findIndex((f) => f.kind === 'speech' && f.sequenceNumber === k);
      slots.set(k, frames[before + 1]!);
    }
    return slots;
  }

  it('rebuilds each lost frame whose next packet carries LBRR, and conceals the rest with PLC', () => {
    expect(lost.size).toBeGreaterThanOrEqual(8);
    expect(withoutFec).toBeGreaterThan(0);
    const drops = [...lost, withoutFec];
    const trace = packetTrace(packets).filter((_, i) => !drops.includes(i));
    // A 40 ms floor leaves time for the packet after a loss to arrive before the loss is due.
    const playout = { minTargetMs: 40 };
    const fec = simulate(trace, { decoder: new OpusFrameDecoder({ sampleRate: RATE }), playout });
    const plc = simulate(trace, { decoder: new OpusFrameDecoder({ sampleRate: RATE, native: loadOpusNative() }), playout });
    expect(fec.stats.recovered).toBe(lost.size);
    expect(plc.stats.recovered).toBe(0);
    expect(fec.stats.played).toBe(packets.length - drops.length);

    const fecSlots = concealedSlots(fec.frames, drops);
    const plcSlots = concealedSlots(plc.frames, drops);
    let fecSnr = 0;
    let plcSnr = 0;
    for (const k of lost) {
      expect(fecSlots.get(k)!.kind).toBe('concealed');
      fecSnr += snrDb(reference[k]!, fecSlots.get(k)!.samples) / lost.size;
      plcSnr += snrDb(reference[k]!, plcSlots.get(k)!.samples) / lost.size;
    }
    // Measured: FEC about 21 dB, PLC about 6 dB on this signal.
    expect(fecSnr).toBeGreaterThan(plcSnr + 8);
    // Without FEC in the next packet the slot is still filled, by PLC (it is not in the recovered count above).
    expect(fecSlots.get(withoutFec)!.kind).toBe('concealed');
    expect(snrDb(reference[withoutFec]!, fecSlots.get(withoutFec)!.samples)).toBeLessThan(fecSnr);
  });
});
