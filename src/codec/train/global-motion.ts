/**
 * Global motion of a chunk (encoder only, platform-neutral): each frame's translation against its scene's first
 * frame, accumulated from consecutive frames' shifts (block matching on a luma pyramid, then Lucas–Kanade steps to
 * a few hundredths of a pixel), and the coordinate warp (model/warp.ts) that lays every frame of a scene over one
 * static picture. The trainer starts the warp's latent components there (TrainOptions.warpInit).
 *
 * Why: from zero, every frame first reads the grid unmoved and gradient descent settles in a sawtooth. On bunny (a
 * 43-pixel tilt over frames 0–92, 1 px a frame slowing to 0) a trained model's warp followed the tilt for 17
 * frames, jumped back, followed it for 25, jumped back again: its static levels held three shifted copies of the
 * meadow. Started on the measured path (bench/explore.ts --scenes 93, 5000 iterations, 6 bits): S 27.20 → 28.06 dB,
 * M 28.20 → 29.06 dB, L 29.23 → 29.97 dB at the same bits.
 */
import type { ModelConfig } from '../model/config.js';
import { warpLatentDims } from '../model/warp.js';

export interface MotionOptions {
  /** Search radius in pixels at full size between consecutive frames. Default 24. */
  radius?: number;
}

/** Translation (pixels) of each frame's content against its scene's first frame: content at (x, y) in the first
 * frame sits at (x + dx, y + dy) in frame t. */
export interface GlobalMotion {
  dx: Float64Array;
  dy: Float64Array;
}

/** Mean luma of `factor`×`factor` blocks (0–255 scale; float frames are in [0, 1]). */
function downscaledLuma(
  rgb: Uint8Array | Float32Array,
  width: number,
  height: number,
  factor: number,
): Float32Array {
  const w = Math.floor(width / factor);
  const h = Math.floor(height / factor);
  const out = new Float32Array(w * h);
  const norm = (rgb instanceof Uint8Array ? 1 : 255) / (factor * factor);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = 0; j < factor; j++) {
        let p = ((y * factor + j) * width + x * factor) * 3;
        for (let i = 0; i < factor; i++, p += 3)
          s += 0.299 * rgb[p] + 0.587 * rgb[p + 1] + 0.114 * rgb[p + 2];
      }
      out[y * w + x] = s * norm;
    }
  }
  return out;
}

interface Level {
  luma: Float32Array;
  width: number;
  height: number;
}

/**
 * Mean squared difference of a and b shifted by (dx, dy) over a's pixels at least `margin` from its edges (the same
 * pixels for every shift, so that costs of neighbouring shifts compare; a shift of `margin` or more is not tried).
 */
function cost(a: Level, b: Level, dx: number, dy: number, margin: number): number {
  const { width: w, height: h } = a;
  if (Math.abs(dx) >= margin || Math.abs(dy) >= margin) return Number.POSITIVE_INFINITY;
  let s = 0;
  for (let y = margin; y < h - margin; y++) {
    let pa = y * w + margin;
    let pb = (y + dy) * w + margin + dx;
    for (let x = margin; x < w - margin; x++, pa++, pb++) {
      const e = a.luma[pa] - b.luma[pb];
      s += e * e;
    }
  }
  return s / ((w - 2 * margin) * (h - 2 * margin));
}

/** Best integer shift of b against a within `radius` of (cx, cy), and its cost. */
function search(a: Level, b: Level, cx: number, cy: number, radius: number, margin: number) {
  let best = { dx: cx, dy: cy, cost: Number.POSITIVE_INFINITY };
  for (let dy = cy - radius; dy <= cy + radius; dy++)
    for (let dx = cx - radius; dx <= cx + radius; dx++) {
      const c = cost(a, b, dx, dy, margin);
      if (c < best.cost) best = { dx, dy, cost: c };
    }
  return best;
}

/**
 * Sub-pixel offset of the minimum of the quadratic through the 3×3 costs `f[j + 1][i + 1]` around an integer
 * minimum, within ±0.5 per axis. Fitted in 2-D, not per axis: texture at an angle makes the cost's valley diagonal,
 * and a per-axis parabola through the integer row then puts the minimum off by up to a few tenths of a pixel.
 */
function quadraticMinimum(f: number[][]): [number, number] {
  const gx = (f[1][2] - f[1][0]) / 2;
  const gy = (f[2][1] - f[0][1]) / 2;
  const hxx = f[1][2] - 2 * f[1][1] + f[1][0];
  const hyy = f[2][1] - 2 * f[1][1] + f[0][1];
  const hxy = (f[2][2] - f[0][2] - f[2][0] + f[0][0]) / 4;
  const det = hxx * hyy - hxy * hxy;
  const clamp = (v: number) => (Number.isFinite(v) ? Math.max(-0.5, Math.min(0.5, v)) : 0);
  if (!(hxx > 0 && det > 0)) return [hxx > 0 ? clamp(-gx / hxx) : 0, hyy > 0 ? clamp(-gy / hyy) : 0];
  return [clamp((-hyy * gx + hxy * gy) / det), clamp((hxy * gx - hxx * gy) / det)];
}

