/**
 * Named parameters of a Latent-INR model. Every engine, the reference decoder and the bitstream use these
 * names, shapes and this order; a model is a `ParamSet` plus its `ModelConfig`.
 */
import { baseLayerShapes, hashLevelRows, type ModelConfig } from './config.js';

export type ParamGroup = 'latents' | 'encoding' | 'base' | 'hyper' | 'patch';

export interface ParamSpec {
  name: string;
  shape: number[];
  group: ParamGroup;
}

export interface Tensor {
  shape: number[];
  data: Float32Array;
}

/** Parameters by name; iteration order is `paramSpecs` order when built with `createParamSet`. */
export type ParamSet = Map<string, Tensor>;

export function tensorSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * Names and shapes, in canonical order:
 * - `latents` [frames, D]
 * - `encoding.level{l}` [rows_l, F] for each hash-grid level (none for Fourier features)
 * - `base.{i}.weight` [out, in], `base.{i}.bias` [out] for each base layer i
 * - `hyper.{l}.{j}.weight` [out, in], `hyper.{l}.{j}.bias` [out] for each modulated layer l and hypernet layer j;
 *   the last hypernet layer outputs rank·(out_l + in_l) values: P (out_l×rank, row-major) then Q (rank×in_l)
 * - `patch.conv.weight` [3·p², C, 3, 3], `patch.conv.bias` [3·p²] (patch variant only)
 */
export function paramSpecs(config: ModelConfig, frames: number): ParamSpec[] {
  const specs: ParamSpec[] = [{ name: 'latents', shape: [frames, config.latent.dim], group: 'latents' }];
  const enc = config.encoding;
  if (enc.otype === 'HashGrid') {
    for (let l = 0; l < enc.n_levels; l++) {
      specs.push({
        name: `encoding.level${l}`,
        shape: [hashLevelRows(enc, l), enc.n_features_per_level],
        group: 'encoding',
      });
    }
  }
  const shapes = baseLayerShapes(config);
  shapes.forEach(([out, inp], i) => {
    specs.push({ name: `base.${i}.weight`, shape: [out, inp], group: 'base' });
    specs.push({ name: `base.${i}.bias`, shape: [out], group: 'base' });
  });
  for (const l of config.modulation.layers) {
    const [out, inp] = shapes[l];
    const widths = [
      config.latent.dim,
      ...config.modulation.hyper_hidden,
      config.modulation.rank * (out + inp),
    ];
    for (let j = 0; j + 1 < widths.length; j++) {
      specs.push({ name: `hyper.${l}.${j}.weight`, shape: [widths[j + 1], widths[j]], group: 'hyper' });
      specs.push({ name: `hyper.${l}.${j}.bias`, shape: [widths[j + 1]], group: 'hyper' });
    }
  }
  if (config.patch) {
    const { size, channels } = config.patch;
    specs.push({ name: 'patch.conv.weight', shape: [3 * size * size, channels, 3, 3], group: 'patch' });
    specs.push({ name: 'patch.conv.bias', shape: [3 * size * size], group: 'patch' });
  }
  return specs;
}

export function parameterCount(config: ModelConfig, frames: number): number {
  return paramSpecs(config, frames).reduce((n, s) => n + tensorSize(s.shape), 0);
}

export function createParamSet(specs: readonly ParamSpec[]): ParamSet {
  const set: ParamSet = new Map();
  for (const s of specs)
    set.set(s.name, { shape: [...s.shape], data: new Float32Array(tensorSize(s.shape)) });
  return set;
}

export function getParam(params: ParamSet, name: string): Tensor {
  const t = params.get(name);
  if (!t) throw new Error(`model parameter '${name}' is missing`);
  return t;
}

export function cloneParamSet(params: ParamSet): ParamSet {
  const out: ParamSet = new Map();
  for (const [k, t] of params) out.set(k, { shape: [...t.shape], data: t.data.slice() });
  return out;
}
