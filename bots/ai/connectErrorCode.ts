import type { SpeechErrorCode } from './speechToSpeech.js';

/**
 * Maps why a provider's WebSocket did not open to a code: the HTTP status of a refused upgrade
 * (`ws` says `Unexpected server response: 401`), else a plain connection failure. Both official
 * SDKs open their sockets with `ws`, so the message is the same for every provider.
 */
export function connectErrorCode(message: string): SpeechErrorCode {
  const status = /Unexpected server response: (\d{3})/.exec(message)?.[1];
  if (status === '401' || status === '403') return 'unauthorized';
  if (status === '429') return 'rate_limited';
  if (status !== undefined && status.startsWith('5')) return 'provider_unavailable';
  return 'connect_failed';
}
