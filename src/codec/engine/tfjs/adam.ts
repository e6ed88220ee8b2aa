/**
 * Adam without weight decay, in PyTorch's formulation (the paper trains with torch.optim.Adam):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,
 *   θ ← θ − (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + ε)
 * with t the 1-based step. Rows that never receive a gradient (latents of held-out frames) keep m = v = 0 and
 * therefore never move.
 */
import * as tf from '@tensorflow/tfjs';
import type { AdamConfig } from '../types.js';

export function adamUpdate(
  params: readonly tf.Variable[],
  grads: readonly tf.Tensor[],
  m: readonly tf.Variable[],
  v: readonly tf.Variable[],
  rates: readonly number[],
  step: number,
  adam: AdamConfig,
): void {
  const { beta1, beta2, epsilon } = adam;
  const stepSizeScale = 1 / (1 - beta1 ** step);
  const sqrtCorrection2 = Math.sqrt(1 - beta2 ** step);
  tf.tidy(() => {
    for (let i = 0; i < params.length; i++) {
      const g = grads[i];
      const mNew = tf.add(tf.mul(m[i], beta1), tf.mul(g, 1 - beta1));
      const vNew = tf.add(tf.mul(v[i], beta2), tf.mul(tf.square(g), 1 - beta2));
      m[i].assign(mNew);
      v[i].assign(vNew);
      if (rates[i] === 0) continue;
      const denom = tf.add(tf.div(tf.sqrt(vNew), sqrtCorrection2), epsilon);
      params[i].assign(tf.sub(params[i], tf.mul(tf.div(mNew, denom), rates[i] * stepSizeScale)));
    }
  });
}
