import { describe, expect, it } from 'vitest';
import { profileByName } from '../impair/index.js';
import { syntheticMedia } from './callMedia.js';
import { jitterHtml } from './jitterHtml.js';
import { jitterMarkdown } from './jitterMarkdown.js';
import { profileReport, type JitterBenchReport } from './jitterReport.js';
import { runJitterQuality, STRATEGIES } from './runJitterQuality.js';

const options = {
  profiles: [profileByName('clean'), profileByName('congested-4g'), profileByName('lossy')],
  seed: 7,
  calls: 3,
  durationMs: 8000,
  media: [syntheticMedia(400)],
};

describe('runJitterQuality', () => {
  const results = runJitterQuality(options);

  it('is deterministic in its seed', () => {
    const again = runJitterQuality(options);
    expect(again.map(profileReport)).toEqual(results.map(profileReport));
    const other = runJitterQuality({ ...options, seed: 8 });
    expect(other.map(profileReport)).not.toEqual(results.map(profileReport));
  });

  it('runs every strategy on every call, and the oracles keep their promises', () => {
    for (const profile of results) {
      expect(profile.strategies.map((summary) => summary.strategy)).toEqual(STRATEGIES);
      for (const call of profile.callResults) {
        const { callwire, oracle, 'oracle-same-concealment': sameConcealment, 'oracle-1pct': onePercent, 'fixed-200': fixed } = call.outcomes;
        for (const outcome of Object.values(call.outcomes)) {
          expect(outcome.delivered).toBe(callwire.delivered);
          expect(outcome.played + outcome.late + outcome.droppedQuiet).toBe(outcome.delivered);
          expect(outcome.concealedTicks).toBeGreaterThanOrEqual(0);
          expect(outcome.concealedTicks).toBeLessThanOrEqual(outcome.windowTicks);
        }
        expect(oracle.late).toBeLessThanOrEqual(callwire.late);
        expect(onePercent.late).toBeLessThanOrEqual(Math.floor(callwire.delivered / 100));
        // More late frames allowed, never a longer delay.
        if (callwire.concealedTicks - call.senderLost >= callwire.late) expect(call.sameConcealmentExactDelayMs).toBeLessThanOrEqual(call.oracleExactDelayMs);
        expect(sameConcealment.late).toBeLessThanOrEqual(Math.max(0, callwire.concealedTicks - call.senderLost));
        // The fixed buffer waits 200 ms rounded up to the next tick.
        for (const delay of fixed.addedDelayMs) {
          expect(delay).toBeGreaterThanOrEqual(200);
          expect(delay).toBeLessThan(220);
        }
      }
    }
  });

  it('on the clean profile every strategy but the fixed buffer waits only for the tick phase', () => {
    const clean = results[0]!;
    expect(clean.senderLossPct).toBe(0);
    for (const summary of clean.strategies) {
      expect(summary.concealmentPct).toBe(0);
      expect(summary.latePct).toBe(0);
      expect(summary.addedDelayMeanMs).toBeLessThan(summary.strategy === 'fixed-200' ? 220 : 20);
    }
    expect(clean.target).toMatchObject({ concealmentOk: true, cleanDelayOk: true });
    // On a clean network the best fixed delay with the fixed buffer's (zero) late frames is callwire's.
    expect(clean.target.fixedOverBestMatch).toBeCloseTo(clean.target.fixedOverCallwire!, 1);
  });

  it('bounds how far any fixed delay could beat the fixed buffer with as many late frames', () => {
    for (const profile of results) {
      // The best fixed delay allowed the fixed buffer's late frames is never longer than 200 ms.
      expect(profile.target.fixedOverBestMatch).toBeGreaterThanOrEqual(1);
      for (const call of profile.callResults) expect(call.fixedMatch.played).toBeGreaterThanOrEqual(call.outcomes['fixed-200'].played);
    }
  });

  it('scores every strategy\'s speech: perfect on a clean network, lower the more a strategy conceals', () => {
    for (const summary of results[0]!.strategies) {
      expect(summary.qualityMean).toBe(5);
      expect(summary.qualityWorst).toBe(5);
    }
    for (const profile of results.slice(1)) {
      for (const summary of profile.strategies) {
        expect(summary.qualityWorst).toBeGreaterThanOrEqual(1);
        expect(summary.qualityWorst).toBeLessThanOrEqual(summary.qualityMean);
        expect(summary.qualityMean).toBeLessThanOrEqual(5);
        expect(summary.perCall.map((call) => call.quality)).toEqual(profile.callResults.map((call) => call.quality[summary.strategy].score));
      }
      // Without a buffer, a jittery network is heard: it scores below every buffer on both impaired profiles.
      const noBuffer = profile.strategies.find((summary) => summary.strategy === 'no-buffer')!;
      for (const summary of profile.strategies.filter((item) => item.strategy !== 'no-buffer')) expect(noBuffer.qualityMean).toBeLessThan(summary.qualityMean);
    }
  });

  it('scores callwire on the audio it really emitted, one frame per tick of its window, placed where in the source each frame starts', () => {
    for (const call of results[1]!.callResults) {
      const { callwire } = call.outcomes;
      expect(callwire.heard).toHaveLength(callwire.windowTicks);
      expect(callwire.audio).toHaveLength(callwire.windowTicks * 160);
      // A time-stretched frame can start a packet and a half: never more frames start a packet than were played, and they move forward.
      const placed = callwire.heard.filter((source) => source >= 0);
      expect(placed.length).toBeLessThanOrEqual(callwire.played);
      expect(placed.length).toBeGreaterThan(0.9 * callwire.played);
      for (let k = 1; k < placed.length; k++) expect(placed[k]!).toBeGreaterThan(placed[k - 1]!);
    }
  });

  it('on the lossy profile every buffer conceals at least what the sender never sent', () => {
    const lossy = results[2]!;
    expect(lossy.senderLossPct).toBeGreaterThan(0);
    for (const summary of lossy.strategies.filter((item) => item.strategy !== 'no-buffer')) {
      expect(summary.concealmentPct).toBeGreaterThanOrEqual(lossy.senderLossPct * 0.9);
    }
  });

  it('renders Markdown and HTML with every profile and strategy', () => {
    const report: JitterBenchReport = {
      command: 'callwire bench --jitter --calls 3',
      machine: { cpu: 'test <cpu>', cpus: 2, node: 'v20', platform: 'linux/x64' },
      seed: 7,
      callsPerProfile: 3,
      durationMs: 8000,
      media: ['synthetic'],
      callwireSettings: 'defaults',
      elapsedMs: 1,
      profiles: results.map(profileReport),
    };
    const markdown = jitterMarkdown(report);
    for (const name of ['clean', 'congested-4g', 'lossy']) expect(markdown).toContain(`**${name}**`);
    expect(markdown).toContain('**callwire** (PlayoutStage, defaults)');
    expect(markdown.match(/^\| .* \| .* \| [\d.]+ \/ [\d.]+ \|/gm)).toHaveLength(3 * STRATEGIES.length);
    // The quality column: mean / worst call, on every strategy row.
    expect(markdown.match(/\| [1-5]\.\d\d \/ [1-5]\.\d\d \|/g)).toHaveLength(3 * STRATEGIES.length);
    expect(markdown).toContain('speech quality mean / worst call (1–5)');
    // The comparison table: a row per profile, figures only (the report describes, it does not grade).
    expect(markdown.match(/^\| (clean|congested-4g|lossy) \| [\d.]+ % \| [\d.]+ % \| [\d.]+× \| [\d.]+× \|$/gm)).toHaveLength(3);
    // Against the fixed buffer: a row per profile, figures only.
    expect(markdown.match(/^\| (clean|congested-4g|lossy) \| [\d.]+× \| [+−][\d.]+ \| [\d.]+× \| [\d.]+ \|$/gm)).toHaveLength(3);
    expect(markdown).not.toMatch(/target|\byes\b|\*\*no\*\*/);
    const html = jitterHtml(report);
    expect(html).not.toContain('target');
    expect(html.match(/<svg /g)).toHaveLength(3);
    expect(html).toContain('<th>speech quality mean (1–5)</th>');
    expect(html.match(/<tr>/g)).toHaveLength(1 + 3 * STRATEGIES.length);
    expect(html.match(/<tr>.*?<\/tr>/g)!.slice(1).every((row) => row.match(/<td>/g)!.length === 7)).toBe(true);
    expect(html).toContain('test &lt;cpu&gt;');
    expect(html).not.toContain('test <cpu>');
    // One per-call dot per strategy and call, one pooled dot per strategy, in each chart.
    expect(html.match(/<circle [^>]*r="2"/g)).toHaveLength(3 * STRATEGIES.length * 3);
    expect(html.match(/<circle [^>]*r="5"/g)).toHaveLength(3 * STRATEGIES.length);
  });
});
