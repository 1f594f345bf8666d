import { describe, expect, it } from 'vitest';
import { runBot, type OutputAction } from '../test/support/botHarness.js';
import { createMenuBot, menuPrompt } from './menu.js';
import { timeWords } from './timeWords.js';

const fixedTime = () => new Date(Date.UTC(2026, 10, 25, 14, 5, 0));

/** Names the prompts a run of play actions consists of, by matching them against the prompt files. */
function promptNames(actions: OutputAction[], candidates: string[]): string[] {
  return actions.flatMap((action) => {
    if (action.kind !== 'play') return [`<${action.kind}${action.kind === 'mark' ? `:${action.name}` : ''}>`];
    const name = candidates.find((candidate) => {
      const prompt = menuPrompt(candidate);
      return prompt.length === action.samples.length && prompt.every((sample, i) => sample === action.samples[i]);
    });
    return [name ?? '<unknown audio>'];
  });
}

const ALL = ['greeting', 'echo-intro', 'time-intro', 'utc', 'goodbye', 'invalid', 'oh', 'hundred-hours', 'n14', 'n5'];

describe('menu bot', () => {
  it('greets at once', () => {
    const { output } = runBot(createMenuBot({ now: fixedTime }));
    expect(promptNames(output.actions, ALL)).toEqual(['<clear>', 'greeting', '<mark:menu>']);
  });

  it('2 reads the time in UTC, then the menu again', () => {
    const { actor, output } = runBot(createMenuBot({ now: fixedTime }));
    output.actions.length = 0;
    actor.send({ type: 'telnyx.dtmf', digit: '2' });
    expect(promptNames(output.actions, ALL)).toEqual(['<clear>', 'time-intro', 'n14', 'oh', 'n5', 'utc', 'greeting', '<mark:menu>']);
  });

  it('1 echoes the caller until star, then returns to the menu', () => {
    const { actor, output, hear } = runBot(createMenuBot({ now: fixedTime, echoDelayMs: 0 }));
    actor.send({ type: 'telnyx.dtmf', digit: '1' });
    output.actions.length = 0;
    hear(() => 1234);
    expect(output.played().length).toBe(160);
    expect(output.played()[0]).toBe(1234);
    actor.send({ type: 'telnyx.dtmf', digit: '*' });
    output.actions.length = 0;
    hear(() => 99);
    expect(output.played().length).toBe(0);
  });

  it('# says goodbye and hangs up once the goodbye has played', () => {
    const { actor, port, clock, output } = runBot(createMenuBot({ now: fixedTime }));
    port.drained = false;
    actor.send({ type: 'telnyx.dtmf', digit: '#' });
    expect(promptNames(output.actions.slice(-3), ALL)).toEqual(['<clear>', 'goodbye', '<mark:goodbye>']);
    expect(actor.getSnapshot().value).toEqual({ streaming: { turn: 'hangingUp', media: 'watching' } });
    port.drained = true;
    clock.advance(20);
    expect(actor.getSnapshot().output).toEqual({ reason: 'bot_hangup' });
  });

  it('an unknown key says so and repeats the menu', () => {
    const { actor, output } = runBot(createMenuBot({ now: fixedTime }));
    output.actions.length = 0;
    actor.send({ type: 'telnyx.dtmf', digit: '7' });
    expect(promptNames(output.actions, ALL)).toEqual(['<clear>', 'invalid', 'greeting', '<mark:menu>']);
  });
});

describe('timeWords', () => {
  it.each([
    [14, 5, ['n14', 'oh', 'n5']],
    [9, 30, ['n9', 'n30']],
    [12, 0, ['n12', 'hundred-hours']],
    [0, 0, ['n0', 'hundred-hours']],
    [23, 59, ['n20', 'n3', 'n50', 'n9']],
    [20, 17, ['n20', 'n17']],
  ])('%i:%i reads as %o', (hours, minutes, words) => {
    expect(timeWords(hours, minutes)).toEqual(words);
  });
});
