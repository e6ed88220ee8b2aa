/**
 * Adam for the small tensors the trainer updates itself (the alignment projection), in the same PyTorch form as
 * the engines: θ −= (lr / (1−β1^t)) · m / (sqrt(v) / sqrt(1−β2^t) + ε), moments in float32 like theirs.
 */
import { type AdamConfig, DEFAULT_ADAM } from '../engine/types.js';

export function adamStep(
  param: Float32Array,
  grad: ArrayLike<number>,
  m: Float32Array,
  v: Float32Array,
  rate: number,
  step: number,
  adam: AdamConfig = DEFAULT_ADAM,
): void {
  const { beta1, beta2, epsilon } = adam;
  const stepSize = rate / (1 - beta1 ** step);
  const invSqrtBc2 = 1 / Math.sqrt(1 - beta2 ** step);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    if (rate > 0) param[i] -= stepSize * (m[i] / (Math.sqrt(v[i]) * invSqrtBc2 + epsilon));
  }
}
