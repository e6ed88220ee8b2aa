/**
 * The coordinate-only half of the positional encodings (spec §4.3.3), computed in plain JS per batch.
 * Coordinates (and frame times) are data, not parameters, so hash-grid corner indices and interpolation weights
 * (and Fourier features entirely) need no gradient; only the table lookup runs inside the tfjs graph. With a
 * warp the coordinates depend on the latents: the slopes below (∂/∂x, ∂/∂y of the weights or features) let
 * warp.ts carry that gradient.
 */
import {
  encodingOutputDim,
  type FourierEncodingConfig,
  type HashGridEncodingConfig,
  hashLevelRows,
  hashLevelVertices,
  levelTimeResolution,
  levelYResolution,
  sceneCount,
} from '../../model/config.js';
import { HASH_PRIME_T, HASH_PRIME_Y } from '../../model/encoding.js';

/** First row of each level in the tables stacked level after level ([Σ rows_l, F]), plus the total. */
export function hashLevelOffsets(enc: HashGridEncodingConfig): { offsets: number[]; totalRows: number } {
  const offsets: number[] = [];
  let total = 0;
  for (let l = 0; l < enc.n_levels; l++) {
    offsets.push(total);
    total += hashLevelRows(enc, l);
  }
  return { offsets, totalRows: total };
}

export interface HashGridCorners {
  /** Corner slots per (sample, level): 4 (dx + 2·dy) when every level is static, 8 (dx + 2·dy + 4·dt) otherwise. */
  corners: 4 | 8;
  /** Row in the stacked table for sample n, level l, corner c at [(n·L + l)·corners + c]. */
  index: Int32Array;
  /**
   * Interpolation weight of the same corner. On a static level of a spatio-temporal grid the slots c ≥ 4 repeat
   * the rows of c − 4 with weight 0, so they add nothing forward or backward.
   */
  weight: Float32Array;
  /** Only when asked for: ∂weight/∂x and ∂weight/∂y of the same corner (the cell and time weight held fixed). */
  slopeX?: Float32Array;
  slopeY?: Float32Array;
}

/**
 * Normalised frame times τ (spec §4.3.3) for the samples of a batch: sample n has τ = `tau[floor(n / perGroup)]`
 * (one τ per frame group, or one for all with `perGroup` = count). Only spatio-temporal levels read it.
 */
export interface SampleTimes {
  tau: ArrayLike<number>;
  perGroup: number;
  /** Scene index of each group's frame (config.ts `sceneOf`); static levels read it. Absent: scene 0. */
  scene?: ArrayLike<number>;
}

/** Whether any hash-grid level is spatio-temporal (T_l > 0). */
export function hasTemporalLevels(enc: HashGridEncodingConfig): boolean {
  for (let l = 0; l < enc.n_levels; l++) if (levelTimeResolution(enc, l) > 0) return true;
  return false;
}

/**
 * `coords` holds (x, y) pairs; a Float64Array keeps render coordinates exactly as the spec computes them.
 * `times` is required when the grid has a spatio-temporal level (static grids ignore it).
 */
