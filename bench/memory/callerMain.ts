/**
 * Child process of `bench:memory`: plays Telnyx for the calls the parent asks for, so the measured
 * process holds only the engine. Each `{ open: n }` opens n more PCMU calls, all fed one 20 ms frame
 * per tick from one shared timer; answers `{ open: total }` once they are streaming.
 */
import { TelnyxMediaClient } from '../telnyx/mediaClient.js';

/** A request from the parent. */
export type CallerRequest = { readonly url: string; readonly open: number } | { readonly exit: true };
/** The answer: calls now streaming. */
export interface CallerReply {
  readonly open: number;
}

const FRAME_MS = 20;
const SAMPLES_PER_FRAME = 160;
// A quiet but not silent PCMU pattern, so the echo bot has audio to play back.
const payload = new Uint8Array(SAMPLES_PER_FRAME).map((_, i) => 0x80 | (i * 7) % 0x7f);
const calls: TelnyxMediaClient[] = [];

setInterval(() => {
  for (const call of calls) {
    if (!call.open) continue;
    call.sendMedia(payload);
    // The client keeps every message for assertions; a long run here needs none of them.
    call.media.length = 0;
    call.frames.length = 0;
  }
}, FRAME_MS);

async function open(url: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const call = await TelnyxMediaClient.connect(url);
    call.begin();
    calls.push(call);
  }
  process.send?.({ open: calls.length } satisfies CallerReply);
}

if (process.send === undefined) {
  process.stderr.write('callerMain: start me from bench/memory/callMemory.ts (needs an IPC channel)\n');
  process.exit(2);
}
process.on('message', (request: CallerRequest) => {
  if ('exit' in request) process.exit(0);
  else void open(request.url, request.open);
});
process.on('disconnect', () => process.exit(0));
