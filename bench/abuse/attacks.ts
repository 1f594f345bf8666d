/** Every attack by name, so one can be chosen at run time (the CLI, the attacker process). */
import type { AttackReport, AttackTally } from './attackTally.js';
import { bigFrames, type BigFramesOptions } from './bigFrames.js';
import { errorFlood, type ErrorFloodOptions } from './errorFlood.js';
import { preauthFlood, type PreauthFloodOptions } from './preauthFlood.js';
import { silentSockets, type SilentSocketsOptions } from './silentSockets.js';
import { slowWebhook, type SlowWebhookOptions } from './slowWebhook.js';
import { unknownFlood, type UnknownFloodOptions } from './unknownFlood.js';
import { webhookReplay, type WebhookReplayOptions } from './webhookReplay.js';

/** An attack and its options, as plain data (it crosses process boundaries as JSON). */
export type AttackRequest =
  | { readonly attack: 'error-flood'; readonly options: ErrorFloodOptions }
  | { readonly attack: 'unknown-flood'; readonly options: UnknownFloodOptions }
  | { readonly attack: 'preauth-flood'; readonly options: PreauthFloodOptions }
  | { readonly attack: 'silent-sockets'; readonly options: SilentSocketsOptions }
  | { readonly attack: 'slow-webhook'; readonly options: SlowWebhookOptions }
  | { readonly attack: 'big-frames'; readonly options: BigFramesOptions }
  | { readonly attack: 'webhook-replay'; readonly options: WebhookReplayOptions };

/**
 * Runs the attack `request` names; resolves with its report once it has stopped. `tally`, when
 * given, replaces the options' own, so a request that came as JSON can still be watched live.
 */
export function runAttack(request: AttackRequest, signal?: AbortSignal, tally?: AttackTally): Promise<AttackReport<object>> {
  const live = tally === undefined ? {} : { tally };
  switch (request.attack) {
    case 'error-flood':
      return errorFlood({ ...request.options, ...live }, signal);
    case 'unknown-flood':
      return unknownFlood({ ...request.options, ...live }, signal);
    case 'preauth-flood':
      return preauthFlood({ ...request.options, ...live }, signal);
    case 'silent-sockets':
      return silentSockets({ ...request.options, ...live }, signal);
    case 'slow-webhook':
      return slowWebhook({ ...request.options, ...live }, signal);
    case 'big-frames':
      return bigFrames({ ...request.options, ...live }, signal);
    case 'webhook-replay':
      return webhookReplay({ ...request.options, ...live }, signal);
  }
}