export function hashGridCorners(
  enc: HashGridEncodingConfig,
  coords: ArrayLike<number>,
  count: number,
  times?: SampleTimes,
  slopes = false,
): HashGridCorners {
  const levels = enc.n_levels;
  const temporal = hasTemporalLevels(enc);
  if (temporal && !times) throw new Error('hashGridCorners: a spatio-temporal grid needs frame times');
  if (sceneCount(enc) > 1 && !times?.scene)
    throw new Error('hashGridCorners: a grid with scenes needs frame scenes');
  const K = temporal ? 8 : 4;
  const index = new Int32Array(count * levels * K);
  const weight = new Float32Array(count * levels * K);
  const slopeX = slopes ? new Float32Array(count * levels * K) : undefined;
  const slopeY = slopes ? new Float32Array(count * levels * K) : undefined;
  const { offsets } = hashLevelOffsets(enc);
  const tableSize = 2 ** enc.log2_hashmap_size;
  const mask = tableSize - 1;
  for (let l = 0; l < levels; l++) {
    const res = enc.level_resolutions[l];
    const resY = levelYResolution(enc, l);
    const stride = res + 1;
    const sliceLen = stride * (resY + 1);
    const T = levelTimeResolution(enc, l);
    const dense = hashLevelVertices(enc, l) <= tableSize;
    const offset = offsets[l];
    // Static levels have one time slice (ct = 0, weight 1); with 8 slots their last 4 repeat the rows at weight 0.
    let group = -1;
    let ct = 0;
    let wt0 = 1;
    let wt1 = 0;
    const scenes = T === 0 ? times?.scene : undefined;
    for (let n = 0; n < count; n++) {
      if (T > 0) {
        const g = Math.floor(n / times!.perGroup);
        if (g !== group) {
          group = g;
          const pt = times!.tau[g] * T;
          ct = Math.min(Math.max(Math.floor(pt), 0), T - 1);
          const ft = pt - ct;
          wt0 = Math.fround(1 - ft);
          wt1 = Math.fround(ft);
        }
      } else if (scenes) ct = scenes[Math.floor(n / times!.perGroup)];
      const px = coords[2 * n] * res;
      const py = coords[2 * n + 1] * resY;
      const cx = Math.min(Math.max(Math.floor(px), 0), res - 1);
      const cy = Math.min(Math.max(Math.floor(py), 0), resY - 1);
      const fx = px - cx;
      const fy = py - cy;
      const base = (n * levels + l) * K;
      for (let c = 0; c < K; c++) {
        const dx = c & 1;
        const dy = (c >> 1) & 1;
        const dt = c >> 2;
        const vx = cx + dx;
        const vy = cy + dy;
        const vt = T > 0 ? ct + dt : ct;
        const row = dense
          ? vx + vy * stride + vt * sliceLen
          : ((Math.imul(vy, HASH_PRIME_Y) ^ Math.imul(vt, HASH_PRIME_T) ^ vx) >>> 0) & mask;
        index[base + c] = offset + row;
        // float32 spatial weight times float32 time weight, as the reference decoder rounds them.
        weight[base + c] = Math.fround((dx ? fx : 1 - fx) * (dy ? fy : 1 - fy)) * (dt ? wt1 : wt0);
        if (slopeX && slopeY) {
          const wt = dt ? wt1 : wt0;
          slopeX[base + c] = (dx ? res : -res) * (dy ? fy : 1 - fy) * wt;
          slopeY[base + c] = (dy ? resY : -resY) * (dx ? fx : 1 - fx) * wt;
        }
      }
    }
  }
  return { corners: K, index, weight, slopeX, slopeY };
}

/** [count, dim] Fourier features: [x, y] if include_input, then sin(ax), sin(ay), cos(ax), cos(ay) per octave. */
export function fourierFeatures(
  enc: FourierEncodingConfig,
  coords: ArrayLike<number>,
  count: number,
): Float32Array {
  const dim = encodingOutputDim(enc);
  const out = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) {
    const x = coords[2 * n];
    const y = coords[2 * n + 1];
    let o = n * dim;
    if (enc.include_input) {
      out[o++] = x;
      out[o++] = y;
    }
    for (let k = 0; k < enc.n_frequencies; k++) {
      const a = 2 ** k * Math.PI;
      out[o++] = Math.sin(a * x);
      out[o++] = Math.sin(a * y);
      out[o++] = Math.cos(a * x);
      out[o++] = Math.cos(a * y);
    }
  }
  return out;
}

/** ∂/∂x and ∂/∂y of `fourierFeatures` ([count, dim] each, same layout). */
export function fourierSlopes(
  enc: FourierEncodingConfig,
  coords: ArrayLike<number>,
  count: number,
): { x: Float32Array; y: Float32Array } {
  const dim = encodingOutputDim(enc);
  const sx = new Float32Array(count * dim);
  const sy = new Float32Array(count * dim);
  for (let n = 0; n < count; n++) {
    const x = coords[2 * n];
    const y = coords[2 * n + 1];
    let o = n * dim;
    if (enc.include_input) {
      sx[o] = 1;
      sy[o + 1] = 1;
      o += 2;
    }
    for (let k = 0; k < enc.n_frequencies; k++, o += 4) {
      const a = 2 ** k * Math.PI;
      sx[o] = a * Math.cos(a * x);
      sy[o + 1] = a * Math.cos(a * y);
      sx[o + 2] = -a * Math.sin(a * x);
      sy[o + 3] = -a * Math.sin(a * y);
    }
  }
  return { x: sx, y: sy };
}
