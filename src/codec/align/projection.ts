/**
 * The alignment projection (paper eq. 6 and appendix D): a linear map from latent space (D) to the feature space
 * (F) the latents are aligned with, y = W·z + b with W [F, D] row-major, or the identity when F = D. It is
 * trained beside the model and travels in the `lirA` box, so a searcher maps stored latents into feature space.
 * Platform-neutral.
 */
import { createRng } from '../util/random.js';
import { AlignError } from './errors.js';

/** Parameter names in checkpoints and in the `lirA` coded tensor group. */
export const PROJ_WEIGHT = 'align.proj.weight';
export const PROJ_BIAS = 'align.proj.bias';

/** Largest feature or latent dimension accepted (u16 fields in `lirA`). */
export const MAX_ALIGN_DIM = 65535;

export interface Projection {
  featureDim: number;
  latentDim: number;
  /** Identity map (featureDim = latentDim): no weights. */
  identity: boolean;
  /** [featureDim, latentDim] row-major; empty when identity. */
  weight: Float32Array;
  /** [featureDim]; empty when identity. */
  bias: Float32Array;
}

export type ProjectionKind = 'auto' | 'linear' | 'identity';

function checkDim(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1 || v > MAX_ALIGN_DIM)
    throw new AlignError(`${name} must be an integer in 1..${MAX_ALIGN_DIM}, got ${v}`);
}

/**
 * A fresh projection: identity when asked (or 'auto' with equal dimensions), else W ~ U(±1/sqrt(D)) (PyTorch
 * Linear's default) from `seed`, b = 0.
 */
export function initProjection(
  featureDim: number,
  latentDim: number,
  kind: ProjectionKind,
  seed: number,
): Projection {
  checkDim('feature dim', featureDim);
  checkDim('latent dim', latentDim);
  const identity = kind === 'identity' || (kind === 'auto' && featureDim === latentDim);
  if (identity) {
    if (featureDim !== latentDim)
      throw new AlignError(
        `an identity projection needs feature dim = latent dim, got ${featureDim} and ${latentDim}`,
      );
    return { featureDim, latentDim, identity, weight: new Float32Array(0), bias: new Float32Array(0) };
  }
  const weight = new Float32Array(featureDim * latentDim);
  const rng = createRng(seed ^ 0x5a11e4);
  const bound = 1 / Math.sqrt(latentDim);
  for (let i = 0; i < weight.length; i++) weight[i] = rng.uniform(-bound, bound);
  return { featureDim, latentDim, identity, weight, bias: new Float32Array(featureDim) };
}

export function validateProjection(p: Projection): Projection {
  checkDim('feature dim', p.featureDim);
  checkDim('latent dim', p.latentDim);
  if (p.identity) {
    if (p.featureDim !== p.latentDim)
      throw new AlignError(
        `identity projection with feature dim ${p.featureDim} ≠ latent dim ${p.latentDim}`,
      );
    return p;
  }
  if (!(p.weight instanceof Float32Array) || p.weight.length !== p.featureDim * p.latentDim)
    throw new AlignError(`projection weight must hold ${p.featureDim}×${p.latentDim} float32 values`);
  if (!(p.bias instanceof Float32Array) || p.bias.length !== p.featureDim)
    throw new AlignError(`projection bias must hold ${p.featureDim} float32 values`);
  return p;
}

export function cloneProjection(p: Projection): Projection {
  return { ...p, weight: p.weight.slice(), bias: p.bias.slice() };
}

/** y = W·z + b for one latent (z: latentDim values) into `out` (featureDim values). */
export function projectInto(
  p: Projection,
  z: ArrayLike<number>,
  zOffset: number,
  out: Float32Array,
  outOffset = 0,
): void {
  const { featureDim: F, latentDim: D } = p;
  if (p.identity) {
    for (let k = 0; k < D; k++) out[outOffset + k] = z[zOffset + k];
    return;
  }
  const w = p.weight;
  for (let i = 0; i < F; i++) {
    let s = p.bias[i];
    const row = i * D;
    for (let k = 0; k < D; k++) s += w[row + k] * z[zOffset + k];
    out[outOffset + i] = s;
  }
}

/** Projects `rows` latents (rows × latentDim values) → rows × featureDim values. */
export function projectRows(p: Projection, latents: Float32Array, rows: number): Float32Array {
  if (latents.length !== rows * p.latentDim)
    throw new AlignError(`${latents.length} latent values are not ${rows} rows of ${p.latentDim}`);
  const out = new Float32Array(rows * p.featureDim);
  for (let r = 0; r < rows; r++) projectInto(p, latents, r * p.latentDim, out, r * p.featureDim);
  return out;
}
