/**
 * The coordinate-only half of the positional encodings (spec §4.3.3), computed in plain JS per batch.
 * Coordinates are data, not parameters, so hash-grid corner indices and bilinear weights (and Fourier features
 * entirely) need no gradient; only the table lookup runs inside the tfjs graph.
 */
import {
  encodingOutputDim,
  type FourierEncodingConfig,
  type HashGridEncodingConfig,
  hashLevelRows,
} from '../../model/config.js';

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
  /** Row in the stacked table for sample n, level l, corner c (= dx + 2·dy) at [(n·L + l)·4 + c]. */
  index: Int32Array;
  /** Bilinear weight of the same corner. */
  weight: Float32Array;
}

/** `coords` holds (x, y) pairs; a Float64Array keeps render coordinates exactly as the spec computes them. */
export function hashGridCorners(
  enc: HashGridEncodingConfig,
  coords: ArrayLike<number>,
  count: number,
): HashGridCorners {
  const levels = enc.n_levels;
  const index = new Int32Array(count * levels * 4);
  const weight = new Float32Array(count * levels * 4);
  const { offsets } = hashLevelOffsets(enc);
  const tableSize = 2 ** enc.log2_hashmap_size;
  for (let l = 0; l < levels; l++) {
    const res = enc.level_resolutions[l];
    const stride = res + 1;
    const dense = stride * stride <= tableSize;
    const offset = offsets[l];
    for (let n = 0; n < count; n++) {
      const px = coords[2 * n] * res;
      const py = coords[2 * n + 1] * res;
      const cx = Math.min(Math.max(Math.floor(px), 0), res - 1);
      const cy = Math.min(Math.max(Math.floor(py), 0), res - 1);
      const fx = px - cx;
      const fy = py - cy;
      const base = (n * levels + l) * 4;
      for (let c = 0; c < 4; c++) {
        const dx = c & 1;
        const dy = c >> 1;
        const vx = cx + dx;
        const vy = cy + dy;
        const row = dense ? vx + vy * stride : ((Math.imul(vy, 2654435761) ^ vx) >>> 0) & (tableSize - 1);
        index[base + c] = offset + row;
        weight[base + c] = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
      }
    }
  }
  return { index, weight };
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
