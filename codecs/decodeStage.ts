import type { AudioFrame } from '../bots/api.js';
import type { MediaPacket } from '../engine/telnyx/frames.js';
import { AudioFrameBuffer } from './audioFrameBuffer.js';
import type { AudioDecoder } from './types.js';

/**
 * Decodes one inbound media packet into the stage's reused PCM frame. Synchronous, no I/O, and no
 * allocation per packet; the returned frame is overwritten by the next call.
 */
export class DecodeStage {
  readonly #decoder: AudioDecoder;
  readonly #frame: AudioFrameBuffer;

  constructor(decoder: AudioDecoder, maxSamples: number) {
    this.#decoder = decoder;
    this.#frame = new AudioFrameBuffer(maxSamples, decoder.sampleRate);
  }

  /** Decodes `packet` and returns the stage's frame, now holding its samples. */
  process(packet: MediaPacket): AudioFrame {
    const frame = this.#frame;
    frame.sampleCount = this.#decoder.decode(packet.payload, packet.length, frame.samples);
    frame.sequenceNumber = packet.sequenceNumber;
    frame.kind = 'speech';
    return frame;
  }
}
