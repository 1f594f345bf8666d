import type { AudioDecoder } from '../types.js';
import { saturate16 } from './fixedPoint.js';
import { HighBandAdpcm } from './highBand.js';
import { LowBandAdpcm } from './lowBand.js';
import { QmfSynthesis } from './qmf.js';
import { G722_SAMPLE_RATE } from './rates.js';

/**
 * {@link AudioDecoder} for ITU-T G.722 at 64 kbit/s: one byte in, two 16 kHz samples out
 * (160 bytes → 320 samples per 20 ms). Every byte value decodes, including lower-band codes 0–3
 * that no encoder emits.
 *
 * @remarks Holds ADPCM and filter state across calls, so one decoder serves one stream; a lost
 * packet is concealed by the playout stage, and the state re-converges within a few ms of the next
 * one. Allocates nothing per call.
 */
export class G722Decoder implements AudioDecoder {
  /** Always 16000: G.722 codes wideband audio whatever its RTP clock says. */
  readonly sampleRate = G722_SAMPLE_RATE;
  private readonly synthesis = new QmfSynthesis();
  private readonly lowBand = new LowBandAdpcm();
  private readonly highBand = new HighBandAdpcm();

  /** Decodes `payload[0, length)` into `out`; returns samples written (two per byte, as many bytes as fit). */
  decode(payload: Uint8Array, length: number, out: Int16Array): number {
    let bytes = length < payload.length ? length : payload.length;
    if (bytes > out.length >> 1) bytes = out.length >> 1;
    if (!(bytes > 0)) return 0;
    const synthesis = this.synthesis;
    for (let i = 0; i < bytes; i++) {
      const byte = payload[i]!;
      synthesis.push(this.lowBand.decode(byte & 0x3f), this.highBand.decode(byte >> 6));
      // Limited, not wrapped: spandsp 0.0.6 casts here and turns an overshoot into a full-scale
      // click of the opposite sign (fixed the same way in freeswitch/spandsp#14, sippy/libg722#4).
      out[2 * i] = saturate16(synthesis.earlier);
      out[2 * i + 1] = saturate16(synthesis.later);
    }
    return 2 * bytes;
  }

  /** No-op: the state is plain memory. */
  close(): void {}
}
