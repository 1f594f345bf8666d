import type { BotLogic } from '../api.js';
import { withOptionsLoader } from '../botOptions.js';
import { defineBot } from '../defineBot.js';
import { withResolvedFallbackPrompt } from '../fallback/fallbackOption.js';
import { resolve } from 'node:path';
import { TelnyxMessageWriter } from './telnyxUpstream.js';
import { TwilioMessageWriter } from './twilioUpstream.js';
import { UpstreamBridge } from './upstreamBridge.js';
import { UpstreamConnection } from './upstreamConnection.js';
import { parseUpstreamOptions, type UpstreamOptions } from './upstreamOptions.js';

/** Hard bound on one message from a bot server; past it ws breaks the connection (1009). */
const HARD_MESSAGE_LIMIT_BYTES = 16 * 1024 * 1024;

/** Opens the connection to the bot server for one call, as `options` say. */
export function connectUpstream(options: UpstreamOptions): UpstreamConnection {
  const writer = options.protocol === 'twilio' ? new TwilioMessageWriter() : new TelnyxMessageWriter();
  return new UpstreamConnection({
    url: options.url,
    headers: options.headers,
    connectTimeoutMs: options.connectTimeoutMs,
    maxSendBufferBytes: options.maxSendBufferBytes,
    maxPayloadBytes: Math.max(HARD_MESSAGE_LIMIT_BYTES, options.maxMessageBytes),
    firstMessage: writer.connected(),
  });
}

/**
 * The shipped `upstream` bot: forwards each call to the user's own bot server over a WebSocket that
 * speaks Telnyx's or Twilio's media-stream protocol, with callwire's jitter-buffered input and paced
 * output in between. The connection opens as soon as the call is known, before its media starts.
 */
export const upstreamBot: BotLogic = withOptionsLoader(
  defineBot<UpstreamOptions>({
    name: 'upstream',
    // Both protocols carry G.711 at 8 kHz.
    sampleRate: 8000,
    parseOptions: parseUpstreamOptions,
    prepare: (_preview, options) => connectUpstream(options),
    create: (context) => {
      const prepared = context.prepared;
      const connection = prepared instanceof UpstreamConnection ? prepared : (prepared?.dispose(), connectUpstream(context.options));
      const bridge = new UpstreamBridge(context, connection);
      bridge.start();
      return {
        audio: (frame) => bridge.hear(frame.samples, frame.sampleCount),
        dtmf: (digit) => bridge.dtmf(digit),
        mark: (name) => bridge.heardMark(name),
        stop: (reason) => bridge.end(reason),
      };
    },
  }),
  async (raw, context) => withResolvedFallbackPrompt(raw, (path) => resolve(context.baseDir, path)),
);
