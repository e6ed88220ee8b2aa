/** Tiny models and batches shared by the engine tests. */

import type { PixelBatch } from '../../../src/codec/engine/types.js';
import { hashGrid, type ModelConfig } from '../../../src/codec/model/config.js';
import { initParams } from '../../../src/codec/model/init.js';
import type { ParamSet } from '../../../src/codec/model/params.js';
import { createRng } from '../../../src/codec/util/random.js';

/** Hash grid with one dense level (5² ≤ 64 rows) and one hashed level (13² > 64); modulates layers 0 and 2. */
export function tinyHashConfig(): ModelConfig {
  return {
    version: 1,
    encoding: hashGrid(2, 2, 6, 4, 12),
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 8,
      n_hidden_layers: 2,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [0, 2], rank: 2, hyper_hidden: [6], activation: 'Tanh' },
    latent: { dim: 5, init_std: 0.5 },
    patch: null,
  };
}

/** Fourier features, patch head (p = 2, C = 4), linear hypernetwork on layer 1. */
export function tinyPatchConfig(): ModelConfig {
  return {
    version: 1,
    encoding: { otype: 'Fourier', n_frequencies: 3, include_input: true },
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 8,
      n_hidden_layers: 2,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [1], rank: 3, hyper_hidden: [], activation: 'Tanh' },
    latent: { dim: 4, init_std: 0.5 },
    patch: { size: 2, channels: 4 },
  };
}

/**
 * Initial parameters with hash tables and output biases moved off their tiny/zero starting values, so every group
 * has gradients and outputs of a useful size (and the rendered image is not all clamped).
 */
export function livelyParams(config: ModelConfig, frames: number, seed: number): ParamSet {
  const params = initParams(config, frames, seed);
  const rng = createRng(seed + 1);
  for (const [name, t] of params) {
    if (name.startsWith('encoding.')) for (let i = 0; i < t.data.length; i++) t.data[i] = 0.5 * rng.normal();
    if (name.endsWith('.bias') && !name.startsWith('hyper')) {
      for (let i = 0; i < t.data.length; i++) t.data[i] = 0.5 + 0.1 * rng.normal();
    }
  }
  return params;
}

/** Random coordinates and targets; patch configs get a `tileWidth × tileHeight` grid of centroids per frame. */
export function randomBatch(
  config: ModelConfig,
  frameIndex: number[],
  perFrame: number,
  seed: number,
  tile?: { width: number; height: number },
): PixelBatch {
  const rng = createRng(seed);
  const f = frameIndex.length;
  const coords = new Float32Array(f * perFrame * 2);
  for (let n = 0; n < f * perFrame; n++) {
    if (tile) {
      const s = n % perFrame;
      coords[2 * n] = ((s % tile.width) + 0.5) / tile.width;
      coords[2 * n + 1] = (Math.floor(s / tile.width) + 0.5) / tile.height;
    } else {
      coords[2 * n] = rng.next();
      coords[2 * n + 1] = rng.next();
    }
  }
  const channels = config.patch ? 3 * config.patch.size ** 2 : 3;
  const target = new Float32Array(f * perFrame * channels);
  for (let i = 0; i < target.length; i++) target[i] = rng.next();
  return {
    frameIndex: Int32Array.from(frameIndex),
    pixelsPerFrame: perFrame,
    coords,
    target,
    tileWidth: tile?.width,
    tileHeight: tile?.height,
  };
}
