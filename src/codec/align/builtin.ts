/**
 * The built-in feature extractor: a small deterministic image embedding for tests, benchmarks and machines
 * without a vision model. Three L2-normalized blocks, weighted and concatenated, then L2-normalized again
 * (BUILTIN_DIM = 160 values):
 *   - colour: joint RGB histogram, 4 levels per channel (64 bins), square-rooted (Hellinger), weight 1;
 *   - layout: mean luma over an 8×8 grid minus the frame mean (64 values), weight 0.75;
 *   - texture: gradient-orientation histogram (8 unsigned orientations, magnitude-weighted) in 2×2 cells
 *     (32 values), square-rooted, weight 0.75.
 * Float64 arithmetic in a fixed order, so the same pixels give the same vector on every platform.
 * Platform-neutral.
 */
import { AlignError } from './errors.js';

export const BUILTIN_FEATURE_SPACE = 'lirn-builtin-v1';
const HIST_LEVELS = 4;
const LAYOUT_GRID = 8;
const ORIENTATIONS = 8;
const TEXTURE_CELLS = 2;
const COLOUR_DIM = HIST_LEVELS ** 3;
const LAYOUT_DIM = LAYOUT_GRID * LAYOUT_GRID;
const TEXTURE_DIM = ORIENTATIONS * TEXTURE_CELLS * TEXTURE_CELLS;
export const BUILTIN_DIM = COLOUR_DIM + LAYOUT_DIM + TEXTURE_DIM;
const WEIGHTS = [1, 0.75, 0.75];

function normalizeBlock(v: Float64Array, weight: number): void {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const k = s > 0 ? weight / Math.sqrt(s) : 0;
  for (let i = 0; i < v.length; i++) v[i] *= k;
}

/** The built-in embedding of one RGB24 frame (width·height·3 bytes, row-major HWC). */
export function builtinFeatures(rgb: Uint8Array, width: number, height: number): Float32Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1)
    throw new AlignError(`builtin features: bad frame size ${width}×${height}`);
  if (rgb.length !== width * height * 3)
    throw new AlignError(`builtin features: ${rgb.length} bytes for a ${width}×${height} RGB frame`);
  const n = width * height;
  const colour = new Float64Array(COLOUR_DIM);
  const layout = new Float64Array(LAYOUT_DIM);
  const layoutCount = new Float64Array(LAYOUT_DIM);
  const texture = new Float64Array(TEXTURE_DIM);
  const luma = new Float64Array(n);
  let lumaSum = 0;
  for (let y = 0; y < height; y++) {
    const gy = Math.floor((y * LAYOUT_GRID) / height);
    for (let x = 0; x < width; x++) {
      const p = y * width + x;
      const r = rgb[3 * p];
      const g = rgb[3 * p + 1];
      const b = rgb[3 * p + 2];
      colour[(r >> 6) * 16 + (g >> 6) * 4 + (b >> 6)] += 1;
      const l = (0.299 * r + 0.587 * g + 0.114 * b) / 255;
      luma[p] = l;
      lumaSum += l;
      const cell = gy * LAYOUT_GRID + Math.floor((x * LAYOUT_GRID) / width);
      layout[cell] += l;
      layoutCount[cell] += 1;
    }
  }
  for (let i = 0; i < COLOUR_DIM; i++) colour[i] = Math.sqrt(colour[i] / n);
  const mean = lumaSum / n;
  for (let i = 0; i < LAYOUT_DIM; i++) layout[i] = layoutCount[i] > 0 ? layout[i] / layoutCount[i] - mean : 0;
  for (let y = 0; y < height; y++) {
    const cy = Math.floor((y * TEXTURE_CELLS) / height);
    const up = Math.max(0, y - 1);
    const down = Math.min(height - 1, y + 1);
    for (let x = 0; x < width; x++) {
      const left = Math.max(0, x - 1);
      const right = Math.min(width - 1, x + 1);
      const dx = luma[y * width + right] - luma[y * width + left];
      const dy = luma[down * width + x] - luma[up * width + x];
      const mag = Math.sqrt(dx * dx + dy * dy);
      if (mag === 0) continue;
      let angle = Math.atan2(dy, dx);
      if (angle < 0) angle += Math.PI;
      const bin = Math.min(ORIENTATIONS - 1, Math.floor((angle / Math.PI) * ORIENTATIONS));
      const cell = cy * TEXTURE_CELLS + Math.floor((x * TEXTURE_CELLS) / width);
      texture[cell * ORIENTATIONS + bin] += mag;
    }
  }
  for (let i = 0; i < TEXTURE_DIM; i++) texture[i] = Math.sqrt(texture[i] / n);
  const blocks = [colour, layout, texture];
  for (let i = 0; i < blocks.length; i++) normalizeBlock(blocks[i], WEIGHTS[i]);
  const out = new Float64Array(BUILTIN_DIM);
  out.set(colour, 0);
  out.set(layout, COLOUR_DIM);
  out.set(texture, COLOUR_DIM + LAYOUT_DIM);
  normalizeBlock(out, 1);
  return Float32Array.from(out);
}
