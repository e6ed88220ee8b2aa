/**
 * The hash-grid lookup feature_l = Σ_corners w · table[index] (spec §4.3.3) as a differentiable tfjs op, in two
 * interchangeable implementations (4 corner slots per level, or 8 when the grid has a spatio-temporal level):
 * - `graph`: gather + weighted sum in tfjs kernels, backward scatter-adds through scatterND. Keeps the data on
 *   the device, so it is the one for tfjs-node(-gpu).
 * - `host`: plain JS loops over the table's values, backward scatter-adds in JS. On tfjs-wasm the generic
 *   GatherV2 kernel costs ~75 ns per 2-float row and the corner sum needs a transpose, so this is several times
 *   faster there (see the report in engine.ts).
 * With a warp the weights depend on the latents: `weight` is then a tensor holding the values of
 * `corners.weight` through which their gradient flows (warp.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { HashGridCorners } from './encoding.js';
import { gatherRows } from './ops.js';

export type HashEncodingMode = 'graph' | 'host';

export interface HashLookup {
  corners: HashGridCorners;
  count: number;
  levels: number;
  features: number;
}

export function hashEncode(
  table: tf.Tensor2D,
  lookup: HashLookup,
  mode: HashEncodingMode,
  weight?: tf.Tensor,
): tf.Tensor2D {
  if (mode === 'graph') return graphEncode(table, lookup, weight);
  return weight ? hostEncodeWeighted(table, weight, lookup) : hostEncode(table, lookup);
}

function graphEncode(
  table: tf.Tensor2D,
  { corners, count, levels, features }: HashLookup,
  weightTensor?: tf.Tensor,
): tf.Tensor2D {
  const rows = gatherRows(table, tf.tensor1d(corners.index, 'int32'));
  const k = corners.corners;
  const shape = [count, levels, k, 1];
  const weight = weightTensor ? tf.reshape(weightTensor, shape) : tf.tensor(corners.weight, shape, 'float32');
  const weighted = tf.mul(tf.reshape(rows, [count, levels, k, features]), weight);
  return tf.reshape(tf.sum(weighted, 2), [count, levels * features]);
}

function hostEncode(table: tf.Tensor2D, lookup: HashLookup): tf.Tensor2D {
  const { count, levels, features } = lookup;
  const [rows] = table.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    save([]);
    const out = hostLookup(t.dataSync() as Float32Array, lookup);
    return {
      value: tf.tensor2d(out, [count, levels * features], 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const grad = hostScatter((dy as tf.Tensor).dataSync() as Float32Array, rows, lookup);
        return [tf.tensor2d(grad, [rows, features], 'float32')];
      },
    };
  });
  return op(table) as tf.Tensor2D;
}

/** hostEncode that also returns the gradient of the corner weights (their values are `corners.weight`). */
function hostEncodeWeighted(table: tf.Tensor2D, weight: tf.Tensor, lookup: HashLookup): tf.Tensor2D {
  const { count, levels, features } = lookup;
  const [rows] = table.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, , save] = args as [tf.Tensor2D, tf.Tensor, tf.GradSaveFunc];
    save([]);
    const values = t.dataSync() as Float32Array;
    return {
      value: tf.tensor2d(hostLookup(values, lookup), [count, levels * features], 'float32'),
      gradFunc: (dy: tf.Tensor | tf.Tensor[]) => {
        const g = (dy as tf.Tensor).dataSync() as Float32Array;
        return [
          tf.tensor2d(hostScatter(g, rows, lookup), [rows, features], 'float32'),
          tf.tensor(hostWeightGrad(g, values, lookup), weight.shape, 'float32'),
        ];
      },
    };
  });
  return op(table, weight) as tf.Tensor2D;
}

function hostLookup(table: Float32Array, { corners, count, levels, features }: HashLookup): Float32Array {
  const { index, weight, corners: k } = corners;
  const out = new Float32Array(count * levels * features);
  for (let nl = 0; nl < count * levels; nl++) {
    const base = nl * k;
    const o = nl * features;
    for (let f = 0; f < features; f++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += weight[base + c] * table[index[base + c] * features + f];
      out[o + f] = s;
    }
  }
  return out;
}

function hostScatter(
  dy: Float32Array,
  rows: number,
  { corners, count, levels, features }: HashLookup,
): Float32Array {
  const { index, weight, corners: k } = corners;
  const grad = new Float32Array(rows * features);
  for (let nl = 0; nl < count * levels; nl++) {
    const base = nl * k;
    const o = nl * features;
    for (let c = 0; c < k; c++) {
      const w = weight[base + c];
      if (k === 8 && w === 0) continue; // padding slots of static levels in a spatio-temporal grid
      const r = index[base + c] * features;
      for (let f = 0; f < features; f++) grad[r + f] += w * dy[o + f];
    }
  }
  return grad;
}

/** ∂loss/∂weight of every corner slot: Σ_f dy[n, l, f] · table[index, f]. */
function hostWeightGrad(
  dy: Float32Array,
  table: Float32Array,
  { corners, count, levels, features }: HashLookup,
): Float32Array {
  const { index, corners: k } = corners;
  const grad = new Float32Array(count * levels * k);
  for (let nl = 0; nl < count * levels; nl++) {
    const o = nl * features;
    for (let c = 0; c < k; c++) {
      const r = index[nl * k + c] * features;
      let s = 0;
      for (let f = 0; f < features; f++) s += dy[o + f] * table[r + f];
      grad[nl * k + c] = s;
    }
  }
  return grad;
}
