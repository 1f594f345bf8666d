import type { IncomingMessage } from 'node:http';
import { describe, expect, it } from 'vitest';
import { mediaStreamUrl, originFromRequest, originFromUrl, publicOrigin } from './publicUrl.js';

const request = (headers: Record<string, string>, encrypted = false) => ({ headers, socket: { encrypted } }) as unknown as IncomingMessage;

describe('public origin', () => {
  it('follows publicUrl, path prefix included, https to wss', () => {
    expect(originFromUrl('https://cw.example.com/voice/')).toEqual({ http: 'https://cw.example.com/voice', ws: 'wss://cw.example.com/voice' });
    expect(originFromUrl('http://127.0.0.1:8080')).toEqual({ http: 'http://127.0.0.1:8080', ws: 'ws://127.0.0.1:8080' });
  });

  it('falls back to the forwarded host and protocol, then Host and the connection', () => {
    expect(originFromRequest(request({ host: 'internal:8080', 'x-forwarded-host': 'cw.example.com, proxy', 'x-forwarded-proto': 'https' }))?.ws).toBe('wss://cw.example.com');
    expect(originFromRequest(request({ host: '127.0.0.1:8080' }))?.ws).toBe('ws://127.0.0.1:8080');
    expect(originFromRequest(request({ host: 'cw.example.com' }, true))?.ws).toBe('wss://cw.example.com');
    expect(originFromRequest(request({ host: 'evil.com/x?y' }))).toBeUndefined();
    expect(publicOrigin('https://configured.example', request({ host: 'other' }))?.ws).toBe('wss://configured.example');
  });

  it('builds the stream URL with serviceHost and extra query entries, encoded', () => {
    expect(mediaStreamUrl({ http: 'https://h', ws: 'wss://h' }, 'echo.default', { token: 'a&b=c' })).toBe('wss://h/ws/telnyx?serviceHost=echo.default&token=a%26b%3Dc');
  });
});
