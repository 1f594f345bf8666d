/** Codec names as Telnyx writes them in `start.media_format.encoding`. */
export type TelnyxEncoding = 'PCMU' | 'PCMA' | 'L16' | 'OPUS' | 'G722' | 'AMR-WB';

/**
 * Turns one codec payload into PCM16 samples, writing into a buffer the caller owns.
 * Implementations keep no reference to `payload` after returning and allocate nothing per call.
 */
export interface AudioDecoder {
  /** Sample rate of the PCM this decoder produces, in Hz. */
  readonly sampleRate: number;
  /** Decodes `payload[0, length)` into `out` from index 0; returns the number of samples written. */
  decode(payload: Uint8Array, length: number, out: Int16Array): number;
  /** Releases native resources; idempotent. */
  close(): void;
}

/**
 * Turns PCM16 samples into one codec payload, writing into a buffer the caller owns.
 * Implementations allocate nothing per call.
 */
export interface AudioEncoder {
  /** Sample rate of the PCM this encoder expects, in Hz. */
  readonly sampleRate: number;
  /** Encodes `pcm[offset, offset + count)` into `out` from index 0; returns the number of bytes written. */
  encode(pcm: Int16Array, offset: number, count: number, out: Uint8Array): number;
  /** Releases native resources; idempotent. */
  close(): void;
}

/**
 * What a decoder can do about a lost packet itself. Opus implements both (its own PLC, and in-band
 * FEC carried by the packet after a loss); G.711 and L16 implement neither and are concealed by
 * the playout stage's waveform substitution instead.
 */
export interface LossRecovery {
  /** Writes `sampleCount` samples of the codec's own concealment for one lost frame into `out`; returns samples written. */
  concealLoss(out: Int16Array, sampleCount: number): number;
  /**
   * Rebuilds the lost frame just before `nextPayload` from the redundancy `nextPayload` carries,
   * if any; returns samples written, or 0 when the packet carries no FEC.
   */
  recoverFromNext(nextPayload: Uint8Array, length: number, out: Int16Array, sampleCount: number): number;
}
