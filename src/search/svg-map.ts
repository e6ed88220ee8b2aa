/**
 * Draws a latent map as a self-contained SVG: one dot per frame coloured by time (viridis, dark → light, as in
 * the paper's Fig. 9), a faint line through consecutive frames, and a colour bar labelled in frames and seconds.
 * Written by hand (no plotting library): the output is a few kB of plain SVG any browser or rsvg renders.
 */

export interface SvgMapOptions {
  title: string;
  subtitle?: string;
  fps: number;
  width?: number;
  height?: number;
}

/** Viridis at 9 stops (matplotlib's), interpolated linearly. */
const VIRIDIS: ReadonlyArray<[number, number, number]> = [
  [68, 1, 84],
  [71, 44, 122],
  [59, 81, 139],
  [44, 113, 142],
  [33, 144, 141],
  [39, 173, 129],
  [92, 200, 99],
  [170, 220, 50],
  [253, 231, 37],
];

export function viridis(t: number): string {
  const x = Math.min(1, Math.max(0, t)) * (VIRIDIS.length - 1);
  const i = Math.min(VIRIDIS.length - 2, Math.floor(x));
  const f = x - i;
  const c = VIRIDIS[i].map((v, k) => Math.round(v + f * (VIRIDIS[i + 1][k] - v)));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

function escapeXml(s: string): string {
  return s.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}

const fmt = (v: number) => (Math.round(v * 10) / 10).toString();

export function renderMapSvg(points: Float64Array, options: SvgMapOptions): string {
  const width = options.width ?? 720;
  const height = options.height ?? 560;
  const rows = points.length / 2;
  const margin = { left: 30, right: 110, top: 62, bottom: 30 };
  const plotW = width - margin.left - margin.right;
  const plotH = height - margin.top - margin.bottom;
  let minX = Infinity;
  let maxX = -Infinity;
  let minY = Infinity;
  let maxY = -Infinity;
  for (let r = 0; r < rows; r++) {
    minX = Math.min(minX, points[2 * r]);
    maxX = Math.max(maxX, points[2 * r]);
    minY = Math.min(minY, points[2 * r + 1]);
    maxY = Math.max(maxY, points[2 * r + 1]);
  }
  // One scale for both axes (UMAP distances are isotropic), centred in the plot area, dots kept off the frame.
  const pad = 12;
  const span = Math.max(maxX - minX, maxY - minY, 1e-9);
  const scale = Math.min(plotW - 2 * pad, plotH - 2 * pad) / span;
  const ox = margin.left + (plotW - (maxX - minX) * scale) / 2;
  const oy = margin.top + (plotH - (maxY - minY) * scale) / 2;
  const px = (r: number) => ox + (points[2 * r] - minX) * scale;
  const py = (r: number) => oy + (maxY - points[2 * r + 1]) * scale;
  const t = (r: number) => (rows > 1 ? r / (rows - 1) : 0);
  const radius = rows > 400 ? 2.5 : rows > 100 ? 3.5 : 5;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
  );
  out.push(`<rect width="${width}" height="${height}" fill="#ffffff"/>`);
  out.push(`<text x="${margin.left}" y="28" font-size="17" fill="#222">${escapeXml(options.title)}</text>`);
  if (options.subtitle)
    out.push(
      `<text x="${margin.left}" y="48" font-size="12" fill="#666">${escapeXml(options.subtitle)}</text>`,
    );
  out.push(
    `<rect x="${margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#ddd"/>`,
  );
  if (rows > 1) {
    const path = Array.from(
      { length: rows },
      (_, r) => `${r === 0 ? 'M' : 'L'}${fmt(px(r))} ${fmt(py(r))}`,
    ).join(' ');
    out.push(`<path d="${path}" fill="none" stroke="#999" stroke-width="0.8" stroke-opacity="0.45"/>`);
  }
  for (let r = 0; r < rows; r++) {
    out.push(
      `<circle cx="${fmt(px(r))}" cy="${fmt(py(r))}" r="${radius}" fill="${viridis(t(r))}" stroke="#333" stroke-width="0.3"><title>frame ${r}</title></circle>`,
    );
  }
  // Colour bar: frame 0 (dark) at the top, the last frame (light) at the bottom.
  const barX = width - margin.right + 30;
  const barW = 16;
  out.push('<defs><linearGradient id="time" x1="0" y1="0" x2="0" y2="1">');
  for (let i = 0; i <= 8; i++) out.push(`<stop offset="${i / 8}" stop-color="${viridis(i / 8)}"/>`);
  out.push('</linearGradient></defs>');
  out.push(
    `<rect x="${barX}" y="${margin.top}" width="${barW}" height="${plotH}" fill="url(#time)" stroke="#666" stroke-width="0.5"/>`,
  );
  const last = Math.max(0, rows - 1);
  const label = (frame: number, y: number) =>
    `<text x="${barX + barW + 5}" y="${fmt(y)}" font-size="11" fill="#333">${frame}<tspan x="${barX + barW + 5}" dy="13" fill="#777">${(frame / options.fps).toFixed(1)} s</tspan></text>`;
  out.push(label(0, margin.top + 10));
  out.push(label(last, margin.top + plotH - 14));
  out.push(`<text x="${barX - 4}" y="${margin.top - 8}" font-size="11" fill="#333">frame</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
