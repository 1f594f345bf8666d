/**
 * The abuse bench's attack library: attacks on an engine at 127.0.0.1, each bounded in count and
 * time, stopping by itself, and reporting what it did. Usable from tests and from the bench.
 */
export { errorFlood, DEFAULT_FLOOD_TEXT_BYTES } from './errorFlood.js';
export type { ErrorFloodOptions } from './errorFlood.js';
export { unknownFlood } from './unknownFlood.js';
export type { UnknownFloodOptions } from './unknownFlood.js';
export { preauthFlood } from './preauthFlood.js';
export type { PreauthFloodOptions, PreauthFrameKind } from './preauthFlood.js';
export { bigFrames } from './bigFrames.js';
export type { BigFramesOptions } from './bigFrames.js';
export { largestAcceptedFrame } from './largestFrame.js';
export { silentSockets, DEFAULT_SOCKETS_PER_WORKER } from './silentSockets.js';
export type { SilentSocketsOptions, SilentSocketsExtra, HeldSample } from './silentSockets.js';
export { slowWebhook } from './slowWebhook.js';
export type { SlowWebhookOptions, SlowWebhookExtra } from './slowWebhook.js';
export { webhookReplay } from './webhookReplay.js';
export type { WebhookReplayOptions, WebhookReplayExtra, ReplayOutcome } from './webhookReplay.js';
export { generateWebhookKeys, WebhookSigner } from './webhookKeys.js';
export type { WebhookKeys, WebhookSignature } from './webhookKeys.js';
export { runAttack } from './attacks.js';
export type { AttackRequest } from './attacks.js';
export { AttackTally } from './attackTally.js';
export type { AttackName, AttackReport } from './attackTally.js';
export { loopbackAddresses, isLoopbackAddress, TARGET_HOST, MAX_ATTACK_DURATION_MS } from './attackOptions.js';
export type { AttackBaseOptions } from './attackOptions.js';
export type { WebSocketFloodExtra } from './webSocketFlood.js';
export { startAbuseTestEngine, messagesReadByEngine, TEST_STREAM_TOKEN } from './abuseTestEngine.js';
export { waitUntil } from '../support/waitUntil.js';
export type { AbuseTestEngine } from './abuseTestEngine.js';
