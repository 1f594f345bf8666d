import { describe, expect, it } from 'vitest';
import { baselineRatios, runMetrics } from '../load/runMetrics.js';
import { syntheticGenerator, syntheticMeasurement } from '../load/syntheticRun.js';
import { renderCharts } from './charts.js';
import { escapeHtml } from './htmlPage.js';
import { htmlReport } from './htmlReport.js';
import { markdownSummary, markdownTable } from './markdownSummary.js';
import type { BenchReport, CallwireRun } from './reportModel.js';
import { reportTables } from './reportTables.js';

function callwireRun(cpuMs: number, loopP99: number): CallwireRun {
  const measurement = syntheticMeasurement('callwire', cpuMs, 100, loopP99);
  return {
    metrics: runMetrics(measurement),
    pacingBins: { widthMs: 0.5, counts: [10, 30, 5, 1] },
    echoBins: { widthMs: 5, counts: [0, 4, 8] },
    timeline: [
      { t: 1, openCalls: 100, echoP50: 40, echoP95: 60, pacingP50: 0.8, pacingP99: 3, lateP99: 1 },
      { t: 2, openCalls: 100, echoP50: 42, echoP95: 61, pacingP50: 0.9, pacingP99: 3.5, lateP99: 1.2 },
    ],
  };
}

function report(): BenchReport {
  const run = callwireRun(3000, 14);
  const baseline = runMetrics(syntheticMeasurement('baseline', 2000, 100, 11));
  const failed = callwireRun(9000, 45);
  return {
    version: 1,
    command: 'callwire bench --calls 100 <test>',
    startedAt: '2025-06-02T15:04:05.000Z',
    finishedAt: '2025-06-02T15:05:05.000Z',
    machine: { nproc: 2, cpuModel: 'Test CPU', node: 'v20.20.2', platform: 'linux/x64', placement: 'engine on core 0', loadAverage: { start: 0.2, end: 0.4 } },
    settings: { calls: 100, rampSeconds: 5, settleSeconds: 2, durationSeconds: 10, profiles: ['clean'], seed: 1, fixtures: ['pcmu-8k-menu'], engine: 'source', findMax: true, maxTimeSeconds: 600, maxCalls: 2000 },
    runs: [{ label: 'clean, 100 calls', callwire: run, baseline, ratios: baselineRatios(run.metrics, baseline) }],
    findMax: [
      {
        profile: 'clean',
        steps: [
          { calls: 100, held: true, reason: 'held', run },
          { calls: 200, held: false, reason: 'event-loop p99 35.0 ms > 20 ms', run: failed },
        ],
        maxHeld: 100,
        maxHeldAtTarget: 100,
        engineCores: 1,
        stoppedBecause: 'converged',
        baseline,
        ratios: baselineRatios(run.metrics, baseline),
      },
    ],
    notes: ['a note with <angle brackets>'],
  };
}