/**
 * Gauss–Newton steps (Lucas–Kanade) on the sub-pixel shift (sx, sy): b sampled bilinearly at x + s, its gradient
 * by central differences. The quadratic fit alone is off by up to 0.2 px near half-pixel shifts, and a chunk's
 * motion adds up every frame's error.
 */
function refine(a: Level, b: Level, sx: number, sy: number, margin: number, steps = 5): [number, number] {
  const { width: w, height: h } = a;
  const sample = (x: number, y: number) => {
    const x0 = Math.floor(x);
    const y0 = Math.floor(y);
    const fx = x - x0;
    const fy = y - y0;
    const p = y0 * w + x0;
    const l = b.luma;
    return (1 - fy) * ((1 - fx) * l[p] + fx * l[p + 1]) + fy * ((1 - fx) * l[p + w] + fx * l[p + w + 1]);
  };
  // Every stride-th pixel per axis: some 40k pixels carry a shift's sub-pixel part as well as all of them.
  const stride = Math.max(1, Math.floor(Math.sqrt((w * h) / 40000)));
  const residuals = new Float64Array(
    Math.max(0, Math.ceil((w - 2 * margin) / stride)) * Math.max(0, Math.ceil((h - 2 * margin) / stride)),
  );
  for (let step = 0; step < steps; step++) {
    if (Math.abs(sx) >= margin - 2 || Math.abs(sy) >= margin - 2) break;
    // Cauchy weights on the residual (iteratively reweighted least squares): what moves on its own, people
    // walking across a fixed camera's view, would otherwise pull the estimate (0.1 px a frame on vtest, 11 px
    // over 120 frames).
    let count = 0;
    let absSum = 0;
    for (let y = margin; y < h - margin; y += stride)
      for (let x = margin; x < w - margin; x += stride, count++) {
        residuals[count] = sample(x + sx, y + sy) - a.luma[y * w + x];
        absSum += Math.abs(residuals[count]);
      }
    const c = (2 * absSum) / Math.max(1, count) + 1;
    let jxx = 0;
    let jxy = 0;
    let jyy = 0;
    let rx = 0;
    let ry = 0;
    let k = 0;
    for (let y = margin; y < h - margin; y += stride) {
      for (let x = margin; x < w - margin; x += stride, k++) {
        const bx = x + sx;
        const by = y + sy;
        const r = residuals[k];
        const gx = (sample(bx + 1, by) - sample(bx - 1, by)) / 2;
        const gy = (sample(bx, by + 1) - sample(bx, by - 1)) / 2;
        const weight = 1 / (1 + (r / c) ** 2);
        jxx += weight * gx * gx;
        jxy += weight * gx * gy;
        jyy += weight * gy * gy;
        rx += weight * gx * r;
        ry += weight * gy * r;
      }
    }
    const det = jxx * jyy - jxy * jxy;
    if (!(det > 0)) break;
    const dx = (-jyy * rx + jxy * ry) / det;
    const dy = (jxy * rx - jxx * ry) / det;
    sx += Math.max(-1, Math.min(1, dx));
    sy += Math.max(-1, Math.min(1, dy));
    if (Math.abs(dx) < 1e-3 && Math.abs(dy) < 1e-3) break;
  }
  return [sx, sy];
}

/** Shift (pixels) that carries frame a's content to frame b's. */
function frameShift(pyramidA: Level[], pyramidB: Level[], radius: number): [number, number] {
  let cx = 0;
  let cy = 0;
  for (let k = pyramidA.length - 1; k >= 0; k--) {
    const a = pyramidA[k];
    const b = pyramidB[k];
    const r = k === pyramidA.length - 1 ? Math.max(1, Math.ceil(radius / 2 ** k)) : 1;
    const margin = Math.min(Math.ceil(radius / 2 ** k) + 3, Math.floor(Math.min(a.width, a.height) / 4));
    const best = search(a, b, cx, cy, r, margin);
    cx = best.dx;
    cy = best.dy;
    if (k === 0) {
      const f = [-1, 0, 1].map((j) => [-1, 0, 1].map((i) => cost(a, b, cx + i, cy + j, margin)));
      const [fx, fy] = quadraticMinimum(f);
      return refine(a, b, cx + fx, cy + fy, margin);
    }
    cx *= 2;
    cy *= 2;
  }
  return [cx, cy];
}

