/**
 * Differentiable building blocks whose stock tfjs gradients are slow or missing on the wasm backend.
 */
import * as tf from '@tensorflow/tfjs';

/**
 * y = x · Wᵀ for x [N, in] and W [out, in] (the [out, in] row-major convention of the model).
 * Forward and backward use explicit transposes and plain matMuls: on tfjs-wasm the transposeA/B flags of
 * matMul are several times slower than a transpose followed by a plain matMul (a w=128 MLP step on a 16k batch
 * measured 860 ms with the flags, 335 ms with this).
 */
export const linear = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.matMul(x, tf.transpose(w)),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor2D;
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      return [tf.matMul(g, ws), tf.matMul(tf.transpose(g), xs)];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D) => tf.Tensor2D;

/**
 * Rows `indices` of `table` [rows, C] → [indices.length, C]. The gradient scatter-adds into the table
 * (duplicate indices accumulate) through scatterND, because tf.gather's own gradient needs the
 * UnsortedSegmentSum kernel, which tfjs-backend-wasm does not implement.
 */
export function gatherRows(table: tf.Tensor2D, indices: tf.Tensor1D): tf.Tensor2D {
  const [rows, channels] = table.shape;
  const op = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
    const [t, save] = args as [tf.Tensor2D, tf.GradSaveFunc];
    // Saved, because tensors made in the forward scope are disposed before the backward pass runs.
    save([indices]);
    return {
      value: tf.gather(t, indices),
      gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
        const index2d = tf.reshape(saved[0], [indices.shape[0], 1]);
        return [tf.scatterND(index2d, dy as tf.Tensor, [rows, channels])];
      },
    };
  });
  return op(table) as tf.Tensor2D;
}

/**
 * y = x · Wᵀ + b, with `linear`'s explicit-transpose gradients; the bias gradient Σ_rows dy is a [1, N] × [N, out]
 * matMul, because tfjs-wasm reduces over a non-last axis by transposing first (14 ms vs 0.3 ms on 16k × 64).
 */
export const dense = tf.customGrad((...args: Array<tf.Tensor | tf.GradSaveFunc>) => {
  const [x, w, b, save] = args as [tf.Tensor2D, tf.Tensor2D, tf.Tensor1D, tf.GradSaveFunc];
  save([x, w]);
  return {
    value: tf.add(tf.matMul(x, tf.transpose(w)), b),
    gradFunc: (dy: tf.Tensor | tf.Tensor[], saved: tf.Tensor[]) => {
      const g = dy as tf.Tensor2D;
      const [xs, ws] = saved as [tf.Tensor2D, tf.Tensor2D];
      const ones = tf.ones([1, g.shape[0]]) as tf.Tensor2D;
      return [tf.matMul(g, ws), tf.matMul(tf.transpose(g), xs), tf.reshape(tf.matMul(ones, g), [g.shape[1]])];
    },
  };
}) as (x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D) => tf.Tensor2D;
