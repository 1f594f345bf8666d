import { L16ByteOrderCheck } from '../codecs/l16ByteOrderCheck.js';
import type { L16Decoder, L16Encoder } from '../codecs/l16.js';
import type { Logger } from './logger.js';

/**
 * Watches the first seconds of an L16 call: when its audio clearly arrives in the other byte order
 * than the agent's `media.l16ByteOrder` (full-scale noise to the bot), it switches this call's
 * decoder and L16 encoder to that order and logs once how to fix the agent.
 */
export class L16ByteOrderWatch {
  readonly #check: L16ByteOrderCheck;

  constructor(
    private readonly decoder: L16Decoder,
    private readonly encoder: L16Encoder | undefined,
    private readonly log: Logger,
  ) {
    this.#check = new L16ByteOrderCheck(decoder.byteOrder);
  }

  /** Looks at one inbound payload; returns false once the watch is over (the caller may drop it). */
  observe(payload: Uint8Array, length: number): boolean {
    const verdict = this.#check.observe(payload, length);
    if (verdict === 'watching') return true;
    if (verdict === 'swapped') {
      const configured = this.#check.configured;
      const detected = configured === 'big' ? 'little' : 'big';
      this.decoder.byteOrder = detected;
      if (this.encoder !== undefined) this.encoder.byteOrder = detected;
      this.log.warn(
        { code: 'CW_L16_BYTE_ORDER', configured, detected, fix: `set the agent's media.l16ByteOrder to "${detected}"` },
        'L16 audio arrives in the other byte order; switched this call to it',
      );
    }
    return false;
  }
}