/** Luma at full size (k = 0) and halved `levels − 1` times, each level from the frame (block means). */
function pyramid(rgb: Uint8Array | Float32Array, width: number, height: number, levels: number): Level[] {
  const out: Level[] = [];
  for (let k = 0; k < levels; k++) {
    const f = 2 ** k;
    out.push({
      luma: downscaledLuma(rgb, width, height, f),
      width: Math.floor(width / f),
      height: Math.floor(height / f),
    });
  }
  return out;
}

/** Scene index of each of `frames` frames (sceneStarts ascending; starts outside (0, frames) ignored). */
function sceneIndices(frames: number, sceneStarts: readonly number[]): Uint32Array {
  const out = new Uint32Array(frames);
  let s = 0;
  for (let t = 0; t < frames; t++) {
    while (s < sceneStarts.length && sceneStarts[s] <= t) s++;
    out[t] = s;
  }
  return out;
}

/**
 * Translation of every frame against the first measured frame of its scene (`sceneStarts`: frames, ascending,
 * that start a scene), accumulated from the shifts between consecutive `measured` frames of a scene (default all;
 * held-out frames are left out so that motion, like everything else, comes from trained frames only). Frames not
 * measured take the linear interpolation of their scene's measured neighbours (the nearest one past either end).
 */
export function estimateGlobalMotion(
  frames: readonly (Uint8Array | Float32Array)[],
  width: number,
  height: number,
  sceneStarts: readonly number[] = [],
  options: MotionOptions & { measured?: readonly number[] } = {},
): GlobalMotion {
  const n = frames.length;
  const radius = options.radius ?? 24;
  const levels = Math.max(1, Math.min(4, Math.floor(Math.log2(Math.min(width, height) / 24)) + 1));
  const measured = options.measured ?? Array.from({ length: n }, (_, t) => t);
  const scene = sceneIndices(n, sceneStarts);
  const dx = new Float64Array(n);
  const dy = new Float64Array(n);
  const known = new Uint8Array(n);
  let previous: { t: number; pyramid: Level[] } | null = null;
  for (const t of measured) {
    if (!(Number.isInteger(t) && t >= 0 && t < n) || (previous && t <= previous.t))
      throw new RangeError(`measured frames must be ascending frames in [0, ${n}), got ${t}`);
    const current = pyramid(frames[t], width, height, levels);
    if (previous && scene[previous.t] === scene[t]) {
      const reach = Math.min(radius * (t - previous.t), Math.floor(Math.min(width, height) / 4));
      const [sx, sy] = frameShift(previous.pyramid, current, reach);
      dx[t] = dx[previous.t] + sx;
      dy[t] = dy[previous.t] + sy;
    }
    known[t] = 1;
    previous = { t, pyramid: current };
  }
  for (let t = 0; t < n; t++) {
    if (known[t]) continue;
    let a = t - 1;
    while (a >= 0 && scene[a] === scene[t] && !known[a]) a--;
    let b = t + 1;
    while (b < n && scene[b] === scene[t] && !known[b]) b++;
    const hasA = a >= 0 && scene[a] === scene[t];
    const hasB = b < n && scene[b] === scene[t];
    if (hasA && hasB) {
      const w = (t - a) / (b - a);
      dx[t] = dx[a] + w * (dx[b] - dx[a]);
      dy[t] = dy[a] + w * (dy[b] - dy[a]);
    } else if (hasA || hasB) {
      const k = hasA ? a : b;
      dx[t] = dx[k];
      dy[t] = dy[k];
    }
  }
  return { dx, dy };
}

/**
 * Motion already measured on a frame array (by identity) for the same frame size, scenes and measured frames: the
 * encoder's frame-level probes train the first chunk twice before the chunk itself, each from the same frames.
 */
const measuredMotion = new WeakMap<object, { key: string; motion: GlobalMotion }>();

/** estimateGlobalMotion of `frames` measured on `measured`, reusing the last result for the same frame array. */
export function measureMotion(
  frames: readonly (Uint8Array | Float32Array)[],
  width: number,
  height: number,
  sceneStarts: readonly number[],
  measured: readonly number[],
): GlobalMotion {
  const key = `${width}x${height}|${sceneStarts.join(',')}|${measured.join(',')}`;
  const cached = measuredMotion.get(frames);
  if (cached?.key === key) return cached.motion;
  const motion = estimateGlobalMotion(frames, width, height, sceneStarts, { measured });
  measuredMotion.set(frames, { key, motion });
  return motion;
}

/**
 * A scene whose path spans less than this (pixels, on either axis) keeps the warp at 0: block matching a fixed
 * camera's frames drifts by a few tenths of a pixel (vtest: 0.3 px over 120 frames), which is no motion to follow.
 */
export const MIN_MOTION_EXTENT_PX = 1;

