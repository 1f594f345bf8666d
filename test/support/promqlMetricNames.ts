/** The metric names a PromQL expression selects, for checking dashboards against what an engine exports. */

/** PromQL words that are neither functions (always followed by `(`) nor metric names. */
const KEYWORDS = new Set(['and', 'or', 'unless', 'bool', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'offset', 'atan2', 'inf', 'nan']);

/**
 * Every metric name `expr` selects, as written (a histogram's `_bucket` included). Label matchers,
 * range selectors, grouping labels and strings are removed first, so only selectors are left.
 */
export function metricNamesIn(expr: string): string[] {
  const selectorsOnly = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, ' ')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\boffset\s+-?[0-9a-z]+/g, ' ');
  const names = new Set<string>();
  // Numbers are matched too, so that the exponent of `1e3` is not taken for a name.
  for (const match of selectorsOnly.matchAll(/(\d+(?:\.\d+)?(?:e[+-]?\d+)?)|([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?/g)) {
    const name = match[2];
    const isCall = match[3] !== undefined;
    if (name === undefined || isCall || KEYWORDS.has(name.toLowerCase())) continue;
    names.add(name);
  }
  return [...names];
}

/** Metric families in a Prometheus text exposition, by name, with their type (`counter`, `histogram`…). */
export function exportedFamilies(exposition: string): Map<string, string> {
  const families = new Map<string, string>();
  for (const match of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) families.set(match[1] as string, match[2] as string);
  return families;
}

/** The family a selected name belongs to: a histogram's or summary's `_bucket`, `_sum` and `_count` series belong to it. */
export function familyOf(name: string, families: ReadonlyMap<string, string>): string {
  const series = /^(.*)_(bucket|sum|count)$/.exec(name);
  if (series === null) return name;
  const base = series[1] as string;
  const type = families.get(base);
  if (type === 'histogram' || (type === 'summary' && series[2] !== 'bucket')) return base;
  return name;
}
