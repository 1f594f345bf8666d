import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runSoakCommand } from './soakCommand.js';
import { renderSoakCharts, soakHtml, soakMarkdown, type SoakReport } from './soakReport.js';

function soak(): SoakReport {
  return {
    version: 1,
    command: 'callwire bench --soak 3m <test>',
    startedAt: '2025-06-02T15:04:05.000Z',
    finishedAt: '2025-06-02T15:07:05.000Z',
    machine: { nproc: 2, cpuModel: 'Test CPU', node: 'v20.20.2', platform: 'linux/x64', placement: 'engine pinned to core 0', loadAverage: { start: 0.2, end: 1.4 } },
    durationSeconds: 180,
    concurrency: 40,
    callSeconds: 2,
    sampleSeconds: 15,
    warmupSeconds: 60,
    callsCompleted: 3512,
    callsFailed: 2,
    failureReasons: { socket_closed: 2 },
    engineAlive: true,
    heapMbPerMinuteAfterWarmup: 0.0123456,
    heapFloorMbPerMinuteAfterWarmup: -0.004,
    rssMbPerMinuteAfterWarmup: 0.25,
    heapMbRangeAfterWarmup: [21.04, 24.96],
    rssMbRangeAfterWarmup: [88.1, 92.35],
    samples: [0, 15, 30, 45, 60, 75, 90, 105, 120, 135, 150, 165, 180].map((atSeconds, i) => ({ atSeconds, callsEnded: i * 290, activeCalls: 40, heapMb: 21 + (i % 3) * 1.3333, rssMb: 88 + i * 0.35 })),
  };
}

describe('the soak report', () => {
  it('writes a Markdown summary and an HTML page with how to read them, clean figures and no issue numbers', async () => {
    const report = soak();
    const markdown = soakMarkdown(report);
    const html = soakHtml(report, await renderSoakCharts(report));
    expect(markdown).toMatch(/^# callwire soak, 2025-06-02 15:04:05 UTC\n\n\*\*How to read this\.\*\* The soak runs short echo calls/);
    expect(html).toMatch(/<h1>callwire soak<\/h1>\n<p class="how-to-read"><strong>How to read this\.<\/strong> The soak runs/);
    for (const text of [markdown, html]) expect(text).not.toMatch(/issue/i);
    expect(markdown).toContain('| **calls failed** | **2 (socket_closed: 2)** |');
    expect(markdown).toContain('| **heap floor (lowest sample each minute)** | **-0.004** | **–** |');
    expect(markdown).toContain('| heap | 0.012 | 21.0 – 25.0 |');
    expect(markdown).toContain('| 15 | 290 | 40 | 22.3 | 88.3 |');
    expect(html).toContain('callwire bench --soak 3m &lt;test&gt;');
    expect(html.match(/<svg/g)).toHaveLength(2);
    const labels = [...html.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((match) => match[1] as string).filter((label) => /^[\d.,]+$/.test(label));
    expect(labels.length).toBeGreaterThan(10);
    expect(labels.filter((label) => /\.\d*0$/.test(label) || /\.\d{4,}/.test(label))).toEqual([]);
  });

  it('emphasises failed calls and a dead engine, and nothing on a clean run', () => {
    const clean = soakMarkdown({ ...soak(), callsFailed: 0, failureReasons: {} });
    expect(clean).toContain('| calls failed | 0 |');
    expect(clean).toContain('| engine at the end | alive |');
    expect(soakMarkdown({ ...soak(), engineAlive: false })).toContain('| **engine at the end** | **died** |');
  });

  it('a short real soak writes report.html, summary.md and results.json like the load bench', async () => {
    const out = await mkdtemp(join(tmpdir(), 'callwire-soak-report-'));
    try {
      const code = await runSoakCommand(['--soak', '2s', '--concurrency', '2', '--call-seconds', '0.5', '--sample-seconds', '1', '--warmup', '0', '--out', out]);
      expect((await readdir(out)).sort()).toEqual(['report.html', 'results.json', 'summary.md']);
      const results = JSON.parse(await readFile(join(out, 'results.json'), 'utf8')) as SoakReport;
      expect(code).toBe(results.engineAlive && results.callsFailed === 0 ? 0 : 1);
      expect(results.callsCompleted).toBeGreaterThan(0);
      expect(results.samples.length).toBeGreaterThanOrEqual(2);
      const html = await readFile(join(out, 'report.html'), 'utf8');
      expect(html).toContain('How to read this.');
      expect(html).toContain(`<td>calls completed</td><td>${results.callsCompleted}</td>`);
      expect(html.match(/<svg/g)).toHaveLength(2);
      expect(await readFile(join(out, 'summary.md'), 'utf8')).toBe(soakMarkdown(results));
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  }, 60_000);
});
