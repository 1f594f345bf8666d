/** The libopus decoder behind an `OpusFrameDecoder`: libopus called directly, or the addon's wrapper. */
export interface OpusDecodeCore {
  /** True when {@link decodeInto} honours `fec` (libopus reached directly); the addon's wrapper cannot. */
  readonly decodesInbandFec: boolean;
  /**
   * Decodes `packet[0, length)` into `out` from sample `at`, at most `frameSize` samples, which the
   * caller has checked fit; with `fec`, decodes instead the in-band FEC the packet carries for the
   * frame before it, exactly `frameSize` samples. Returns samples written.
   *
   * @throws Error with libopus's reason when it rejects the packet (the decoder state is untouched).
   */
  decodeInto(packet: Uint8Array, length: number, out: Int16Array, at: number, frameSize: number, fec: boolean): number;
  /** Frees native state where the core can do so itself; idempotent. */
  release(): void;
}
