/** Small configs for tests: fast to render, and they exercise every code path. */
import { applyAspect, hashGrid, type ModelConfig } from '../../../src/codec/model/config.js';

export function fourierConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
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
    modulation: { layers: [1], rank: 2, hyper_hidden: [6], activation: 'Tanh' },
    latent: { dim: 4, init_std: 0.5 },
    patch: null,
    ...overrides,
  };
}

/** Hash grid with dense and hashed levels, width 12 (not a multiple of 4), two modulated layers incl. layer 0. */
export function hashConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  return {
    version: 1,
    encoding: hashGrid(4, 2, 6, 2, 32),
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 12,
      n_hidden_layers: 3,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [0, 2], rank: 3, hyper_hidden: [5], activation: 'Tanh' },
    latent: { dim: 5, init_std: 0.5 },
    patch: null,
    ...overrides,
  };
}

/** hashConfig with cells square on a 13×7 frame: every level has fewer cells down than across. */
export function aspectHashConfig(): ModelConfig {
  const config = hashConfig();
  if (config.encoding.otype === 'HashGrid') applyAspect(config.encoding, 13, 7);
  return config;
}
