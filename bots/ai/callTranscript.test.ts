import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../engine/logger.js';
import { CallTranscript, heardText, type TranscriptTurn } from './callTranscript.js';

const summary = { userTurns: 1, assistantTurns: 2, interruptions: 1, inputTokens: 20, outputTokens: 10 };

describe('heardText', () => {
  it('keeps the words the caller heard, cut back to a whole word', () => {
    expect(heardText('Our opening hours are nine to five', 0.5)).toBe('Our opening hours');
    expect(heardText('Hello there', 1)).toBe('Hello there');
    expect(heardText('Hello there', 0)).toBe('');
  });
});

describe('CallTranscript', () => {
  it('cuts an interrupted assistant turn whichever comes first, its transcript or the interruption', () => {
    let now = 1000;
    const seen: TranscriptTurn[] = [];
    const transcript = new CallTranscript('call-1', 1000, () => now, { onTurn: (turn) => void seen.push(turn) }, silentLogger());
    now = 1500;
    transcript.add('user', 'u1', 'What are your hours?');
    transcript.add('assistant', 'a1', 'We open at nine and close at five on weekdays');
    transcript.interrupted('a1', 0.5);
    transcript.interrupted('a2', 0.25);
    transcript.add('assistant', 'a2', 'Is there anything else I can help with today');
    expect(transcript.turns.map((turn) => [turn.role, turn.text, turn.interrupted])).toEqual([
      ['user', 'What are your hours?', undefined],
      ['assistant', 'We open at nine and', true],
      ['assistant', 'Is there', true],
    ]);
    expect(transcript.turns[1]).toMatchObject({ generatedText: 'We open at nine and close at five on weekdays', offsetMs: 500 });
    // The hook saw the first assistant turn whole, then cut.
    expect(seen.map((turn) => turn.text)).toEqual(['What are your hours?', 'We open at nine and close at five on weekdays', 'We open at nine and', 'Is there']);
  });

  it('writes JSON Lines only when asked, and a failing hook does not stop the call', () => {
    const dir = mkdtempSync(join(tmpdir(), 'callwire-transcript-'));
    let ended: unknown;
    const transcript = new CallTranscript('call-2', 0, () => 0, { dir, onTurn: () => { throw new Error('hook bug'); }, onEnd: (whole) => void (ended = whole) }, silentLogger());
    transcript.add('user', 'u1', 'Hi');
    transcript.end(summary);
    expect(ended).toMatchObject({ callId: 'call-2', summary, turns: [{ role: 'user', text: 'Hi' }] });
    return new Promise<void>((resolve) => setTimeout(resolve, 50)).then(() => {
      const lines = readFileSync(join(dir, 'call-2.transcript.jsonl'), 'utf8').trim().split('\n').map((line) => JSON.parse(line) as TranscriptTurn);
      expect(lines).toMatchObject([{ role: 'user', itemId: 'u1', text: 'Hi' }]);
    });
  });
});
