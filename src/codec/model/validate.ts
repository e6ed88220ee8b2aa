/**
 * Structural checks of a ModelConfig that may come from untrusted bytes: every field the model math reads is
 * present, of the right type and within limits that keep parameter specs and scratch buffers small, before
 * anything is sized from it.
 */
import type { ModelConfig, WarpConfig } from './config.js';
import { ModelError } from './errors.js';
import { WARP_OTYPES, warpLatentDims } from './warp.js';

export const MODEL_LIMITS = {
  levels: 64,
  featuresPerLevel: 64,
  log2HashmapSize: 28,
  levelResolution: 1 << 24,
  sceneStarts: 4096,
  frequencies: 32,
  hiddenLayers: 64,
  neurons: 8192,
  rank: 8192,
  hyperLayers: 16,
  hyperWidth: 8192,
  latentDim: 65536,
  patchSize: 64,
  patchChannels: 4096,
  warpScale: 1,
} as const;

function fail(where: string, message: string): never {
  throw new ModelError('bad-config', where, message);
}

function int(value: unknown, where: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    fail(where, `expected an integer in ${min}..${max}, got ${describe(value)}`);
  }
  return value;
}

function describe(value: unknown): string {
  if (typeof value === 'string') return `'${value.slice(0, 40)}'`;
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}

function object(value: unknown, where: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(where, 'expected an object');
  return value as Record<string, unknown>;
}

function intArray(value: unknown, where: string, maxLength: number, min: number, max: number): number[] {
  if (!Array.isArray(value)) fail(where, `expected an array, got ${describe(value)}`);
  if (value.length > maxLength) fail(where, `at most ${maxLength} entries allowed, got ${value.length}`);
  return value.map((v, i) => int(v, `${where}[${i}]`, min, max));
}

/** One integer in min … 2^24 per hash-grid level: `levels` of them. */
function levelArray(value: unknown, where: string, levels: number, min: number): void {
  const out = intArray(value, where, MODEL_LIMITS.levels, min, MODEL_LIMITS.levelResolution);
  if (out.length !== levels) fail(where, `has ${out.length} entries but n_levels is ${levels}`);
}

function literal(value: unknown, where: string, expected: string): void {
  if (value !== expected) fail(where, `expected '${expected}', got ${describe(value)}`);
}

/** Throws a ModelError ('bad-config') naming the first field that is wrong; returns the config typed. */
export function validateModelConfig(input: unknown): ModelConfig {
  const c = object(input, 'config');
  if (c.version !== 1) fail('config.version', `unsupported version ${describe(c.version)} (expected 1)`);

  const enc = object(c.encoding, 'config.encoding');
  if (enc.otype === 'HashGrid') {
    const levels = int(enc.n_levels, 'config.encoding.n_levels', 1, MODEL_LIMITS.levels);
    int(enc.n_features_per_level, 'config.encoding.n_features_per_level', 1, MODEL_LIMITS.featuresPerLevel);
    int(enc.log2_hashmap_size, 'config.encoding.log2_hashmap_size', 1, MODEL_LIMITS.log2HashmapSize);
    levelArray(enc.level_resolutions, 'config.encoding.level_resolutions', levels, 1);
    if (enc.level_y_resolutions !== undefined) {
      levelArray(enc.level_y_resolutions, 'config.encoding.level_y_resolutions', levels, 1);
    }
    if (enc.level_time_resolutions !== undefined) {
      levelArray(enc.level_time_resolutions, 'config.encoding.level_time_resolutions', levels, 0);
    }
    if (enc.scene_starts !== undefined) {
      const where = 'config.encoding.scene_starts';
      const starts = intArray(
        enc.scene_starts,
        where,
        MODEL_LIMITS.sceneStarts,
        1,
        MODEL_LIMITS.levelResolution,
      );
      starts.forEach((s, i) => {
        if (i > 0 && s <= starts[i - 1])
          fail(`${where}[${i}]`, `must be above the previous start ${starts[i - 1]}, got ${s}`);
      });
    }
  } else if (enc.otype === 'Fourier') {
    int(enc.n_frequencies, 'config.encoding.n_frequencies', 0, MODEL_LIMITS.frequencies);
    if (typeof enc.include_input !== 'boolean') {
      fail('config.encoding.include_input', `expected a boolean, got ${describe(enc.include_input)}`);
    }
    if (enc.n_frequencies === 0 && !enc.include_input)
      fail('config.encoding', 'the Fourier encoding is empty');
  } else {
    fail(
      'config.encoding.otype',
      `unknown encoding ${describe(enc.otype)} (expected 'HashGrid' or 'Fourier')`,
    );
  }

  const base = object(c.base, 'config.base');
  literal(base.otype, 'config.base.otype', 'ModulatedMLP');
  int(base.n_neurons, 'config.base.n_neurons', 1, MODEL_LIMITS.neurons);
  const hidden = int(base.n_hidden_layers, 'config.base.n_hidden_layers', 1, MODEL_LIMITS.hiddenLayers);
  literal(base.activation, 'config.base.activation', 'ReLU');
  literal(base.output_activation, 'config.base.output_activation', 'None');

  const mod = object(c.modulation, 'config.modulation');
  // Base layers are 0..n_hidden_layers (n_hidden_layers + 1 layers in all).
  const layers = intArray(mod.layers, 'config.modulation.layers', hidden + 1, 0, hidden);
  if (new Set(layers).size !== layers.length) fail('config.modulation.layers', 'lists a layer twice');
  int(mod.rank, 'config.modulation.rank', 1, MODEL_LIMITS.rank);
  intArray(
    mod.hyper_hidden,
    'config.modulation.hyper_hidden',
    MODEL_LIMITS.hyperLayers,
    1,
    MODEL_LIMITS.hyperWidth,
  );
  literal(mod.activation, 'config.modulation.activation', 'Tanh');

  const latent = object(c.latent, 'config.latent');
  int(latent.dim, 'config.latent.dim', 1, MODEL_LIMITS.latentDim);
  if (typeof latent.init_std !== 'number' || !(latent.init_std >= 0) || !Number.isFinite(latent.init_std)) {
    fail('config.latent.init_std', `expected a finite number ≥ 0, got ${describe(latent.init_std)}`);
  }

  if (c.warp != null) {
    const warp = object(c.warp, 'config.warp');
    if (!(WARP_OTYPES as readonly unknown[]).includes(warp.otype)) {
      fail(
        'config.warp.otype',
        `unknown warp ${describe(warp.otype)} (expected ${WARP_OTYPES.map((o) => `'${o}'`).join(' or ')})`,
      );
    }
    if (typeof warp.scale !== 'number' || !(warp.scale > 0 && warp.scale <= MODEL_LIMITS.warpScale)) {
      fail(
        'config.warp.scale',
        `expected a number in (0, ${MODEL_LIMITS.warpScale}], got ${describe(warp.scale)}`,
      );
    }
    const dims = warpLatentDims(warp as unknown as WarpConfig);
    if ((latent.dim as number) < dims) {
      fail(
        'config.warp',
        `a '${String(warp.otype)}' warp reads ${dims} latent components but config.latent.dim is ${String(latent.dim)}`,
      );
    }
  }

  if (c.patch != null) {
    const patch = object(c.patch, 'config.patch');
    int(patch.size, 'config.patch.size', 1, MODEL_LIMITS.patchSize);
    int(patch.channels, 'config.patch.channels', 1, MODEL_LIMITS.patchChannels);
  }
  return input as ModelConfig;
}
