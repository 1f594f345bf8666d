/**
 * A small hand-written SVG scatter panel: added delay (x, linear) against concealment (y, symmetric
 * log, so 0 %, 0.1 % and 20 % all stay readable), one colour per series, faint per-call dots and a
 * labelled pooled point.
 */

/** One series of a panel. */
export interface ScatterSeries {
  readonly label: string;
  readonly color: string;
  /** Per-call points (x ms, y %). */
  readonly points: readonly { readonly x: number; readonly y: number }[];
  /** The pooled point, drawn large and labelled. */
  readonly summary: { readonly x: number; readonly y: number };
}

/** One panel. */
export interface ScatterPanel {
  readonly title: string;
  readonly series: readonly ScatterSeries[];
  /** Right end of the x axis, ms. */
  readonly xMaxMs: number;
  /** Top of the y axis, %. */
  readonly yMaxPct: number;
  /** A dashed horizontal reference line (1 % concealment above the sender's loss), %. */
  readonly referencePct?: number;
  readonly width?: number;
  readonly height?: number;
}

const MARGIN = { left: 48, right: 12, top: 24, bottom: 36 };
/** Below this, the y scale is close to linear; above, logarithmic. */
const SYMLOG_CONSTANT = 0.1;
const Y_TICKS = [0, 0.1, 0.3, 1, 3, 10, 30, 100];

/** Escapes text for SVG and HTML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function symlog(pct: number): number {
  return Math.log10(1 + Math.max(0, pct) / SYMLOG_CONSTANT);
}

/** A round step for about `count` ticks over [0, max]. */
export function niceStep(max: number, count = 5): number {
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const unit = raw / power;
  return (unit <= 1 ? 1 : unit <= 2 ? 2 : unit <= 5 ? 5 : 10) * power;
}

/** The panel as an `<svg>` element. */
export function scatterSvg(panel: ScatterPanel): string {
  const width = panel.width ?? 360;
  const height = panel.height ?? 260;
  const plotW = width - MARGIN.left - MARGIN.right;
  const plotH = height - MARGIN.top - MARGIN.bottom;
  const yTop = symlog(panel.yMaxPct);
  const x = (ms: number): number => MARGIN.left + (Math.min(ms, panel.xMaxMs) / panel.xMaxMs) * plotW;
  const y = (pct: number): number => MARGIN.top + plotH - (Math.min(symlog(pct), yTop) / yTop) * plotH;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<text x="${width / 2}" y="14" text-anchor="middle" font-size="12" font-weight="bold">${escapeXml(panel.title)}</text>`,
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
  ];
  const step = niceStep(panel.xMaxMs);
  for (let tick = 0; tick <= panel.xMaxMs + 1e-9; tick += step) {
    parts.push(`<line x1="${x(tick)}" x2="${x(tick)}" y1="${MARGIN.top}" y2="${MARGIN.top + plotH}" stroke="#eee"/>`);
    parts.push(`<text x="${x(tick)}" y="${MARGIN.top + plotH + 12}" text-anchor="middle">${tick}</text>`);
  }
  for (const tick of Y_TICKS.filter((value) => value <= panel.yMaxPct)) {
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`);
    parts.push(`<text x="${MARGIN.left - 4}" y="${y(tick) + 3}" text-anchor="end">${tick}</text>`);
  }
  parts.push(`<text x="${MARGIN.left + plotW / 2}" y="${height - 4}" text-anchor="middle">mean added delay (ms)</text>`);
  parts.push(`<text transform="translate(11 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">concealment (%)</text>`);
  if (panel.referencePct !== undefined && panel.referencePct <= panel.yMaxPct) {
    const at = y(panel.referencePct);
    parts.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${at}" y2="${at}" stroke="#c00" stroke-dasharray="4 3"/>`);
  }
  for (const series of panel.series) {
    for (const point of series.points) parts.push(`<circle cx="${x(point.x).toFixed(1)}" cy="${y(point.y).toFixed(1)}" r="2" fill="${series.color}" fill-opacity="0.3"/>`);
  }
  for (const series of panel.series) {
    const cx = x(series.summary.x);
    const cy = y(series.summary.y);
    parts.push(`<circle cx="${cx.toFixed(1)}" cy="${cy.toFixed(1)}" r="5" fill="${series.color}" stroke="#000" stroke-width="0.5"><title>${escapeXml(`${series.label}: ${series.summary.x.toFixed(1)} ms, ${series.summary.y.toFixed(2)} %`)}</title></circle>`);
  }
  parts.push('</svg>');
  return parts.join('\n');
}
