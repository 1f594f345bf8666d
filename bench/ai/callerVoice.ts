import { encodeFakeAudio, toneSamples } from '../fakes/fakeAudio.js';
import type { TelnyxMediaClient } from '../telnyx/mediaClient.js';

const SILENCE = new Uint8Array(160).fill(0xff);
const SPEECH = encodeFakeAudio('audio/pcmu', toneSamples(440, 20, 8000, 12_000));

/**
 * The caller's side of a simulated AI call: a PCMU frame every 20 ms on a drift-corrected schedule,
 * silence, or a tone while `speaking` is set (loud enough for the fake models' energy detectors).
 */
export class CallerVoice {
  /** Whether the caller is talking now. */
  speaking = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly client: TelnyxMediaClient) {}

  /** Starts sending; it stops by itself when the stream closes. */
  start(): void {
    let sent = 0;
    const begin = performance.now();
    const tick = (): void => {
      while (this.client.open && begin + sent * 20 <= performance.now()) {
        this.client.sendMedia(this.speaking ? SPEECH : SILENCE);
        sent++;
      }
      if (this.client.open) this.timer = setTimeout(tick, 5);
    };
    tick();
  }

  /** Stops sending. */
  stop(): void {
    clearTimeout(this.timer);
  }
}

/** Whether an outbound PCMU payload carries the agent's speech rather than silence. */
export function isAgentSpeech(payload: Buffer): boolean {
  return payload.some((byte) => byte !== 0xff && byte !== 0x7f);
}

/** Milliseconds of the agent's speech the simulated Telnyx has received (PCMU: 8 bytes a millisecond). */
export function agentSpeechMs(client: TelnyxMediaClient): number {
  return client.media.reduce((sum, media) => sum + (isAgentSpeech(media.payload) ? media.payload.length / 8 : 0), 0);
}
