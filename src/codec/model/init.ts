/**
 * Initial parameters of a Latent-INR model, deterministic for a seed. One RNG stream fills every tensor in
 * `paramSpecs` order, element by element, so any engine or platform starts from the same weights.
 *
 * - latents ~ N(0, init_std²) (paper: small Gaussian), except the warp's components (warp.ts), which start at 0;
 * - hash-grid tables ~ U(−1e-4, 1e-4) (instant-NGP);
 * - base weights He-uniform U(±sqrt(6/in)), biases 0; a modulated layer's weights are doubled because
 *   sigmoid(P·Q) ≈ 0.5 at the start would otherwise halve them and shrink the activations layer by layer;
 * - hypernetwork weights and biases U(±1/sqrt(in)) (PyTorch Linear default), so P and Q start non-zero
 *   (P = Q = 0 is a saddle point where neither receives gradient);
 * - patch conv weights and bias U(±1/sqrt(C·9)) (PyTorch Conv2d default: kaiming_uniform with a = sqrt(5)).
 */

import { createRng, type Rng } from '../util/random.js';
import type { ModelConfig } from './config.js';
import { createParamSet, type ParamSet, type ParamSpec, paramSpecs } from './params.js';
import { zeroWarpLatents } from './warp.js';

export const HASH_TABLE_INIT_RANGE = 1e-4;

export function initParams(config: ModelConfig, frames: number, seed: number): ParamSet {
  if (!Number.isInteger(frames) || frames < 1) {
    throw new RangeError(`initParams: frames must be a positive integer, got ${frames}`);
  }
  const specs = paramSpecs(config, frames);
  const params = createParamSet(specs);
  const rng = createRng(seed);
  const modulated = new Set(config.modulation.layers);
  for (const spec of specs) fillTensor(params.get(spec.name)!.data, spec, config, modulated, rng);
  return params;
}

function fillTensor(
  data: Float32Array,
  spec: ParamSpec,
  config: ModelConfig,
  modulated: ReadonlySet<number>,
  rng: Rng,
): void {
  const fanIn = spec.shape.length > 1 ? spec.shape.slice(1).reduce((a, b) => a * b, 1) : 0;
  switch (spec.group) {
    case 'latents': {
      const std = config.latent.init_std;
      for (let i = 0; i < data.length; i++) data[i] = std * rng.normal();
      zeroWarpLatents(config, data);
      return;
    }
    case 'encoding':
      fillUniform(data, HASH_TABLE_INIT_RANGE, rng);
      return;
    case 'base': {
      if (spec.name.endsWith('.bias')) return; // zeros
      const layer = Number(spec.name.split('.')[1]);
      const scale = modulated.has(layer) ? 2 : 1;
      fillUniform(data, scale * Math.sqrt(6 / fanIn), rng);
      return;
    }
    case 'hyper':
    case 'patch': {
      // Biases use the fan-in of their layer's weight, which precedes them in spec order.
      const weightFanIn = spec.name.endsWith('.bias') ? biasFanIn(spec, config) : fanIn;
      fillUniform(data, 1 / Math.sqrt(weightFanIn), rng);
      return;
    }
  }
}

function biasFanIn(bias: ParamSpec, config: ModelConfig): number {
  if (bias.group === 'patch') return config.patch!.channels * 9;
  // hyper.{l}.{j}.bias: input width of hypernet layer j.
  const j = Number(bias.name.split('.')[2]);
  return [config.latent.dim, ...config.modulation.hyper_hidden][j];
}

function fillUniform(data: Float32Array, bound: number, rng: Rng): void {
  for (let i = 0; i < data.length; i++) data[i] = bound * (2 * rng.next() - 1);
}
