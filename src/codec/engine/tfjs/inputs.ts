/**
 * Turns plain-typed-array batches into the tensors `forwardModel` takes, validating every length first.
 */
import * as tf from '@tensorflow/tfjs';
import { encodingOutputDim, type ModelConfig } from '../../model/config.js';
import type { PixelBatch } from '../types.js';
import { fourierFeatures, hashGridCorners, type SampleTimes } from './encoding.js';
import type { EncodingInput } from './forward.js';
import type { HashEncodingMode } from './hash-encoding.js';

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
 * levels only); the caller disposes the tensors (or runs inside tf.tidy).
 */
export function encodingInput(
  config: ModelConfig,
  coords: ArrayLike<number>,
  count: number,
  hashMode: HashEncodingMode,
  times: SampleTimes,
): EncodingInput {
  const enc = config.encoding;
  if (enc.otype === 'HashGrid')
    return { otype: 'HashGrid', corners: hashGridCorners(enc, coords, count, times), mode: hashMode };
  return {
    otype: 'Fourier',
    features: tf.tensor2d(fourierFeatures(enc, coords, count), [count, encodingOutputDim(enc)], 'float32'),
  };
}
