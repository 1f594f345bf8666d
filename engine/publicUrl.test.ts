import { describe, expect, it } from 'vitest';
import { mediaStreamUrl, originFromUrl } from './publicUrl.js';

describe('public origin', () => {
  it('follows publicUrl, path prefix included, https to wss', () => {
    expect(originFromUrl('https://cw.example.com/voice/')).toEqual({ http: 'https://cw.example.com/voice', ws: 'wss://cw.example.com/voice' });
    expect(originFromUrl('http://127.0.0.1:8080')).toEqual({ http: 'http://127.0.0.1:8080', ws: 'ws://127.0.0.1:8080' });
  });

  it('builds the stream URL with serviceHost and extra query entries, encoded', () => {
    expect(mediaStreamUrl({ http: 'https://h', ws: 'wss://h' }, 'echo.default', { token: 'a&b=c' })).toBe('wss://h/ws/telnyx?serviceHost=echo.default&token=a%26b%3Dc');
  });
});
