import type { BotLogic, BotOutput, EndReason } from '../../bots/api.js';
import { defineBot, type BotHandlers } from '../../bots/defineBot.js';

/** What a faulty bot saw of its call before it failed, by `callControlId`. */
export interface FaultRecord {
  speechFrames: number;
  digits: string[];
  marks: string[];
  stopReasons: EndReason[];
  /** Samples the bot asked to play, and how many the engine accepted. */
  requestedSamples: number;
  acceptedSamples: number;
  /** Measured length of each busy-wait, in ms. */
  blockedMs: number[];
}

/** Every faulty bot's record, by the call's `callControlId`. */
export const faultRecords = new Map<string, FaultRecord>();

/** The record of the call `callControlId` (created empty on first use). */
export function faultRecord(callControlId: string): FaultRecord {
  let record = faultRecords.get(callControlId);
  if (record === undefined) {
    record = { speechFrames: 0, digits: [], marks: [], stopReasons: [], requestedSamples: 0, acceptedSamples: 0, blockedMs: [] };
    faultRecords.set(callControlId, record);
  }
  return record;
}

/** Speech frames a throwing audio handler hears; it throws on the last one. */
export const AUDIO_THROW_AT_FRAME = 25;
/** Speech frame at which the blocking bot busy-waits. */
export const BLOCK_AT_FRAME = 10;
/** How long the blocking bot holds the event loop. */
export const BLOCK_MS = 50;
/** Ten minutes of audio at 8 kHz, built once so memory measurements do not see it. */
export const TEN_MINUTES = new Int16Array(10 * 60 * 8000).map((_, i) => Math.round(Math.sin(i / 5) * 6000));
const TONE_100_MS = new Int16Array(800).map((_, i) => Math.round(Math.sin(i / 3) * 8000));

/** A bot that records what it hears and hands control to `fault` for its misbehaviour. */
function faulty(name: string, fault: (record: FaultRecord, play: (pcm: Int16Array) => void, output: BotOutput) => BotHandlers | 'throw'): BotLogic {
  return defineBot({
    name,
    create: ({ call, output }) => {
      const record = faultRecord(call.callControlId);
      const play = (pcm: Int16Array): void => {
        record.requestedSamples += pcm.length;
        record.acceptedSamples += output.play(pcm);
      };
      const handlers = fault(record, play, output);
      if (handlers === 'throw') throw new Error(`${name}: fails in create`);
      return {
        ...handlers,
        stop: (reason) => {
          record.stopReasons.push(reason);
          handlers.stop?.(reason);
        },
      };
    },
  });
}

const countSpeech = (record: FaultRecord, kind: string): void => {
  if (kind === 'speech') record.speechFrames++;
};

/** The misbehaving bots, by agent name (org `test`). */
export const FAULTY_BOTS: ReadonlyMap<string, BotLogic> = new Map([
  ['throws-in-create', faulty('throws-in-create', () => 'throw')],
  [
    'throws-in-audio',
    faulty('throws-in-audio', (record) => ({
      audio: (frame) => {
        countSpeech(record, frame.kind);
        if (record.speechFrames === AUDIO_THROW_AT_FRAME) throw new Error('throws-in-audio: fails on a frame');
      },
    })),
  ],
  [
    'throws-in-dtmf',
    faulty('throws-in-dtmf', (record) => ({
      dtmf: (digit) => {
        record.digits.push(digit);
        if (digit === '9') throw new Error('throws-in-dtmf: fails on 9');
      },
    })),
  ],
  [
    'rejects-in-dtmf',
    faulty('rejects-in-dtmf', (record) => ({
      dtmf: async (digit) => {
        record.digits.push(digit);
        if (digit === '9') throw new Error('rejects-in-dtmf: rejects on 9');
      },
    })),
  ],
  [
    'throws-in-mark',
    faulty('throws-in-mark', (record, play, output) => {
      play(TONE_100_MS);
      output.mark('first');
      play(TONE_100_MS);
      output.mark('second');
      play(TONE_100_MS);
      output.mark('third');
      return {
        mark: (name) => {
          record.marks.push(name);
          if (name === 'second') throw new Error('throws-in-mark: fails on the second mark');
        },
      };
    }),
  ],
  [
    'throws-in-stop',
    faulty('throws-in-stop', (record) => ({
      audio: (frame) => countSpeech(record, frame.kind),
      stop: () => {
        throw new Error('throws-in-stop: fails while stopping');
      },
    })),
  ],
  [
    'blocks-once',
    faulty('blocks-once', (record) => ({
      audio: (frame) => {
        countSpeech(record, frame.kind);
        if (frame.kind !== 'speech' || record.speechFrames !== BLOCK_AT_FRAME) return;
        const begin = performance.now();
        while (performance.now() - begin < BLOCK_MS) {
          // Busy-wait: the whole process stalls, as a bot doing heavy synchronous work would make it.
        }
        record.blockedMs.push(performance.now() - begin);
      },
    })),
  ],
  [
    'plays-ten-minutes',
    faulty('plays-ten-minutes', (record, play) => {
      play(TEN_MINUTES);
      return {
        audio: (frame) => {
          countSpeech(record, frame.kind);
          play(TEN_MINUTES);
        },
      };
    }),
  ],
]);
