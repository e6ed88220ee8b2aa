/**
 * A small SVG line/scatter chart for benchmark results: axes with "nice" ticks (linear or log10), grid, one
 * polyline + markers per series, a legend. No dependencies, deterministic output (same data, same bytes).
 */

export interface PlotSeries {
  label: string;
  points: ReadonlyArray<readonly [number, number]>;
  /** Defaults to the palette colour of the series' position. */
  color?: string;
  dashed?: boolean;
  /** Draw only markers (single operating points). */
  markersOnly?: boolean;
  marker?: 'circle' | 'square' | 'triangle' | 'diamond';
}

export interface PlotOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  series: readonly PlotSeries[];
  xScale?: 'linear' | 'log';
  width?: number;
  height?: number;
  /** Optional fixed ranges; otherwise the data's range with a margin. */
  xRange?: [number, number];
  yRange?: [number, number];
  /** Explicit x tick values (e.g. integer strides), instead of automatic ones. */
  xTicks?: number[];
}

const PALETTE = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#17becf',
  '#7f7f7f',
  '#bcbd22',
];
const MARKERS = ['circle', 'square', 'triangle', 'diamond'] as const;

export function escapeXml(text: string): string {
  return text.replace(
    /[<>&'"]/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!,
  );
}

/** Tick values covering [lo, hi] with about `count` steps of 1, 2 or 5 × 10^k. */
export function linearTicks(lo: number, hi: number, count = 6): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = ([1, 2, 5, 10].find((m) => m * mag >= raw) ?? 10) * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step - 1e-9) * step; v <= hi + step * 1e-9; v += step)
    out.push(roundTo(v, step));
  return out;
}

/** Log-axis ticks: 1, 2, 5 × 10^k inside [lo, hi] (lo > 0); only decades when the range is wide. */
export function logTicks(lo: number, hi: number): number[] {
  const out: number[] = [];
  const decades = Math.log10(hi / lo);
  const mantissas = decades > 4 ? [1] : decades > 1.5 ? [1, 2, 5] : [1, 1.5, 2, 3, 5, 7];
  for (let k = Math.floor(Math.log10(lo)); k <= Math.ceil(Math.log10(hi)); k++) {
    for (const m of mantissas) {
      const v = m * 10 ** k;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) out.push(Number(v.toPrecision(6)));
    }
  }
  return out;
}

function roundTo(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 1);
  return Number(v.toFixed(Math.min(12, digits)));
}

export function formatTick(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) return v.toExponential(0).replace('e+', 'e');
  return String(Number(v.toPrecision(4)));
}

function range(values: number[], log: boolean, fixed?: [number, number]): [number, number] {
  if (fixed) return fixed;
  const usable = values.filter((v) => Number.isFinite(v) && (!log || v > 0));
  if (!usable.length) return log ? [1, 10] : [0, 1];
  let lo = Math.min(...usable);
  let hi = Math.max(...usable);
  if (log) {
    if (hi === lo) return [lo / 2, hi * 2];
    const pad = (hi / lo) ** 0.05;
    return [lo / pad, hi * pad];
  }
  if (hi === lo) {
    lo -= Math.abs(lo) * 0.1 || 1;
    hi += Math.abs(hi) * 0.1 || 1;
  }
  const pad = (hi - lo) * 0.05;
  return [lo - pad, hi + pad];
}

