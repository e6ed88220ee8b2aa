/**
 * Cosine alignment loss L_cos(y, f) = 1 − cos(y, f) (paper eq. 6/7) and its gradient with respect to y:
 *   ∂L/∂y = −( f / (|y|·|f|) − cos · y / |y|² ).
 * Norms are floored at 1e-12 so a zero vector gives a finite (zero-ish) gradient instead of NaN.
 */

const NORM_FLOOR = 1e-12;

export function norm(v: ArrayLike<number>, offset: number, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += v[offset + i] * v[offset + i];
  return Math.sqrt(s);
}

export function cosine(
  a: ArrayLike<number>,
  aOff: number,
  b: ArrayLike<number>,
  bOff: number,
  n: number,
): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < n; i++) {
    const x = a[aOff + i];
    const y = b[bOff + i];
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.max(Math.sqrt(na), NORM_FLOOR) * Math.max(Math.sqrt(nb), NORM_FLOOR));
}

/**
 * 1 − cos(y, f) for y = y[yOff..yOff+n), f = f[fOff..fOff+n); adds `scale`·∂L/∂y into grad[gOff..gOff+n).
 * Computed in float64.
 */
export function cosineLossGrad(
  y: ArrayLike<number>,
  yOff: number,
  f: ArrayLike<number>,
  fOff: number,
  n: number,
  scale: number,
  grad: Float64Array,
  gOff: number,
): number {
  let dot = 0;
  let yy = 0;
  let ff = 0;
  for (let i = 0; i < n; i++) {
    dot += y[yOff + i] * f[fOff + i];
    yy += y[yOff + i] * y[yOff + i];
    ff += f[fOff + i] * f[fOff + i];
  }
  const ny = Math.max(Math.sqrt(yy), NORM_FLOOR);
  const nf = Math.max(Math.sqrt(ff), NORM_FLOOR);
  const cos = dot / (ny * nf);
  const a = scale / (ny * nf);
  const b = (scale * cos) / (ny * ny);
  for (let i = 0; i < n; i++) grad[gOff + i] -= a * f[fOff + i] - b * y[yOff + i];
  return 1 - cos;
}

/** Scales each row of `rows` × `dim` values to unit length in place (zero rows stay zero). */
export function normalizeRows(data: Float32Array, rows: number, dim: number): Float32Array {
  for (let r = 0; r < rows; r++) {
    const n = norm(data, r * dim, dim);
    if (n > 0) for (let i = 0; i < dim; i++) data[r * dim + i] /= n;
  }
  return data;
}
