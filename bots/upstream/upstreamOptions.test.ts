import { describe, expect, it } from 'vitest';
import { parseUpstreamOptions, upstreamEncodingFor, UPSTREAM_DEFAULTS } from './upstreamOptions.js';

describe('upstream agent options', () => {
  it('needs only a URL; the rest has defaults', () => {
    const options = parseUpstreamOptions({ url: 'ws://my-bot:8765/ws' });
    expect(options).toMatchObject({
      url: 'ws://my-bot:8765/ws',
      protocol: 'telnyx',
      headers: {},
      connectTimeoutMs: UPSTREAM_DEFAULTS.connectTimeoutMs,
      encoding: undefined,
      endWhenBotStops: 'after-playback',
      fallback: { prompt: { shipped: true }, transferTo: undefined },
    });
  });

  it('follows the call codec with Telnyx unless told otherwise; Twilio is always PCMU', () => {
    const telnyx = parseUpstreamOptions({ url: 'wss://bot.example/ws' });
    expect(upstreamEncodingFor(telnyx, 'PCMA')).toBe('PCMA');
    expect(upstreamEncodingFor(telnyx, 'L16')).toBe('PCMU');
    expect(upstreamEncodingFor(parseUpstreamOptions({ url: 'wss://bot.example/ws', encoding: 'PCMU' }), 'PCMA')).toBe('PCMU');
    expect(upstreamEncodingFor(parseUpstreamOptions({ url: 'wss://bot.example/ws', protocol: 'twilio' }), 'PCMA')).toBe('PCMU');
  });

  it('says exactly what is wrong', () => {
    expect(() => parseUpstreamOptions({})).toThrow(/upstream: url is required/);
    expect(() => parseUpstreamOptions({ url: 'http://bot/ws' })).toThrow(/ws:\/\/ or wss:\/\//);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', protocol: 'vonage' })).toThrow(/protocol must be "telnyx" or "twilio"/);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', protocol: 'twilio', encoding: 'PCMA' })).toThrow(/PCMU .*only/);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', headers: { 'bad header': 'x' } })).toThrow(/not a valid header name/);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', headers: { authorization: 'a\r\nb' } })).toThrow(/one line/);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', connectTimeoutMs: 0 })).toThrow(/connectTimeoutMs must be a whole number/);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', fallback: { transferTo: 'my desk' } })).toThrow(/fallback.transferTo/);
    expect(() => parseUpstreamOptions({ url: 'ws://bot/ws', urll: 'x' })).toThrow(/unknown option "urll"/);
  });

  it('keeps header names in lower case', () => {
    expect(parseUpstreamOptions({ url: 'ws://bot/ws', headers: { Authorization: 'Bearer t' } }).headers).toEqual({ authorization: 'Bearer t' });
  });
});
