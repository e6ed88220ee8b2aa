/**
 * Per-frame feature vectors (the alignment targets f_t, or query embeddings): `rows` vectors of `dim` float32
 * values, row-major. A row of zeros means "no feature for this frame" and is left out of the loss.
 */
import { AlignError } from './errors.js';
import { MAX_ALIGN_DIM } from './projection.js';

export interface FeatureTable {
  rows: number;
  dim: number;
  data: Float32Array;
}

export function validateFeatures(t: FeatureTable, what = 'features'): FeatureTable {
  if (!Number.isInteger(t.dim) || t.dim < 1 || t.dim > MAX_ALIGN_DIM)
    throw new AlignError(`${what}: dimension must be an integer in 1..${MAX_ALIGN_DIM}, got ${t.dim}`);
  if (!Number.isInteger(t.rows) || t.rows < 0) throw new AlignError(`${what}: bad row count ${t.rows}`);
  if (!(t.data instanceof Float32Array) || t.data.length !== t.rows * t.dim)
    throw new AlignError(`${what}: expected ${t.rows}×${t.dim} float32 values, got ${t.data?.length}`);
  for (let i = 0; i < t.data.length; i++) {
    if (!Number.isFinite(t.data[i]))
      throw new AlignError(`${what}: row ${Math.floor(i / t.dim)} holds a non-finite value (${t.data[i]})`);
  }
  return t;
}

/** Rows [first, first + count) as a table sharing no memory with `t`. */
export function sliceFeatures(t: FeatureTable, first: number, count: number): FeatureTable {
  if (first < 0 || count < 0 || first + count > t.rows)
    throw new AlignError(
      `features cover frames 0..${t.rows - 1}, rows ${first}..${first + count - 1} were asked for`,
    );
  return { rows: count, dim: t.dim, data: t.data.slice(first * t.dim, (first + count) * t.dim) };
}

/** Stacks per-frame vectors into one table (all of one length). */
export function stackFeatures(vectors: readonly Float32Array[]): FeatureTable {
  if (vectors.length === 0) throw new AlignError('no feature vectors');
  const dim = vectors[0].length;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new AlignError(`feature ${i} has ${v.length} values, feature 0 has ${dim}`);
    data.set(v, i * dim);
  });
  return validateFeatures({ rows: vectors.length, dim, data });
}
