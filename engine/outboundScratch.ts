/**
 * Working buffers every call's outbound stream borrows while it builds one message: the engine runs
 * one message at a time, so one set serves every call. Shared, they stay in the CPU's caches across
 * calls, where per-call copies (1.6 KB a PCMU call) fall out of them between a call's ticks, and
 * they cost nothing per call.
 */

/** The buffers of one message being built; valid until the next message is built. */
export interface OutboundScratch {
  /** One bot-rate frame read from the queue. */
  readonly botFrame: Int16Array;
  /** One codec-rate frame after resampling. */
  readonly codecFrame: Int16Array;
  /** One frame's encoded bytes. */
  readonly frameBytes: Uint8Array;
  /** One message's encoded bytes: a Buffer, so the serializer base64-encodes it without a view. */
  readonly messageBytes: Buffer;
}

let shared: OutboundScratch = allocate(0, 0, 0, 0);

function allocate(botFrameSamples: number, codecFrameSamples: number, frameBytes: number, messageBytes: number): OutboundScratch {
  return { botFrame: new Int16Array(botFrameSamples), codecFrame: new Int16Array(codecFrameSamples), frameBytes: new Uint8Array(frameBytes), messageBytes: Buffer.alloc(messageBytes) };
}

/**
 * The shared buffers, grown (once, for every later caller) to hold at least these sizes. A stream
 * calls this when it opens and keeps the result; a later, larger stream replaces the set, so a
 * stream must not hold one message's buffers into the next.
 */
export function outboundScratch(botFrameSamples: number, codecFrameSamples: number, frameBytes: number, messageBytes: number): OutboundScratch {
  const current = shared;
  if (current.botFrame.length >= botFrameSamples && current.codecFrame.length >= codecFrameSamples && current.frameBytes.length >= frameBytes && current.messageBytes.length >= messageBytes) return current;
  shared = allocate(
    Math.max(botFrameSamples, current.botFrame.length),
    Math.max(codecFrameSamples, current.codecFrame.length),
    Math.max(frameBytes, current.frameBytes.length),
    Math.max(messageBytes, current.messageBytes.length),
  );
  return shared;
}
