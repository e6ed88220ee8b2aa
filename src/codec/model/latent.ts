/** The latent of a (possibly fractional) frame time, spec §4.3.1 (paper eq. 4). */
import { ModelError } from './errors.js';

/**
 * z = (1 − β)·latents[t0] + β·latents[t1] with t0 = floor(t), t1 = min(t0 + 1, frames − 1), β = t − t0;
 * exactly latents[t] for integer t. `latents` is [frames, dim] row-major.
 */
export function latentAt(
  latents: Float32Array,
  frames: number,
  dim: number,
  t: number,
  out: Float32Array = new Float32Array(dim),
): Float32Array {
  if (typeof t !== 'number' || !(t >= 0 && t <= frames - 1)) {
    throw new ModelError('bad-argument', 't', `frame time ${t} is outside [0, ${frames - 1}]`);
  }
  if (latents.length < frames * dim) {
    throw new ModelError(
      'bad-shape',
      'latents',
      `holds ${latents.length} values, expected ${frames} × ${dim}`,
    );
  }
  const t0 = Math.floor(t);
  const t1 = Math.min(t0 + 1, frames - 1);
  const beta = t - t0;
  const r0 = t0 * dim;
  const r1 = t1 * dim;
  if (beta === 0) {
    for (let k = 0; k < dim; k++) out[k] = latents[r0 + k];
  } else {
    for (let k = 0; k < dim; k++) out[k] = (1 - beta) * latents[r0 + k] + beta * latents[r1 + k];
  }
  return out;
}
