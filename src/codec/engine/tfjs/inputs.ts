/**
 * Turns plain-typed-array batches into the tensors `forwardModel` takes, validating every length first.
 */
import * as tf from '@tensorflow/tfjs';
import { encodingOutputDim, type ModelConfig } from '../../model/config.js';
import type { PixelBatch } from '../types.js';
import { fourierFeatures, fourierSlopes, hashGridCorners, type SampleTimes } from './encoding.js';
import type { EncodingInput } from './forward.js';
import type { HashEncodingMode } from './hash-encoding.js';
import type { WarpedBatch } from './warp.js';

/** Output values per sample: 3, or 3·p² for patch models. */
export function outputChannels(config: ModelConfig): number {
  return config.patch ? 3 * config.patch.size * config.patch.size : 3;
}

/** Throws a RangeError naming the first inconsistent field of `batch`. */
export function validateBatch(config: ModelConfig, frames: number, batch: PixelBatch): void {
  const f = batch.frameIndex.length;
  const p = batch.pixelsPerFrame;
  if (f < 1) throw new RangeError('batch.frameIndex is empty');
  if (!Number.isInteger(p) || p < 1)
    throw new RangeError(`batch.pixelsPerFrame must be a positive integer, got ${p}`);
  for (let i = 0; i < f; i++) {
    const t = batch.frameIndex[i];
    if (t < 0 || t >= frames)
      throw new RangeError(`batch.frameIndex[${i}] = ${t} is outside the ${frames} latent rows`);
  }
  if (batch.coords.length !== f * p * 2) {
    throw new RangeError(`batch.coords has ${batch.coords.length} values, expected F·P·2 = ${f * p * 2}`);
  }
  const values = f * p * outputChannels(config);
  if (batch.target.length !== values) {
    throw new RangeError(`batch.target has ${batch.target.length} values, expected ${values}`);
  }
  if (batch.weight !== undefined) {
    const w = batch.weight;
    if (!(w instanceof Float32Array) || w.length !== f * p)
      throw new RangeError(`batch.weight must be a Float32Array of F·P = ${f * p} values`);
  }
  if (config.patch) {
    const { tileWidth, tileHeight } = batch;
    if (!tileWidth || !tileHeight || tileWidth * tileHeight !== p) {
      throw new RangeError(
        `patch batches need tileWidth·tileHeight = pixelsPerFrame (${tileWidth}·${tileHeight} ≠ ${p})`,
      );
    }
  }
}

/**
 * Encoding inputs for `count` (x, y) pairs at normalised frame times `times` (read by spatio-temporal hash-grid
 * levels only); the caller disposes the tensors (or runs inside tf.tidy). With `warp` (warp.ts) the coordinates
 * are its warped ones and the encoding carries their gradient to the latents.
 */
export function encodingInput(
  config: ModelConfig,
  coords: ArrayLike<number>,
  count: number,
  hashMode: HashEncodingMode,
  times: SampleTimes,
  warp?: WarpedBatch,
): EncodingInput {
  const enc = config.encoding;
  if (enc.otype === 'HashGrid') {
    const corners = hashGridCorners(enc, coords, count, times, warp !== undefined);
    if (!warp) return { otype: 'HashGrid', corners, mode: hashMode };
    const shape: [number, number] = [count, enc.n_levels * corners.corners];
    const weight = withSlopes(tf.tensor2d(corners.weight, shape), corners.slopeX!, corners.slopeY!, warp);
    return { otype: 'HashGrid', corners, mode: hashMode, weight };
  }
  const shape: [number, number] = [count, encodingOutputDim(enc)];
  const features = tf.tensor2d(fourierFeatures(enc, coords, count), shape, 'float32');
  if (!warp) return { otype: 'Fourier', features };
  const slopes = fourierSlopes(enc, coords, count);
  return { otype: 'Fourier', features: withSlopes(features, slopes.x, slopes.y, warp) };
}

/** value + slopeX·δx' + slopeY·δy': the same values, with the warp's gradient. */
function withSlopes(value: tf.Tensor2D, slopeX: Float32Array, slopeY: Float32Array, warp: WarpedBatch) {
  const shape = value.shape;
  const sx = tf.mul(tf.tensor2d(slopeX, shape), warp.dx);
  const sy = tf.mul(tf.tensor2d(slopeY, shape), warp.dy);
  return tf.add(value, tf.add(sx, sy)) as tf.Tensor2D;
}
