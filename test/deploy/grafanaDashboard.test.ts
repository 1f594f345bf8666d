import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { startTestEngine } from '../support/engine.js';
import { exportedFamilies, familyOf, metricNamesIn } from '../support/promqlMetricNames.js';

const DASHBOARD = new URL('../../deploy/grafana/callwire-dashboard.json', import.meta.url);
const README = new URL('../../README.md', import.meta.url);

interface Panel {
  readonly id: number;
  readonly type: string;
  readonly title: string;
  readonly targets?: readonly { readonly expr: string }[];
}

interface Dashboard {
  readonly panels: readonly Panel[];
  readonly templating: { readonly list: readonly { readonly name: string; readonly definition?: string }[] };
}

/** Every PromQL expression of the dashboard: panel queries and template-variable queries. */
function expressions(dashboard: Dashboard): string[] {
  const panelQueries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr));
  const variableQueries = dashboard.templating.list.flatMap((variable) => {
    const labelValues = /^label_values\((.+),\s*\w+\)$/.exec(variable.definition ?? '');
    return labelValues === null ? [] : [labelValues[1] as string];
  });
  return [...panelQueries, ...variableQueries];
}

describe('metricNamesIn', () => {
  it('finds selectors, not functions, labels, ranges, grouping or numbers', () => {
    expect(metricNamesIn('sum by (reason) (rate(callwire_calls_ended_total{agent=~"$agent", reason!="x"}[$__rate_interval])) * 60')).toEqual(['callwire_calls_ended_total']);
    expect(metricNamesIn('histogram_quantile(0.99, sum by (le) (rate(callwire_pacing_lateness_ms_bucket[5m])))')).toEqual(['callwire_pacing_lateness_ms_bucket']);
    expect(metricNamesIn('sum(rate(a_total[1m])) / on (instance) group_left (version) b_info offset 1h > bool 1e3')).toEqual(['a_total', 'b_info']);
  });

  it('maps a histogram’s series to its family, and nothing else', () => {
    const families = new Map([['h_ms', 'histogram'], ['c_count', 'counter']]);
    expect(['h_ms_bucket', 'h_ms_sum', 'h_ms_count', 'h_ms', 'c_count', 'c_count_sum'].map((name) => familyOf(name, families))).toEqual(['h_ms', 'h_ms', 'h_ms', 'h_ms', 'c_count', 'c_count_sum']);
  });
});

describe('the Grafana dashboard in deploy/grafana', () => {
  let dashboard: Dashboard;
  let families: Map<string, string>;

  beforeAll(async () => {
    dashboard = JSON.parse(await readFile(DASHBOARD, 'utf8')) as Dashboard;
    const engine = await startTestEngine();
    try {
      const response = await fetch(`http://127.0.0.1:${engine.port}/metrics`);
      families = exportedFamilies(await response.text());
    } finally {
      await engine.close();
    }
  });

  it('queries only metrics the engine exports on /metrics', () => {
    const used = expressions(dashboard).flatMap((expr) => metricNamesIn(expr).map((name) => familyOf(name, families)));
    expect(used.length).toBeGreaterThan(30);
    expect([...new Set(used)].filter((name) => !families.has(name))).toEqual([]);
  });

  it('charts every metric of the engine’s own, and what an operator watches of the process', () => {
    const used = new Set(expressions(dashboard).flatMap((expr) => metricNamesIn(expr).map((name) => familyOf(name, families))));
    const engineOwn = [...families.keys()].filter((name) => !name.startsWith('callwire_process_'));
    expect(engineOwn.length).toBeGreaterThan(20);
    expect(engineOwn.filter((name) => !used.has(name))).toEqual([]);
    for (const name of ['callwire_process_nodejs_eventloop_lag_p99_seconds', 'callwire_process_process_cpu_seconds_total', 'callwire_process_process_resident_memory_bytes', 'callwire_process_process_open_fds']) {
      expect(used).toContain(name);
    }
  });

  it('has unique panel ids and a query in every panel that is not a row', () => {
    const ids = dashboard.panels.map((panel) => panel.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const panel of dashboard.panels.filter((candidate) => candidate.type !== 'row')) {
      expect(panel.targets?.length, panel.title).toBeGreaterThan(0);
    }
  });

  it('is listed, with every metric of the engine’s own, in the README', async () => {
    const readme = await readFile(README, 'utf8');
    expect(readme).toContain('deploy/grafana/callwire-dashboard.json');
    const engineOwn = [...families.keys()].filter((name) => !name.startsWith('callwire_process_'));
    expect(engineOwn.filter((name) => !readme.includes(`\`${name}\``))).toEqual([]);
  });
});
