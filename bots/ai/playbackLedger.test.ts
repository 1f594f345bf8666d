import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { PlaybackLedger } from './playbackLedger.js';

const cleared = (unsentSamples: number, unplayedSamples: number) => ({ unsentSamples, unplayedSamples, cutMarks: [] });

describe('PlaybackLedger', () => {
  it('cuts the item that was playing at what clear says was never played', () => {
    const ledger = new PlaybackLedger(8000);
    ledger.queue('a', 8000);
    ledger.queue('b', 4000);
    ledger.queue('b', 4000);
    // 3,000 samples never sent and 1,000 sent but unplayed: the caller heard 12,000, 4,000 of item b.
    expect(ledger.interrupt(cleared(3000, 1000))).toEqual({ itemId: 'b', heardMs: 500, queuedMs: 1000 });
    expect(ledger.queuedPosition).toBe(12_000);
  });

  it('trusts a mark echo over an estimate that says less was heard', () => {
    const ledger = new PlaybackLedger(8000);
    const end = ledger.queue('a', 1600);
    ledger.confirm(end);
    ledger.queue('b', 1600);
    // The clock estimate says only 1,000 samples were played, but the mark after item a came back.
    expect(ledger.interrupt(cleared(1600, 1000))).toEqual({ itemId: 'b', heardMs: 0, queuedMs: 200 });
  });

  it('reports nothing cut when everything queued was heard', () => {
    const ledger = new PlaybackLedger(8000);
    ledger.queue('a', 800);
    expect(ledger.interrupt(cleared(0, 0))).toBeUndefined();
  });

  it('ignores a confirmation beyond what was queued (a mark of audio that was cleared)', () => {
    const ledger = new PlaybackLedger(8000);
    ledger.queue('a', 800);
    ledger.confirm(5000);
    expect(ledger.confirmedPosition).toBe(0);
  });

  test.prop([fc.array(fc.record({ item: fc.constantFrom('a', 'b', 'c'), samples: fc.integer({ min: 1, max: 4000 }) }), { minLength: 1, maxLength: 20 }), fc.nat(), fc.nat()])(
    'never says more was heard than the item had queued, nor less than zero',
    (chunks, unsent, unplayed) => {
      const ledger = new PlaybackLedger(8000);
      for (const chunk of chunks) ledger.queue(chunk.item, chunk.samples);
      const total = ledger.queuedPosition;
      const cut = ledger.interrupt(cleared(unsent % (total + 1), unplayed % (total + 1)));
      if (cut === undefined) return;
      expect(cut.heardMs).toBeGreaterThanOrEqual(0);
      expect(cut.heardMs).toBeLessThanOrEqual(cut.queuedMs);
    },
  );
});
