import type { AudioDecoder, LossRecovery } from '../types.js';

/** True when `decoder` conceals losses itself (Opus); G.711 and L16 decoders do not. */
export function hasLossRecovery(decoder: AudioDecoder): decoder is AudioDecoder & LossRecovery {
  const candidate = decoder as Partial<LossRecovery>;
  return typeof candidate.concealLoss === 'function' && typeof candidate.recoverFromNext === 'function';
}
