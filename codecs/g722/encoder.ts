import type { AudioEncoder } from '../types.js';
import { HighBandAdpcm } from './highBand.js';
import { LowBandAdpcm } from './lowBand.js';
import { QmfAnalysis } from './qmf.js';
import { G722_SAMPLE_RATE } from './rates.js';

/**
 * {@link AudioEncoder} for ITU-T G.722 at 64 kbit/s: 16 kHz PCM in, one byte per two samples out
 * (320 samples → 160 bytes per 20 ms). Each byte carries the 2-bit higher-band code in its top
 * bits and the 6-bit lower-band code below, the octet layout RTP sends (RFC 3551 §4.5.2).
 *
 * @remarks Holds ADPCM and filter state across calls, so one encoder serves one stream. A trailing
 * odd sample is dropped: a frame should hold an even number of samples. Allocates nothing per call.
 */
export class G722Encoder implements AudioEncoder {
  /** Always 16000: G.722 codes wideband audio whatever its RTP clock says. */
  readonly sampleRate = G722_SAMPLE_RATE;
  private readonly analysis = new QmfAnalysis();
  private readonly lowBand = new LowBandAdpcm();
  private readonly highBand = new HighBandAdpcm();

  /** Encodes `pcm[offset, offset + count)` into `out`; returns bytes written (`count / 2`, rounded down, within `out`). */
  encode(pcm: Int16Array, offset: number, count: number, out: Uint8Array): number {
    if (!(offset >= 0)) return 0;
    let pairs = (count < pcm.length - offset ? count : pcm.length - offset) >> 1;
    if (pairs > out.length) pairs = out.length;
    if (!(pairs > 0)) return 0;
    const analysis = this.analysis;
    for (let i = 0; i < pairs; i++) {
      const at = offset + 2 * i;
      analysis.push(pcm[at]!, pcm[at + 1]!);
      out[i] = (this.highBand.encode(analysis.high) << 6) | this.lowBand.encode(analysis.low);
    }
    return pairs;
  }

  /** No-op: the state is plain memory. */
  close(): void {}
}