/** Warp components (u, v, a, b, c, d) of every frame, 6 per frame, in coordinate units (warp.ts's p, not z). */
export type WarpRows = Float64Array;

/**
 * The warp that lays each scene's frames over one picture: frame t reads grid position ½ + s·(x − ½ − dx_t/W − c)
 * (and likewise in y), c centring the scene's path and s = 1 / (1 + its extent) shrinking it so that no frame
 * reads past the grid's edge, where coordinates clamp. A 'Translation' warp cannot scale and gets s = 1. Scenes
 * that hardly move (MIN_MOTION_EXTENT_PX) get zeros. Null without a warp.
 */
export function motionWarpRows(
  config: ModelConfig,
  motion: GlobalMotion,
  width: number,
  height: number,
  sceneStarts: readonly number[],
): WarpRows | null {
  const warp = config.warp;
  if (!warp) return null;
  const frames = motion.dx.length;
  const rows = new Float64Array(frames * 6);
  const bounds = [0, ...sceneStarts.filter((s) => s > 0 && s < frames), frames];
  for (let k = 0; k + 1 < bounds.length; k++) {
    const [from, to] = [bounds[k], bounds[k + 1]];
    const axes = [motion.dx, motion.dy].map((d, axis) => {
      const size = axis === 0 ? width : height;
      let lo = Number.POSITIVE_INFINITY;
      let hi = Number.NEGATIVE_INFINITY;
      for (let t = from; t < to; t++) {
        lo = Math.min(lo, -d[t]);
        hi = Math.max(hi, -d[t]);
      }
      const extent = (hi - lo) / size;
      const scale = warp.otype === 'Affine' ? 1 / (1 + extent) : 1;
      return { d, size, centre: (lo + hi) / 2, scale, moves: hi - lo >= MIN_MOTION_EXTENT_PX };
    });
    if (!axes.some((a) => a.moves)) continue;
    for (let t = from; t < to; t++) {
      const [u, v] = axes.map((a) => (a.scale * (-a.d[t] - a.centre)) / a.size);
      rows.set([u, v, axes[0].scale - 1, 0, 0, axes[1].scale - 1], t * 6);
    }
  }
  return rows;
}

/** Writes `rows` (motionWarpRows) into the warp components of `latents` ([frames, dim]). */
export function setWarpLatents(config: ModelConfig, rows: WarpRows, latents: Float32Array): void {
  const warp = config.warp;
  if (!warp) return;
  const dims = warpLatentDims(warp);
  const dim = config.latent.dim;
  const frames = rows.length / 6;
  if (latents.length !== frames * dim)
    throw new RangeError(`latents hold ${latents.length / dim} frames, the warp ${frames}`);
  for (let t = 0; t < frames; t++)
    for (let k = 0; k < dims; k++) latents[t * dim + k] = rows[t * 6 + k] / warp.scale;
}

/**
 * Whether `rows` moves at all (some component non-zero): a chunk without motion keeps the encoder's previous warp
 * initialisation (zeros cold, the previous chunk's last warp warm).
 */
export function warpMoves(rows: WarpRows | null): rows is WarpRows {
  return rows?.some((v) => v !== 0) === true;
}

/**
 * A warm-started chunk's first scene continuing the previous chunk's last warp `last` (u, v, a, b, c, d): the
 * tables hold the previous chunk's picture where that warp put it, so frame t reads it moved by the chunk's own
 * motion since its first frame, at the previous scale. Null when that path leaves the grid (a pan that goes on
 * past what the previous chunk saw), where the caller starts from `motionWarpRows`' centred path instead.
 */
export function continuedWarpRows(
  last: ArrayLike<number>,
  motion: GlobalMotion,
  width: number,
  height: number,
  sceneStarts: readonly number[],
  centred: WarpRows,
): WarpRows | null {
  const frames = motion.dx.length;
  const end = sceneStarts.find((s) => s > 0 && s < frames) ?? frames;
  const rows = Float64Array.from(centred);
  const [u0, v0, a, b, c, d] = Array.from({ length: 6 }, (_, k) => last[k] ?? 0);
  for (let t = 0; t < end; t++) {
    const u = u0 - ((1 + a) * (motion.dx[t] - motion.dx[0])) / width;
    const v = v0 - ((1 + d) * (motion.dy[t] - motion.dy[0])) / height;
    // x' − ½ = (1 + a)(x − ½) + b(y − ½) + u stays in [−½, ½] for every pixel.
    if (Math.abs(u) + (Math.abs(1 + a) + Math.abs(b)) / 2 > 0.5 + 1e-6) return null;
    if (Math.abs(v) + (Math.abs(c) + Math.abs(1 + d)) / 2 > 0.5 + 1e-6) return null;
    rows.set([u, v, a, b, c, d], t * 6);
  }
  return rows;
}
