/**
 * Positional encodings of pixel coordinates (spec §4.3.3): multiresolution hash grid and Fourier features.
 * Input coordinates are interleaved (x, y) pairs; output is row-major [n, E], one row per coordinate.
 */
import {
  encodingOutputDim,
  type FourierEncodingConfig,
  type HashGridEncodingConfig,
  hashLevelVertices,
  levelTimeResolution,
  levelYResolution,
  sceneOf,
} from './config.js';
import type { PreparedModel } from './model.js';

/** instant-NGP's spatial hash primes for the y and τ axes (x uses 1). */
export const HASH_PRIME_Y = 2654435761;
export const HASH_PRIME_T = 805459861;

/** Whether level `l` is stored densely (every vertex has its row) rather than hashed. */
export function isDenseLevel(enc: HashGridEncodingConfig, level: number): boolean {
  return hashLevelVertices(enc, level) <= 2 ** enc.log2_hashmap_size;
}

/**
 * Table row of grid vertex (vx, vy, vt) at a level (dense: vx + vy·(N+1) + vt·(N+1)·(M+1); hashed:
 * (vx ⊕ vy·π_y ⊕ vt·π_t) mod 2^log2_hashmap_size in uint32 arithmetic). vt is 0 on static levels.
 */
export function hashGridIndex(
  enc: HashGridEncodingConfig,
  level: number,
  vx: number,
  vy: number,
  vt = 0,
): number {
  const n = enc.level_resolutions[level] + 1;
  const m = levelYResolution(enc, level) + 1;
  if (isDenseLevel(enc, level)) return vx + vy * n + vt * n * m;
  return (
    ((Math.imul(vy, HASH_PRIME_Y) ^ Math.imul(vt, HASH_PRIME_T) ^ vx) >>> 0) &
    (2 ** enc.log2_hashmap_size - 1)
  );
}

/** Normalised time τ = (t + 0.5) / frames of frame time t, t clamped to [0, frames − 1] (spec §4.3.3). */
export function frameTau(t: number, frames: number): number {
  const c = t >= 0 ? Math.min(t, frames - 1) : 0;
  return (c + 0.5) / frames;
}

/**
 * Hash-grid features of `n` coordinates at normalised frame time `tau` into `out` (row stride `stride`, starting
 * at column 0). `tables[l]` is level l's [rows_l, F] table. Static levels ignore `tau` and read the time slice of
 * `scene` (sceneOf: the scene of the frame time τ stands for).
 */
export function encodeHashGrid(
  enc: HashGridEncodingConfig,
  tables: readonly Float32Array[],
  coords: Float32Array,
  n: number,
  out: Float32Array,
  stride = enc.n_levels * enc.n_features_per_level,
  tau = 0.5,
  scene = 0,
): void {
  const F = enc.n_features_per_level;
  const mask = 2 ** enc.log2_hashmap_size - 1;
  for (let l = 0; l < enc.n_levels; l++) {
    const slice = [0, 0];
    const wt = [1, 0];
    const res = enc.level_resolutions[l];
    const resY = levelYResolution(enc, l);
    const table = tables[l];
    const dense = isDenseLevel(enc, l);
    const rowLen = res + 1;
    const sliceLen = rowLen * (resY + 1);
    const col = l * F;
    const T = levelTimeResolution(enc, l);
    const slices = T > 0 ? 2 : 1;
    if (T > 0) {
      const pt = tau * T;
      let ct = Math.floor(pt);
      ct = ct >= 0 ? Math.min(ct, T - 1) : 0;
      const ft = pt - ct;
      slice[0] = dense ? ct * sliceLen : Math.imul(ct, HASH_PRIME_T);
      slice[1] = dense ? (ct + 1) * sliceLen : Math.imul(ct + 1, HASH_PRIME_T);
      wt[0] = Math.fround(1 - ft);
      wt[1] = Math.fround(ft);
    } else if (scene > 0) {
      slice[0] = dense ? scene * sliceLen : Math.imul(scene, HASH_PRIME_T);
    }
    for (let p = 0; p < n; p++) {
      const px = coords[2 * p] * res;
      const py = coords[2 * p + 1] * resY;
      let cx = Math.floor(px);
      let cy = Math.floor(py);
      cx = cx < 0 ? 0 : Math.min(cx, res - 1);
      cy = cy < 0 ? 0 : Math.min(cy, resY - 1);
      const fx = px - cx;
      const fy = py - cy;
      const w00 = Math.fround((1 - fx) * (1 - fy));
      const w10 = Math.fround(fx * (1 - fy));
      const w01 = Math.fround((1 - fx) * fy);
      const w11 = Math.fround(fx * fy);
      const o = p * stride + col;
      for (let f = 0; f < F; f++) out[o + f] = 0;
      for (let s = 0; s < slices; s++) {
        let i00: number;
        let i10: number;
        let i01: number;
        let i11: number;
        if (dense) {
          i00 = cx + cy * rowLen + slice[s];
          i10 = i00 + 1;
          i01 = i00 + rowLen;
          i11 = i01 + 1;
        } else {
          const h0 = Math.imul(cy, HASH_PRIME_Y) ^ slice[s];
          const h1 = Math.imul(cy + 1, HASH_PRIME_Y) ^ slice[s];
          i00 = ((h0 ^ cx) >>> 0) & mask;
          i10 = ((h0 ^ (cx + 1)) >>> 0) & mask;
          i01 = ((h1 ^ cx) >>> 0) & mask;
          i11 = ((h1 ^ (cx + 1)) >>> 0) & mask;
        }
        const k = slices === 1 ? 1 : wt[s];
        const a00 = slices === 1 ? w00 : Math.fround(w00 * k);
        const a10 = slices === 1 ? w10 : Math.fround(w10 * k);
        const a01 = slices === 1 ? w01 : Math.fround(w01 * k);
        const a11 = slices === 1 ? w11 : Math.fround(w11 * k);
        i00 *= F;
        i10 *= F;
        i01 *= F;
        i11 *= F;
        for (let f = 0; f < F; f++) {
          out[o + f] +=
            a00 * table[i00 + f] + a10 * table[i10 + f] + a01 * table[i01 + f] + a11 * table[i11 + f];
        }
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

/** Whether the encoding depends on the frame time (a hash grid with a spatio-temporal level or scenes). */
export function encodingIsTemporal(enc: HashGridEncodingConfig | FourierEncodingConfig): boolean {
  return (
    enc.otype === 'HashGrid' &&
    ((enc.level_time_resolutions ?? []).some((t) => t > 0) || (enc.scene_starts?.length ?? 0) > 0)
  );
}

/**
 * The model's encoding of `n` coordinates at frame time `t` (latent rows, fractional allowed) into `out`
 * ([n, E]; allocated when omitted).
 */
export function encodePositions(
  model: PreparedModel,
  coords: Float32Array,
  n: number,
  out: Float32Array = new Float32Array(n * encodingOutputDim(model.config.encoding)),
  t = 0,
): Float32Array {
  const enc = model.config.encoding;
  if (enc.otype === 'HashGrid') {
    const tau = frameTau(t, model.frames);
    encodeHashGrid(enc, model.hashTables, coords, n, out, undefined, tau, sceneOf(enc, t, model.frames));
  } else encodeFourier(enc, coords, n, out);
  return out;
}
