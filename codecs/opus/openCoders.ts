/**
 * Opus coders created and not yet closed in this process. A call opens at most one of each and
 * closes them as it ends, so a count that keeps growing means a call leaked its coders.
 */
export const openOpusCoders = { decoders: 0, encoders: 0 };
