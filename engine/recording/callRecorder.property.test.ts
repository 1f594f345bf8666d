import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readWav } from '../../bots/wav/readWav.js';
import { ManualClock } from '../clock.js';
import { CallRecorder } from './callRecorder.js';
import { MemoryRecordingFile } from './memoryRecordingFile.js';
import { RecordingBlockPool } from './recordingBlockPool.js';

const RATE = 400;
const FRAME = RATE / 50;

/** One pacer tick as the session drives it, or a flush of the recorder's timer. */
type Op =
  | { readonly kind: 'tick'; readonly callerHeard: boolean; readonly botAhead: readonly number[]; readonly cutAhead: number | null }
  | { readonly kind: 'flush' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('tick' as const),
      callerHeard: fc.boolean(),
      botAhead: fc.array(fc.integer({ min: 0, max: 6 }), { maxLength: 3 }),
      cutAhead: fc.option(fc.integer({ min: -3, max: 6 }), { nil: null }),
    }),
  },
  { weight: 1, arbitrary: fc.constant({ kind: 'flush' as const }) },
);

/** Every sample of a frame names its side and version, so the file shows which write won. */
function frame(sign: 1 | -1, version: number): Int16Array {
  const samples = new Int16Array(FRAME);
  for (let i = 0; i < FRAME; i++) samples[i] = sign * (((version * FRAME + i) % 32000) + 1);
  return samples;
}

/** What the file must hold, by the recorder's contract rather than its code. */
class Model {
  readonly left = new Map<number, number>();
  readonly right = new Map<number, number>();
  final = 0;
  botEnd = 0;
  committed = 0;

  caller(tick: number, version: number): void {
    if (tick < this.committed) return;
    this.left.set(tick, version);
    this.final = Math.max(this.final, tick + 1);
  }

  bot(tick: number, version: number): void {
    if (tick < this.committed) return;
    this.right.set(tick, version);
    this.botEnd = Math.max(this.botEnd, tick + 1);
  }

  cut(from: number): void {
    const start = Math.max(from, this.committed);
    for (let tick = start; tick < this.botEnd; tick++) this.right.delete(tick);
    this.botEnd = Math.min(this.botEnd, Math.max(start, 0));
  }
}

function expectFileMatches(bytes: Buffer, model: Model, ticks: number): void {
  const wav = readWav(bytes);
  expect(wav.samples.length).toBe(ticks * FRAME * 2);
  for (let tick = 0; tick < ticks; tick++) {
    const left = model.left.get(tick);
    const right = model.right.get(tick);
    const wantLeft = left === undefined ? new Int16Array(FRAME) : frame(1, left);
    const wantRight = right === undefined ? new Int16Array(FRAME) : frame(-1, right);
    for (let i = 0; i < FRAME; i++) {
      expect(wav.samples[(tick * FRAME + i) * 2]).toBe(wantLeft[i]);
      expect(wav.samples[(tick * FRAME + i) * 2 + 1]).toBe(wantRight[i]);
    }
  }
}

describe('CallRecorder against a model', () => {
  it('writes exactly what the contract says for any sequence of ticks, ahead writes, cuts and flushes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(opArb, { maxLength: 120 }), fc.integer({ min: 1, max: 6 }), async (ops, ticksPerBlock) => {
        const clock = new ManualClock();
        const file = new MemoryRecordingFile();
        const pool = new RecordingBlockPool(ticksPerBlock * FRAME * 4);
        const recorder = new CallRecorder('/memory/model.wav', { sampleRate: RATE, clock, pool, openFile: async () => file });
        const model = new Model();
        let tick = 0;
        let version = 0;
        for (const op of ops) {
          if (op.kind === 'flush') {
            clock.advance(500);
            await recorder.whenIdle();
            model.committed = Math.max(model.committed, model.final);
            expectFileMatches(file.snapshot(), model, model.committed);
            continue;
          }
          if (op.callerHeard) {
            recorder.caller(tick, frame(1, ++version), FRAME);
            model.caller(tick, version);
          }
          for (const ahead of op.botAhead) {
            recorder.bot(tick + ahead, frame(-1, ++version), FRAME);
            model.bot(tick + ahead, version);
          }
          if (op.cutAhead !== null) {
            recorder.cutBot(tick + op.cutAhead);
            model.cut(tick + op.cutAhead);
          }
          tick++;
        }
        await recorder.close();
        expectFileMatches(file.snapshot(), model, Math.max(model.final, model.botEnd, model.committed));
        expect(recorder.stats).toMatchObject({ droppedFrames: 0, error: undefined });
        expect(pool.free).toBe(pool.allocated);
      }),
      { numRuns: 150 },
    );
  });
});
