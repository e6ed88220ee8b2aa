/**
 * Positional encodings of pixel coordinates (spec §4.3.3): multiresolution hash grid and Fourier features.
 * Input coordinates are interleaved (x, y) pairs; output is row-major [n, E], one row per coordinate.
 */
import { encodingOutputDim, type FourierEncodingConfig, type HashGridEncodingConfig } from './config.js';
import type { PreparedModel } from './model.js';

/** instant-NGP's spatial hash prime for the y axis (x uses 1). */
export const HASH_PRIME_Y = 2654435761;

/** Whether level `l` is stored densely ((N+1)² ≤ T) rather than hashed. */
export function isDenseLevel(enc: HashGridEncodingConfig, level: number): boolean {
  const n = enc.level_resolutions[level] + 1;
  return n * n <= 2 ** enc.log2_hashmap_size;
}

/** Table row of grid vertex (vx, vy) at a level (dense: row-major over (N+1)² vertices; hashed: spatial hash). */
export function hashGridIndex(enc: HashGridEncodingConfig, level: number, vx: number, vy: number): number {
  if (isDenseLevel(enc, level)) return vx + vy * (enc.level_resolutions[level] + 1);
  return ((Math.imul(vy, HASH_PRIME_Y) ^ vx) >>> 0) & (2 ** enc.log2_hashmap_size - 1);
}

/**
 * Hash-grid features of `n` coordinates into `out` (row stride `stride`, starting at column 0).
 * `tables[l]` is level l's [rows_l, F] table.
 */
export function encodeHashGrid(
  enc: HashGridEncodingConfig,
  tables: readonly Float32Array[],
  coords: Float32Array,
  n: number,
  out: Float32Array,
  stride = enc.n_levels * enc.n_features_per_level,
): void {
  const F = enc.n_features_per_level;
  const mask = 2 ** enc.log2_hashmap_size - 1;
  for (let l = 0; l < enc.n_levels; l++) {
    const res = enc.level_resolutions[l];
    const table = tables[l];
    const dense = isDenseLevel(enc, l);
    const rowLen = res + 1;
    const col = l * F;
    for (let p = 0; p < n; p++) {
      const px = coords[2 * p] * res;
      const py = coords[2 * p + 1] * res;
      let cx = Math.floor(px);
      let cy = Math.floor(py);
      cx = cx < 0 ? 0 : Math.min(cx, res - 1);
      cy = cy < 0 ? 0 : Math.min(cy, res - 1);
      const fx = px - cx;
      const fy = py - cy;
      let i00: number;
      let i10: number;
      let i01: number;
      let i11: number;
      if (dense) {
        i00 = cx + cy * rowLen;
        i10 = i00 + 1;
        i01 = i00 + rowLen;
        i11 = i01 + 1;
      } else {
        const h0 = Math.imul(cy, HASH_PRIME_Y);
        const h1 = Math.imul(cy + 1, HASH_PRIME_Y);
        i00 = ((h0 ^ cx) >>> 0) & mask;
        i10 = ((h0 ^ (cx + 1)) >>> 0) & mask;
        i01 = ((h1 ^ cx) >>> 0) & mask;
        i11 = ((h1 ^ (cx + 1)) >>> 0) & mask;
      }
      const w00 = (1 - fx) * (1 - fy);
      const w10 = fx * (1 - fy);
      const w01 = (1 - fx) * fy;
      const w11 = fx * fy;
      const o = p * stride + col;
      i00 *= F;
      i10 *= F;
      i01 *= F;
      i11 *= F;
      for (let f = 0; f < F; f++) {
        out[o + f] =
          w00 * table[i00 + f] + w10 * table[i10 + f] + w01 * table[i01 + f] + w11 * table[i11 + f];
      }
    }
  }
}

/** Fourier features: [x, y] if include_input, then sin(ax), sin(ay), cos(ax), cos(ay) for a = 2^k·π. */
export function encodeFourier(
  enc: FourierEncodingConfig,
  coords: Float32Array,
  n: number,
  out: Float32Array,
  stride = encodingOutputDim(enc),
): void {
  const offset = enc.include_input ? 2 : 0;
  for (let p = 0; p < n; p++) {
    const x = coords[2 * p];
    const y = coords[2 * p + 1];
    const o = p * stride;
    if (enc.include_input) {
      out[o] = x;
      out[o + 1] = y;
    }
    for (let k = 0; k < enc.n_frequencies; k++) {
      const a = 2 ** k * Math.PI;
      const q = o + offset + 4 * k;
      out[q] = Math.sin(a * x);
      out[q + 1] = Math.sin(a * y);
      out[q + 2] = Math.cos(a * x);
      out[q + 3] = Math.cos(a * y);
    }
  }
}

/** The model's encoding of `n` coordinates into `out` ([n, E]; allocated when omitted). */
export function encodePositions(
  model: PreparedModel,
  coords: Float32Array,
  n: number,
  out: Float32Array = new Float32Array(n * encodingOutputDim(model.config.encoding)),
): Float32Array {
  const enc = model.config.encoding;
  if (enc.otype === 'HashGrid') encodeHashGrid(enc, model.hashTables, coords, n, out);
  else encodeFourier(enc, coords, n, out);
  return out;
}
