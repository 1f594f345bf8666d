import { defineBot, type BotHandlers } from './defineBot.js';
import { TIME_WORD_PROMPTS, timeWords } from './timeWords.js';
import { loadPrompts, PROMPT_SAMPLE_RATE } from './wav/loadPrompt.js';
import { atRate } from './fallback/fallbackPrompt.js';
import { OutboundQueue } from '../codecs/outboundQueue.js';

const MENU_PROMPTS = ['greeting', 'echo-intro', 'time-intro', 'utc', 'goodbye', 'invalid', ...TIME_WORD_PROMPTS] as const;

let prompts: Map<string, Int16Array> | undefined;
/** Prompts at the other rates calls have asked for, made once per process and rate. */
const promptsAtRate = new Map<string, Int16Array>();

/** Prompts are read from disk once per process, on the first call that needs them. */
function prompt(name: string): Int16Array {
  prompts ??= loadPrompts(MENU_PROMPTS);
  const samples = prompts.get(name);
  if (samples === undefined) throw new Error(`menu: missing prompt ${name}`);
  return samples;
}

/** Prompt `name` at `sampleRate` (the menu follows the call's rate; the prompts are recorded at 8 kHz). */
function promptAt(name: string, sampleRate: number): Int16Array {
  if (sampleRate === PROMPT_SAMPLE_RATE) return prompt(name);
  const key = `${name}@${sampleRate}`;
  let samples = promptsAtRate.get(key);
  if (samples === undefined) {
    samples = atRate(prompt(name), sampleRate);
    promptsAtRate.set(key, samples);
  }
  return samples;
}

/** Options of {@link createMenuBot}. */
export interface MenuBotOptions {
  /** Wall-clock source for "hear the time"; injectable so tests can fix the time. */
  readonly now?: () => Date;
  /** Echo delay in echo mode, in milliseconds. */
  readonly echoDelayMs?: number;
}

type MenuMode = 'menu' | 'echo' | 'leaving';

/**
 * A DTMF menu: greets the caller, then 1 = echo (star returns to the menu), 2 = hear the time (UTC),
 * # = goodbye and hang up. A key pressed while a prompt plays cuts the prompt (barge-in).
 */
export function createMenuBot(menuOptions: MenuBotOptions = {}) {
  const now = menuOptions.now ?? (() => new Date());
  const echoDelayMs = menuOptions.echoDelayMs ?? 200;

  return defineBot({
    name: 'menu',
    create: ({ output, hangup, log }): BotHandlers => {
      let mode: MenuMode = 'menu';
      const delaySamples = Math.round((output.sampleRate * echoDelayMs) / 1000);
      const echoLine = new OutboundQueue({ initialSamples: delaySamples + 4096, maxSamples: delaySamples + 4096 });
      const scratch = new Int16Array(4096);

      const say = (names: readonly string[], then = 'menu'): void => {
        output.clear();
        for (const name of names) output.play(promptAt(name, output.sampleRate));
        output.mark(then);
      };

      say(['greeting']);

      return {
        audio(frame) {
          if (mode !== 'echo') return;
          echoLine.write(frame.samples, 0, frame.sampleCount);
          const ready = echoLine.queuedSamples - delaySamples;
          if (ready > 0) output.play(scratch, 0, echoLine.read(scratch, ready));
        },
        dtmf(digit) {
          if (mode === 'leaving') return;
          if (mode === 'echo') {
            if (digit !== '*') return;
            mode = 'menu';
            echoLine.clear();
            say(['greeting']);
            return;
          }
          switch (digit) {
            case '1':
              mode = 'echo';
              say(['echo-intro'], 'echo');
              return;
            case '2': {
              const time = now();
              say(['time-intro', ...timeWords(time.getUTCHours(), time.getUTCMinutes()), 'utc', 'greeting']);
              return;
            }
            case '#':
              mode = 'leaving';
              say(['goodbye'], 'goodbye');
              hangup();
              return;
            default:
              log.debug({ digit }, 'menu: key not in menu');
              say(['invalid', 'greeting']);
          }
        },
      };
    },
  });
}

/** The shipped `menu` agent's bot. */
export const menuBot = createMenuBot();

/** The samples of one menu prompt (8 kHz PCM16), as the menu plays it. */
export function menuPrompt(name: string): Int16Array {
  return prompt(name);
}
