import { describe, expect, it } from 'vitest';
import { escapeXml, linearTicks, lineChart, logTicks } from '../../bench/lib/svg-plot.js';

/** Minimal XML well-formedness check: balanced tags, quoted attributes, known entities only. */
function checkWellFormed(xml: string): string[] {
  const stack: string[] = [];
  const names: string[] = [];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt < 0 ? xml.length : lt);
    for (const m of text.matchAll(/&([^;\s]*);?/g)) {
      if (!/^&(lt|gt|amp|apos|quot);$/.test(m[0])) throw new Error(`bad entity ${m[0]}`);
    }
    if (lt < 0) break;
    tag.lastIndex = lt;
    const m = tag.exec(xml);
    if (!m) throw new Error(`malformed tag at ${lt}: ${xml.slice(lt, lt + 60)}`);
    const [, close, name, , selfClose] = m;
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}> at ${lt}`);
    } else {
      names.push(name);
      if (!selfClose) stack.push(name);
    }
    i = tag.lastIndex;
  }
  if (stack.length) throw new Error(`unclosed <${stack.join('>, <')}>`);
  return names;
}

const series = [
  {
    label: 'x265 medium 4:4:4',
    points: [
      [0.004, 22.3],
      [0.0185, 27.4],
      [0.052, 31.2],
    ] as [number, number][],
  },
  {
    label: 'ours <M> & "8/6/4"',
    points: [
      [0.03, 21],
      [0.06, 24],
      [0.095, 24.7],
    ] as [number, number][],
    dashed: true,
  },
  { label: 'ours S', points: [[0.05, 23.5]] as [number, number][], markersOnly: true },
];

describe('lineChart', () => {
  const svg = lineChart({ title: 'RD: bunny', xLabel: 'bpp', yLabel: 'PSNR (dB)', xScale: 'log', series });

  it('is well-formed SVG with one group, one legend entry and the right marks per series', () => {
    const names = checkWellFormed(svg);
    expect(names[0]).toBe('svg');
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    const groups = [...svg.matchAll(/<g class="series" data-label="([^"]*)"[^>]*>([\s\S]*?)<\/g>/g)];
    expect(groups.map((g) => g[1])).toEqual(series.map((s) => escapeXml(s.label)));
    groups.forEach((g, i) => {
      const polyline = /<polyline points="([^"]*)"/.exec(g[2]);
      if (series[i].markersOnly) expect(polyline).toBeNull();
      else expect(polyline![1].split(' ')).toHaveLength(series[i].points.length);
      const marks = (g[2].match(/<(circle|rect|polygon) /g) ?? []).length;
      expect(marks).toBe(series[i].points.length);
    });
    expect(svg).toContain('stroke-dasharray');
    expect(svg).toContain('ours &lt;M&gt; &amp; &quot;8/6/4&quot;');
  });

  it('places points inside the plot area, higher values higher up', () => {
    const plot = /<rect x="(\d+)" y="(\d+)" width="(\d+)" height="(\d+)" fill="none"\/>/
      .exec(svg)!
      .slice(1)
      .map(Number);
    const [px, py, pw, ph] = plot;
    const group = /<g class="series" data-label="x265[^>]*>([\s\S]*?)<\/g>/.exec(svg)![1];
    const pts = /<polyline points="([^"]*)"/
      .exec(group)![1]
      .split(' ')
      .map((p) => p.split(',').map(Number));
    for (const [x, y] of pts) {
      expect(x).toBeGreaterThan(px);
      expect(x).toBeLessThan(px + pw);
      expect(y).toBeGreaterThan(py);
      expect(y).toBeLessThan(py + ph);
    }
    expect(pts[0][0]).toBeLessThan(pts[1][0]);
    expect(pts[0][1]).toBeGreaterThan(pts[1][1]); // SVG y grows downwards
  });

  it('is deterministic', () => {
    expect(lineChart({ title: 'RD: bunny', xLabel: 'bpp', yLabel: 'PSNR (dB)', xScale: 'log', series })).toBe(
      svg,
    );
  });
});

describe('ticks', () => {
  it('linear ticks are round steps covering the range', () => {
    expect(linearTicks(21.3, 31.9, 8)).toEqual([22, 24, 26, 28, 30]);
    expect(linearTicks(0, 1, 5)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });
  it('log ticks are 1-2-5 values inside the range', () => {
    expect(logTicks(0.003, 0.2)).toEqual([0.005, 0.01, 0.02, 0.05, 0.1, 0.2]);
    expect(logTicks(0.02, 0.1)).toEqual([0.02, 0.03, 0.05, 0.07, 0.1]);
  });
});
