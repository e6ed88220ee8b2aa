/**
 * Bjøntegaard delta metrics (VCEG-M33) with piecewise cubic Hermite interpolation (PCHIP), the variant of the
 * JCT-VC/JVET common-test-condition spreadsheets: log10(rate) is interpolated as a function of PSNR (BD-rate), or
 * PSNR as a function of log10(rate) (BD-PSNR), each curve by PCHIP through its points (Fritsch–Carlson slopes with
 * the three-point end rule of MATLAB's pchip), and the two interpolants are integrated exactly over the interval
 * where both curves exist.
 */

export interface RdSample {
  /** Any rate unit (bpp, kbit/s); only ratios matter. */
  rate: number;
  /** PSNR in dB (or any quality where larger is better). */
  quality: number;
}

export interface BdResult {
  /** Percent rate change of `test` against `anchor` at equal quality (negative: test needs fewer bits). */
  value: number | null;
  /** The interval integrated over (quality for BD-rate, log10 rate for BD-PSNR); null without overlap. */
  overlap: [number, number] | null;
  /** Why `value` is null. */
  reason?: string;
}

/** Monotone piecewise cubic through (x, y), x strictly increasing; `integrate(a, b)` is exact. */
export class Pchip {
  private readonly x: number[];
  private readonly y: number[];
  private readonly d: number[];

  constructor(x: readonly number[], y: readonly number[]) {
    if (x.length !== y.length) throw new RangeError(`pchip: ${x.length} x values but ${y.length} y values`);
    if (x.length < 2) throw new RangeError(`pchip needs at least 2 points, got ${x.length}`);
    for (let i = 0; i < x.length; i++) {
      if (!Number.isFinite(x[i]) || !Number.isFinite(y[i]))
        throw new RangeError(`pchip: point ${i} is not finite`);
      if (i > 0 && !(x[i] > x[i - 1])) throw new RangeError(`pchip: x must increase strictly (point ${i})`);
    }
    this.x = [...x];
    this.y = [...y];
    this.d = pchipSlopes(this.x, this.y);
  }

  get domain(): [number, number] {
    return [this.x[0], this.x[this.x.length - 1]];
  }

  /** Value at `t` (extrapolates the end pieces outside the domain). */
  at(t: number): number {
    const k = this.segment(t);
    const s = t - this.x[k];
    const [c0, c1, c2, c3] = this.coefficients(k);
    return c0 + s * (c1 + s * (c2 + s * c3));
  }

  /** ∫ from a to b (a ≤ b), both inside the domain. */
  integrate(a: number, b: number): number {
    if (b < a) return -this.integrate(b, a);
    let total = 0;
    for (let k = 0; k < this.x.length - 1; k++) {
      const lo = Math.max(a, this.x[k]);
      const hi = Math.min(b, this.x[k + 1]);
      if (hi <= lo) continue;
      total += this.antiderivative(k, hi - this.x[k]) - this.antiderivative(k, lo - this.x[k]);
    }
    return total;
  }

  private segment(t: number): number {
    let k = 0;
    while (k < this.x.length - 2 && t > this.x[k + 1]) k++;
    return k;
  }

  /** p(s) = c0 + c1·s + c2·s² + c3·s³ on segment k, s = t − x_k. */
  private coefficients(k: number): [number, number, number, number] {
    const h = this.x[k + 1] - this.x[k];
    const delta = (this.y[k + 1] - this.y[k]) / h;
    const d0 = this.d[k];
    const d1 = this.d[k + 1];
    return [this.y[k], d0, (3 * delta - 2 * d0 - d1) / h, (d0 + d1 - 2 * delta) / (h * h)];
  }

  private antiderivative(k: number, s: number): number {
    const [c0, c1, c2, c3] = this.coefficients(k);
    return s * (c0 + s * (c1 / 2 + s * (c2 / 3 + (s * c3) / 4)));
  }
}