describe('report builders', () => {
  it('writes a Markdown summary with the cost, quality, find-max, target and generator tables', () => {
    const text = markdownSummary(report());
    for (const heading of ['## Server cost', '## What the caller gets (callwire)', '## Find max (clean)', '## Goals', '## Load generator (its own core)', '## Notes']) {
      expect(text).toContain(heading);
    }
    expect(text).toContain('| **clean, 100 calls** | **callwire ÷ baseline** |  |  | **1.50×** |');
    expect(text).toContain('100 calls held on 1 engine core: 100 per core');
    expect(text).toMatch(/≥ 1000 PCMU echo calls per core .* \| 100 calls per core \| missed \|/);
  });

  it('keeps every table rectangular and escapes pipes in Markdown cells', () => {
    for (const table of reportTables(report())) for (const row of table.rows) expect(row).toHaveLength(table.headers.length);
    const table = markdownTable({ title: 't', headers: ['a', 'b'], rows: [['x|y', '1']], emphasis: [] });
    expect(table.split('\n')[2]).toBe('| x\\|y | 1 |');
  });

  it('renders four SVG charts and an HTML page that escapes what it prints', async () => {
    const data = report();
    const charts = await renderCharts(data);
    expect(charts).toHaveLength(4);
    for (const chart of charts) expect(chart.svg.startsWith('<svg')).toBe(true);
    const html = htmlReport(data, charts);
    expect(html).toContain('&lt;angle brackets&gt;');
    expect(html).toContain('callwire bench --calls 100 &lt;test&gt;');
    expect(html.match(/<svg/g)?.length).toBeGreaterThanOrEqual(4);
    expect(escapeHtml('"&')).toBe('&quot;&amp;');
  });

  it('shows the engine’s profile per run, and checks RSS per call against its goal', () => {
    const cpuProfile = {
      sampledMs: 20_000,
      busyMs: 9_000,
      gcShare: 0.021,
      programShare: 0.04,
      topFunctions: [{ name: 'writev', selfMs: 1_500, share: 1_500 / 9_000 }],
      topAreas: [
        { name: 'engine/', selfMs: 3_000, share: 1 / 3 },
        { name: 'ws', selfMs: 900, share: 0.1 },
      ],
    };
    const data = report();
    const run = data.runs[0]!;
    const text = markdownSummary({ ...data, runs: [{ ...run, callwire: { ...run.callwire, cpuProfile } }] });
    expect(text).toContain('## Engine CPU profile (clean, 100 calls)');
    expect(text).toContain('| writev | 1500 | 16.7 % |');
    expect(text).toContain('garbage collection 2.1 % of busy time');
    expect(text).toContain('By area: engine/ 33.3 %, ws 10.0 %.');
    expect(text).toMatch(/\| RSS ≤ 60 KB per call \(clean, 100 calls\) \| \d+ KB \| (met|missed) \|/);
    expect(markdownSummary(data)).not.toContain('Engine CPU profile');
  });

  it('reports the RSS each added call costs between the fewest and the most calls of a profile', () => {
    const data = report();
    const fewer = data.runs[0]!;
    const withRss = (calls: number, rssMB: number, baselineMB: number) => ({
      label: `clean, ${calls} calls`,
      callwire: { ...fewer.callwire, metrics: { ...fewer.callwire.metrics, calls, rssMB } },
      baseline: { ...fewer.baseline!, calls, rssMB: baselineMB },
      ratios: fewer.ratios,
    });
    // 250 → 1,000 calls: 45 MB more is 61.4 KB per added call; the bare echo's 15 MB is 20.5 KB.
    const runs = [withRss(1000, 145, 40), withRss(250, 100, 25)];
    const text = markdownSummary({ ...data, runs });
    expect(text).toContain('| RSS ≤ 60 KB per added call (clean, 250 → 1000 calls) | 61 KB (bare echo 20 KB) | missed |');
    expect(markdownSummary(data)).not.toContain('per added call');
  });

  it('carries the generator’s figures into the generator table', () => {
    const run = syntheticMeasurement('callwire', 1000, 100, 12);
    const metrics = runMetrics({ ...run, generator: syntheticGenerator({ cpuPercent: 42, mediaSent: 1234 }) });
    const data = { ...report(), runs: [{ label: 'x', callwire: { ...callwireRun(1000, 12), metrics }, baseline: null, ratios: null }], findMax: [] };
    const generator = reportTables(data).find((table) => table.title.startsWith('Load generator'));
    expect(generator?.rows[0]).toEqual(['x', 'callwire', '42', '0.50 / 1.50 / 3.0', '1.0', '1234', '0.5']);
  });

  it('opens both reports with how to read them, and never speaks of issues', async () => {
    const data = report();
    const markdown = markdownSummary(data);
    const html = htmlReport(data, await renderCharts(data));
    expect(markdown).toMatch(/^# callwire bench.*\n\n\*\*How to read this\.\*\* A load generator played Telnyx/);
    expect(html).toMatch(/<h1>callwire bench<\/h1>\n<p class="how-to-read"><strong>How to read this\.<\/strong> A load generator/);
    // This run has find-max steps and a baseline: the paragraph explains both.
    expect(html).toContain('--find-max');
    expect(html).toContain('callwire ÷ baseline');
    for (const text of [markdown, html]) expect(text).not.toMatch(/issue/i);
    expect(markdown).toContain('| goal | measured | verdict |');
  });

  it('labels chart axes with clean numbers, even when a run has a single point', async () => {
    const single = { ...report(), findMax: [] };
    const labels = (await renderCharts(single)).flatMap((chart) => [...chart.svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] as string));
    const numeric = labels.filter((label) => /^[\d.,−-]+$/.test(label));
    expect(numeric.length).toBeGreaterThan(10);
    // No label carries trailing zeros after a decimal point (`20.000000`, `1.50`), nor more than 3 decimals.
    expect(numeric.filter((label) => /\.\d*0$/.test(label) || /\.\d{4,}/.test(label))).toEqual([]);
    // The CPU chart's one point sits on an axis that starts at zero and names its count plainly.
    expect(labels).toContain('100');
    expect(labels).toContain('0');
  });
});
