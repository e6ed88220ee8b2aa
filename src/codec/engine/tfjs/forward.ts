/**
 * The Latent-INR forward pass as a tfjs graph (spec §4.3): encoding → base MLP whose modulated layers use
 * W_t = sigmoid(P·Q) ∘ W from each frame's hypernetwork → RGB, or → patch channels → 3×3 conv (pixel-shuffle
 * channel order). Samples are grouped by frame: rows f·P … f·P + P − 1 belong to frame f.
 */
import * as tf from '@tensorflow/tfjs';
import { baseLayerShapes, type ModelConfig } from '../../model/config.js';
import type { HashGridCorners } from './encoding.js';
import { type HashEncodingMode, hashEncode } from './hash-encoding.js';
import { dense } from './ops.js';

/** Variables by parameter name; `encoding` is the stacked hash table. */
export interface ModelTensors {
  get(name: string): tf.Tensor;
}

export type EncodingInput =
  | {
      otype: 'HashGrid';
      corners: HashGridCorners;
      mode: HashEncodingMode;
      /** With a warp: `corners.weight` as a tensor that carries the gradient to the latents. */
      weight?: tf.Tensor2D;
    }
  | { otype: 'Fourier'; features: tf.Tensor2D };

export interface ForwardInput {
  /** Latent of each frame group, [F, D]. */
  z: tf.Tensor2D;
  /** Samples per frame (P). */
  perFrame: number;
  encoding: EncodingInput;
  /** Patch models: centroid tile shape, P = width · height. */
  tile?: { width: number; height: number };
}

/** [F·P, 3] RGB (or [F·P, 3p²] conv channels for patch models), before clamping. */
export function forwardModel(config: ModelConfig, params: ModelTensors, input: ForwardInput): tf.Tensor2D {
  const frames = input.z.shape[0];
  const count = frames * input.perFrame;
  let h = encode(config, params, input.encoding, count);
  const shapes = baseLayerShapes(config);
  const modulated = new Set(config.modulation.layers);
  for (let i = 0; i < shapes.length; i++) {
    const bias = params.get(`base.${i}.bias`) as tf.Tensor1D;
    if (modulated.has(i)) {
      const wt = modulatedWeights(config, params, i, shapes[i], input.z);
      // One 2D matMul per frame: on tfjs-wasm this is ~2x faster than a batched 3D matMul.
      // (tfjs's Unpack gradient breaks on a single output, so one frame takes the reshape path.)
      const perFrame = frames === 1 ? [h] : tf.split(h, frames, 0);
      const frameWeights =
        frames === 1 ? [tf.reshape(wt, shapes[i]) as tf.Tensor2D] : (tf.unstack(wt, 0) as tf.Tensor2D[]);
      const outputs = perFrame.map((rows, f) => dense(rows as tf.Tensor2D, frameWeights[f], bias));
      h = frames === 1 ? outputs[0] : tf.concat(outputs, 0);
    } else {
      h = dense(h, params.get(`base.${i}.weight`) as tf.Tensor2D, bias);
    }
    if (i + 1 < shapes.length) h = tf.relu(h);
  }
  return config.patch ? patchHead(config, params, h, frames, input) : h;
}

function encode(config: ModelConfig, params: ModelTensors, input: EncodingInput, count: number): tf.Tensor2D {
  if (input.otype === 'Fourier') return input.features;
  if (config.encoding.otype !== 'HashGrid') throw new Error('hash-grid input for a non hash-grid model');
  const lookup = {
    corners: input.corners,
    count,
    levels: config.encoding.n_levels,
    features: config.encoding.n_features_per_level,
  };
  return hashEncode(params.get('encoding') as tf.Tensor2D, lookup, input.mode, input.weight);
}

/** [F, out, in]: sigmoid(P·Q) ∘ W for every frame's latent. */
function modulatedWeights(
  config: ModelConfig,
  params: ModelTensors,
  layer: number,
  [out, inp]: [number, number],
  z: tf.Tensor2D,
): tf.Tensor3D {
  const frames = z.shape[0];
  const rank = config.modulation.rank;
  const depth = config.modulation.hyper_hidden.length + 1;
  let a: tf.Tensor2D = z;
  for (let j = 0; j < depth; j++) {
    const weight = params.get(`hyper.${layer}.${j}.weight`) as tf.Tensor2D;
    a = dense(a, weight, params.get(`hyper.${layer}.${j}.bias`) as tf.Tensor1D);
    if (j + 1 < depth) a = tf.tanh(a);
  }
  const p = tf.reshape(tf.slice(a, [0, 0], [frames, out * rank]), [frames, out, rank]) as tf.Tensor3D;
  const q = tf.reshape(tf.slice(a, [0, out * rank], [frames, rank * inp]), [
    frames,
    rank,
    inp,
  ]) as tf.Tensor3D;
  return tf.mul(tf.sigmoid(tf.matMul(p, q)), params.get(`base.${layer}.weight`)) as tf.Tensor3D;
}

/**
 * 3×3 zero-padded convolution over each frame's centroid tile, written as im2col + linear so its weight gradient
 * needs no Conv2DBackpropFilter kernel (absent from tfjs-backend-wasm).
 */
function patchHead(
  config: ModelConfig,
  params: ModelTensors,
  h: tf.Tensor2D,
  frames: number,
  input: ForwardInput,
) {
  const { channels, size } = config.patch!;
  const tile = input.tile;
  if (!tile || tile.width * tile.height !== input.perFrame)
    throw new Error('patch models need a tile of P centroids');
  const map = tf.reshape(h, [frames, tile.height, tile.width, channels]);
  const padded = tf.pad(map, [
    [0, 0],
    [1, 1],
    [1, 1],
    [0, 0],
  ]);
  const taps: tf.Tensor[] = [];
  for (let ky = 0; ky < 3; ky++) {
    for (let kx = 0; kx < 3; kx++)
      taps.push(tf.slice(padded, [0, ky, kx, 0], [frames, tile.height, tile.width, channels]));
  }
  const columns = tf.reshape(tf.concat(taps, 3), [frames * input.perFrame, 9 * channels]) as tf.Tensor2D;
  const outChannels = 3 * size * size;
  // [O, C, 3, 3] → [O, 3, 3, C] so a row matches the (ky, kx, c) order of the columns.
  const kernel = tf.reshape(tf.transpose(params.get('patch.conv.weight'), [0, 2, 3, 1]), [
    outChannels,
    9 * channels,
  ]);
  return dense(columns, kernel as tf.Tensor2D, params.get('patch.conv.bias') as tf.Tensor1D);
}