export function lineChart(options: PlotOptions): string {
  const longest = Math.max(4, ...options.series.map((s) => s.label.length));
  const legendWidth = 60 + Math.ceil(6.8 * longest);
  const width = options.width ?? 640 + legendWidth;
  const height = options.height ?? 480;
  const log = options.xScale === 'log';
  const margin = { left: 64, right: legendWidth, top: 44, bottom: 54 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  const allX = options.series.flatMap((s) => s.points.map((p) => p[0]));
  const allY = options.series.flatMap((s) => s.points.map((p) => p[1]));
  const [x0, x1] = range(allX, log, options.xRange);
  const [y0, y1] = range(allY, false, options.yRange);
  const fx = (x: number) =>
    margin.left + (log ? Math.log(x / x0) / Math.log(x1 / x0) : (x - x0) / (x1 - x0)) * plotW;
  const fy = (y: number) => margin.top + (1 - (y - y0) / (y1 - y0)) * plotH;
  const n = (v: number) => v.toFixed(2);
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="DejaVu Sans, Arial, sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${n(width / 2)}" y="24" text-anchor="middle" font-size="15" font-weight="bold">${escapeXml(options.title)}</text>`,
  );
  // Grid and ticks.
  out.push('<g class="grid" stroke="#e3e3e3" stroke-width="1">');
  const xTicks = (options.xTicks ?? (log ? logTicks(x0, x1) : linearTicks(x0, x1))).filter(
    (t) => t >= x0 && t <= x1,
  );
  const yTicks = linearTicks(y0, y1, 10);
  for (const t of xTicks)
    out.push(`<line x1="${n(fx(t))}" y1="${margin.top}" x2="${n(fx(t))}" y2="${margin.top + plotH}"/>`);
  for (const t of yTicks)
    out.push(`<line x1="${margin.left}" y1="${n(fy(t))}" x2="${margin.left + plotW}" y2="${n(fy(t))}"/>`);
  out.push('</g>');
  out.push('<g class="axes" stroke="#333333" stroke-width="1">');
  out.push(`<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none"/>`);
  for (const t of xTicks)
    out.push(
      `<line x1="${n(fx(t))}" y1="${margin.top + plotH}" x2="${n(fx(t))}" y2="${margin.top + plotH + 5}"/>`,
    );
  for (const t of yTicks)
    out.push(`<line x1="${margin.left - 5}" y1="${n(fy(t))}" x2="${margin.left}" y2="${n(fy(t))}"/>`);
  out.push('</g>');
  out.push('<g class="tick-labels" fill="#333333">');
  for (const t of xTicks)
    out.push(
      `<text x="${n(fx(t))}" y="${margin.top + plotH + 19}" text-anchor="middle">${formatTick(t)}</text>`,
    );
  for (const t of yTicks)
    out.push(`<text x="${margin.left - 8}" y="${n(fy(t) + 4)}" text-anchor="end">${formatTick(t)}</text>`);
  out.push('</g>');
  out.push(
    `<text x="${n(margin.left + plotW / 2)}" y="${height - 14}" text-anchor="middle">${escapeXml(options.xLabel)}</text>`,
    `<text transform="translate(18 ${n(margin.top + plotH / 2)}) rotate(-90)" text-anchor="middle">${escapeXml(options.yLabel)}</text>`,
  );
  // Series, clipped to the plot area.
  out.push(
    `<clipPath id="plot-area"><rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}"/></clipPath>`,
  );
  options.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const marker = s.marker ?? MARKERS[i % MARKERS.length];
    const pts = s.points.filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y) && (!log || x > 0));
    out.push(`<g class="series" data-label="${escapeXml(s.label)}" clip-path="url(#plot-area)">`);
    if (!s.markersOnly && pts.length > 1) {
      const d = pts.map(([x, y]) => `${n(fx(x))},${n(fy(y))}`).join(' ');
      out.push(
        `<polyline points="${d}" fill="none" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    for (const [x, y] of pts) out.push(markerSvg(marker, fx(x), fy(y), color));
    out.push('</g>');
  });
  // Legend: a column right of the plot, one row per series, so it never hides data.
  const lx = margin.left + plotW + 16;
  out.push(`<g class="legend">`);
  options.series.forEach((s, i) => {
    const color = s.color ?? PALETTE[i % PALETTE.length];
    const marker = s.marker ?? MARKERS[i % MARKERS.length];
    const y = margin.top + 10 + i * 20;
    if (!s.markersOnly) {
      out.push(
        `<line x1="${n(lx)}" y1="${n(y)}" x2="${n(lx + 30)}" y2="${n(y)}" stroke="${color}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`,
      );
    }
    out.push(markerSvg(marker, lx + 15, y, color));
    out.push(`<text x="${n(lx + 38)}" y="${n(y + 4)}">${escapeXml(s.label)}</text>`);
  });
  out.push('</g>', '</svg>', '');
  return out.join('\n');
}

function markerSvg(kind: PlotSeries['marker'], x: number, y: number, color: string): string {
  const n = (v: number) => v.toFixed(2);
  const r = 4;
  switch (kind) {
    case 'square':
      return `<rect x="${n(x - r)}" y="${n(y - r)}" width="${2 * r}" height="${2 * r}" fill="${color}"/>`;
    case 'triangle':
      return `<polygon points="${n(x)},${n(y - r - 1)} ${n(x - r - 1)},${n(y + r)} ${n(x + r + 1)},${n(y + r)}" fill="${color}"/>`;
    case 'diamond':
      return `<polygon points="${n(x)},${n(y - r - 1)} ${n(x + r + 1)},${n(y)} ${n(x)},${n(y + r + 1)} ${n(x - r - 1)},${n(y)}" fill="${color}"/>`;
    default:
      return `<circle cx="${n(x)}" cy="${n(y)}" r="${r}" fill="${color}"/>`;
  }
}
