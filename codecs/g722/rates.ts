/** Sample rate of the PCM a G.722 coder consumes and produces, in Hz. */
export const G722_SAMPLE_RATE = 16000;

/**
 * RTP clock rate of G.722: 8000 Hz for historical reasons (RFC 3551 §4.5.2), though the audio is
 * 16 kHz. Signalling may quote either number; both mean the same codec.
 */
export const G722_RTP_CLOCK_RATE = 8000;
