import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DEFAULT_INSTRUCTIONS, parseAiAgentOptions, renderInstructions } from './agentOptions.js';

describe('parseAiAgentOptions', () => {
  it('fills defaults: plain instructions, end_call only', () => {
    expect(parseAiAgentOptions('openai-realtime', {})).toMatchObject({ instructions: DEFAULT_INSTRUCTIONS, tools: ['end_call'], transferTargets: [], greeting: undefined });
  });

  it('falls back to the shipped apology, or to a WAV of 8 kHz mono', () => {
    expect(parseAiAgentOptions('x', {}).fallback).toEqual({ prompt: { shipped: true }, transferTo: undefined });
    const wav = fileURLToPath(new URL('../prompts/goodbye.wav', import.meta.url));
    expect(parseAiAgentOptions('x', { fallback: { prompt: wav, transferTo: '+13125550123' } }).fallback).toEqual({ prompt: { wav }, transferTo: '+13125550123' });
  });

  it('offers transfer_call as soon as numbers are allowed', () => {
    const options = parseAiAgentOptions('openai-realtime', { transferTo: ['+13125550123', 'sip:desk@acme.example'] });
    expect(options.tools).toEqual(['end_call', 'transfer_call']);
  });

  it('takes a greeting as text or with interruptible', () => {
    expect(parseAiAgentOptions('x', { greeting: 'Hi' }).greeting).toEqual({ text: 'Hi', interruptible: true });
    expect(parseAiAgentOptions('x', { greeting: { text: 'Recorded.', interruptible: false } }).greeting).toEqual({ text: 'Recorded.', interruptible: false });
  });

  it('parses turn detection of either kind', () => {
    expect(parseAiAgentOptions('x', { turnDetection: { type: 'server_vad', threshold: 0.6, silenceDurationMs: 400 } }).turnDetection).toMatchObject({ type: 'server_vad', threshold: 0.6, silenceDurationMs: 400 });
    expect(parseAiAgentOptions('x', { turnDetection: { type: 'semantic_vad', eagerness: 'low' } }).turnDetection).toEqual({ type: 'semantic_vad', eagerness: 'low' });
  });

  it.each([
    [{ voice: 3 }, /voice must be a non-empty string/],
    [{ transferTo: ['5551234'] }, /neither an E\.164 number/],
    [{ tools: ['transfer_call'] }, /transfer_call needs transferTo/],
    [{ tools: ['launch_rocket'] }, /unknown tool "launch_rocket"/],
    [{ turnDetection: { type: 'push_to_talk' } }, /turnDetection\.type must be/],
    [{ turnDetection: { type: 'server_vad', threshold: 3 } }, /threshold must be a number from 0 to 1/],
    [{ temperature: 'hot' }, /temperature must be a number/],
    [{ greeting: { interruptible: false } }, /greeting\.text/],
    [{ instructons: 'typo' }, /unknown option "instructons"/],
    [{ fallback: { prompt: '/nonexistent/sorry.wav' } }, /fallback\.prompt \/nonexistent\/sorry\.wav: does not exist \(a relative path starts from the configuration file's folder\)/],
    [{ fallback: { prompt: 'a.wav', text: 'Sorry.' } }, /either prompt \(a WAV file\) or text, not both/],
    [{ fallback: { transferTo: 'front desk' } }, /fallback\.transferTo: "front desk" is neither/],
    [{ fallback: { transfer: '+13125550123' } }, /fallback: unknown option "transfer"/],
  ])('refuses %j with a message naming the problem', (raw, message) => {
    expect(() => parseAiAgentOptions('openai-realtime', raw)).toThrow(message);
  });
});

describe('renderInstructions', () => {
  it('fills the caller, the number called and custom parameters', () => {
    const call = { from: '+13125550100', to: '+13125550199', customParameters: { firstName: 'Ada', 'order.id': '42' } };
    expect(renderInstructions('Caller {{from}} dialled {{ to }}; name {{custom.firstName}}, order {{custom.order.id}}, {{custom.missing}}.', call)).toBe(
      'Caller +13125550100 dialled +13125550199; name Ada, order 42, .',
    );
  });
});
