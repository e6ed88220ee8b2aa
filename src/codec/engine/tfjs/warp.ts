/**
 * The per-frame coordinate warp (model/warp.ts) in training. The warped coordinates x', y' are computed in JS
 * from the latents' current values, exactly as the reference decoder computes them, and feed the JS encoding
 * code unchanged. Their gradient comes from first-order terms whose value is exactly 0:
 *   δx' = ∂x'/∂z · (z − z₀), δy' likewise, with z the latent rows in the graph and z₀ a constant of their values,
 * so an encoding value e becomes e + ∂e/∂x'·δx' + ∂e/∂y'·δy' (same value, gradient by the chain rule).
 * ∂x'/∂z is 0 where x' is clamped.
 */
import * as tf from '@tensorflow/tfjs';
import type { ModelConfig } from '../../model/config.js';
import { warpCoords, warpLatentDims, warpParams } from '../../model/warp.js';

export interface WarpedBatch {
  /** Warped (x', y') pairs, float32 as the reference decoder has them. */
  coords: Float32Array;
  /** [count, 1] each: zero-valued, carry ∂x'/∂z and ∂y'/∂z back to the latent rows. */
  dx: tf.Tensor2D;
  dy: tf.Tensor2D;
}

/**
 * Warps `perFrame` coordinates per frame group; `z` [F, D] are the groups' latent rows in the graph and
 * `latents` their current values (row-major, the same numbers).
 */
export function warpBatch(
  config: ModelConfig,
  z: tf.Tensor2D,
  latents: Float32Array,
  coords: Float32Array,
  perFrame: number,
): WarpedBatch {
  const dims = warpLatentDims(config.warp);
  const scale = config.warp!.scale;
  const D = config.latent.dim;
  const frames = z.shape[0];
  const count = frames * perFrame;
  const out = new Float32Array(count * 2);
  // Rows of ∂x'/∂z[0..dims) and ∂y'/∂z[0..dims): x' = x + s·(z0 + z2·(x − ½) + z3·(y − ½)), y' = y + s·(z1 + …).
  const jx = new Float32Array(count * dims);
  const jy = new Float32Array(count * dims);
  for (let f = 0; f < frames; f++) {
    const p = warpParams(config, latents.subarray(f * D, (f + 1) * D))!;
    const n0 = f * perFrame;
    warpCoords(p, coords.subarray(2 * n0, 2 * (n0 + perFrame)), perFrame, out.subarray(2 * n0));
    for (let n = n0; n < n0 + perFrame; n++) {
      // Clamped (or exactly on the edge, where either one-sided derivative will do): no gradient.
      const sx = out[2 * n] > 0 && out[2 * n] < 1 ? scale : 0;
      const sy = out[2 * n + 1] > 0 && out[2 * n + 1] < 1 ? scale : 0;
      jx[n * dims] = sx;
      jy[n * dims + 1] = sy;
      if (dims === 6) {
        const xc = coords[2 * n] - 0.5;
        const yc = coords[2 * n + 1] - 0.5;
        jx[n * dims + 2] = sx * xc;
        jx[n * dims + 3] = sx * yc;
        jy[n * dims + 4] = sy * xc;
        jy[n * dims + 5] = sy * yc;
      }
    }
  }
  const z0 = new Float32Array(frames * dims);
  for (let f = 0; f < frames; f++) z0.set(latents.subarray(f * D, f * D + dims), f * dims);
  // [F, 1, dims]: exactly zero, since z holds the values z₀ was read from.
  const dz = tf.reshape(tf.sub(tf.slice(z, [0, 0], [frames, dims]), tf.tensor2d(z0, [frames, dims])), [
    frames,
    1,
    dims,
  ]);
  const delta = (j: Float32Array) =>
    tf.reshape(tf.sum(tf.mul(dz, tf.tensor3d(j, [frames, perFrame, dims])), 2), [count, 1]) as tf.Tensor2D;
  return { coords: out, dx: delta(jx), dy: delta(jy) };
}