function pchipSlopes(x: readonly number[], y: readonly number[]): number[] {
  const n = x.length;
  const h: number[] = [];
  const delta: number[] = [];
  for (let k = 0; k < n - 1; k++) {
    h.push(x[k + 1] - x[k]);
    delta.push((y[k + 1] - y[k]) / h[k]);
  }
  if (n === 2) return [delta[0], delta[0]];
  const d = new Array<number>(n).fill(0);
  for (let k = 1; k < n - 1; k++) {
    if (delta[k - 1] * delta[k] <= 0) continue;
    const w1 = 2 * h[k] + h[k - 1];
    const w2 = h[k] + 2 * h[k - 1];
    d[k] = (w1 + w2) / (w1 / delta[k - 1] + w2 / delta[k]);
  }
  d[0] = endSlope(h[0], h[1], delta[0], delta[1]);
  d[n - 1] = endSlope(h[n - 2], h[n - 3], delta[n - 2], delta[n - 3]);
  return d;
}

/** Three-point end slope, kept shape-preserving (MATLAB pchip / the JCT-VC sheet's pchipend). */
function endSlope(h1: number, h2: number, del1: number, del2: number): number {
  const d = ((2 * h1 + h2) * del1 - h1 * del2) / (h1 + h2);
  if (Math.sign(d) !== Math.sign(del1)) return 0;
  if (Math.sign(del1) !== Math.sign(del2) && Math.abs(d) > Math.abs(3 * del1)) return 3 * del1;
  return d;
}

/** Average percent rate difference of `test` against `anchor` over their common quality range. */
export function bdRate(anchor: readonly RdSample[], test: readonly RdSample[]): BdResult {
  const r = meanDifference(
    anchor,
    test,
    (p) => p.quality,
    (p) => Math.log10(p.rate),
    'quality range',
    '',
  );
  return r.value === null ? r : { ...r, value: (10 ** r.value - 1) * 100 };
}

/** Average quality difference (dB) of `test` over `anchor` across their common log-rate range. */
export function bdPsnr(anchor: readonly RdSample[], test: readonly RdSample[]): BdResult {
  return meanDifference(
    anchor,
    test,
    (p) => Math.log10(p.rate),
    (p) => p.quality,
    'rate range',
    'log10 ',
  );
}

/** Mean of test(x) − anchor(x) over the common x range, each curve a PCHIP interpolant of y against x. */
function meanDifference(
  anchor: readonly RdSample[],
  test: readonly RdSample[],
  xOf: (p: RdSample) => number,
  yOf: (p: RdSample) => number,
  range: string,
  domainNote: string,
): BdResult {
  const a = curve(anchor, xOf, yOf, 'anchor');
  const t = curve(test, xOf, yOf, 'test');
  if (typeof a === 'string') return { value: null, overlap: null, reason: a };
  if (typeof t === 'string') return { value: null, overlap: null, reason: t };
  const lo = Math.max(a.domain[0], t.domain[0]);
  const hi = Math.min(a.domain[1], t.domain[1]);
  if (!(hi > lo)) {
    return {
      value: null,
      overlap: null,
      reason: `no common ${range} (${domainNote}anchor ${fmt(a.domain)}, test ${fmt(t.domain)})`,
    };
  }
  return { value: (t.integrate(lo, hi) - a.integrate(lo, hi)) / (hi - lo), overlap: [lo, hi] };
}

/** The interpolant, or why none can be built (fewer than two distinct points). */
function curve(
  points: readonly RdSample[],
  xOf: (p: RdSample) => number,
  yOf: (p: RdSample) => number,
  which: string,
): Pchip | string {
  const usable = points.filter((p) => p.rate > 0 && Number.isFinite(p.rate) && Number.isFinite(p.quality));
  const sorted = [...usable].sort((p, q) => xOf(p) - xOf(q));
  const xs: number[] = [];
  const ys: number[] = [];
  for (const p of sorted) {
    if (xs.length && xOf(p) === xs[xs.length - 1]) continue; // equal abscissae: keep the first
    xs.push(xOf(p));
    ys.push(yOf(p));
  }
  if (xs.length < 2) return `${which} curve has ${xs.length} usable point(s); BD metrics need at least 2`;
  return new Pchip(xs, ys);
}

/**
 * The points no other point beats on both axes (lower or equal rate and higher or equal quality): the operating
 * curve of a codec tried at several settings.
 */
export function paretoFront<T extends RdSample>(points: readonly T[]): T[] {
  const sorted = [...points].sort((p, q) => p.rate - q.rate || q.quality - p.quality);
  const front: T[] = [];
  for (const p of sorted) if (!front.length || p.quality > front[front.length - 1].quality) front.push(p);
  return front;
}

function fmt(range: [number, number]): string {
  return `${range[0].toFixed(3)}…${range[1].toFixed(3)}`;
}
