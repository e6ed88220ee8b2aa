/**
 * Hypernetworks and low-rank modulation, spec §4.3.4: z → v = h_l(z) → P (out×r), Q (r×in) →
 * M = sigmoid(P·Q) → W_t = M ∘ W. Runs once per frame, so clarity beats blocking here.
 */
import type { DenseLayer, HyperNetwork, PreparedModel } from './model.js';

/** The hypernetwork's linear output v (length rank·(out + in)); tanh after every layer but the last. */
export function hyperForward(layers: readonly DenseLayer[], z: Float32Array): Float32Array {
  let h = z;
  layers.forEach((layer, j) => {
    const last = j === layers.length - 1;
    const next = new Float32Array(layer.outDim);
    for (let o = 0; o < layer.outDim; o++) {
      let s = layer.bias[o];
      const row = o * layer.inDim;
      for (let i = 0; i < layer.inDim; i++) s += layer.weight[row + i] * h[i];
      next[o] = last ? s : Math.tanh(s);
    }
    h = next;
  });
  return h;
}

/** M = sigmoid(P·Q), [outDim, inDim] row-major, with P = v[0 : out·r] (out×r) and Q = v[out·r :] (r×in). */
export function modulationMask(v: Float32Array, outDim: number, inDim: number, rank: number): Float32Array {
  const q0 = outDim * rank;
  const mask = new Float32Array(outDim * inDim);
  const acc = new Float64Array(inDim);
  for (let o = 0; o < outDim; o++) {
    acc.fill(0);
    for (let r = 0; r < rank; r++) {
      const p = v[o * rank + r];
      const q = q0 + r * inDim;
      for (let i = 0; i < inDim; i++) acc[i] += p * v[q + i];
    }
    for (let i = 0; i < inDim; i++) mask[o * inDim + i] = 1 / (1 + Math.exp(-acc[i]));
  }
  return mask;
}

/** W_t = sigmoid(P·Q) ∘ W for one modulated layer and latent z. */
export function modulatedWeight(
  base: DenseLayer,
  hyper: HyperNetwork,
  rank: number,
  z: Float32Array,
): Float32Array {
  const mask = modulationMask(hyperForward(hyper.layers, z), base.outDim, base.inDim, rank);
  for (let k = 0; k < mask.length; k++) mask[k] *= base.weight[k];
  return mask;
}

/** The weight every base layer uses for latent z: modulated layers get W_t, the others their shared W. */
export function frameWeights(model: PreparedModel, z: Float32Array): Float32Array[] {
  const weights = model.base.map((layer) => layer.weight);
  for (const h of model.hyper) {
    weights[h.layer] = modulatedWeight(model.base[h.layer], h, model.config.modulation.rank, z);
  }
  return weights;
}
