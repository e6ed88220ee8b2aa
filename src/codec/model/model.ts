/**
 * A model checked against its config and unpacked into the typed arrays the forward pass reads, so the
 * per-pixel code never looks anything up by name.
 */
import { baseLayerShapes, type ModelConfig } from './config.js';
import { ModelError } from './errors.js';
import { type ParamSet, paramSpecs, tensorSize } from './params.js';
import { validateModelConfig } from './validate.js';

/** y = W·x + b with W row-major [outDim, inDim]. */
export interface DenseLayer {
  outDim: number;
  inDim: number;
  weight: Float32Array;
  bias: Float32Array;
}

export interface HyperNetwork {
  /** Index of the base layer this hypernetwork modulates. */
  layer: number;
  /** tanh after every layer but the last. */
  layers: DenseLayer[];
}

export interface PreparedModel {
  config: ModelConfig;
  frames: number;
  latentDim: number;
  /** [frames, latentDim] row-major. */
  latents: Float32Array;
  /** Hash-grid tables per level, [rows_l, F] row-major; empty for Fourier encodings. */
  hashTables: Float32Array[];
  base: DenseLayer[];
  hyper: HyperNetwork[];
  patch: { size: number; channels: number; weight: Float32Array; bias: Float32Array } | null;
}

export interface Model {
  config: ModelConfig;
  params: ParamSet;
}

/**
 * Validates the config and that `params` holds exactly the tensors `paramSpecs` names, with those shapes and
 * Float32Array data of matching length; throws a ModelError naming the first problem.
 */
export function prepareModel(model: Model): PreparedModel {
  const config = validateModelConfig(model.config);
  const params = model.params;
  if (!(params instanceof Map)) throw new ModelError('missing-param', 'params', 'expected a Map of tensors');
  const latentsTensor = params.get('latents');
  if (!latentsTensor) throw new ModelError('missing-param', 'latents', 'model parameter is missing');
  const frames = latentsTensor.shape?.[0];
  if (!Number.isInteger(frames) || frames < 1) {
    throw new ModelError('bad-shape', 'latents', `needs at least one row, shape is [${latentsTensor.shape}]`);
  }

  const specs = paramSpecs(config, frames);
  const data = new Map<string, Float32Array>();
  for (const spec of specs) {
    const t = params.get(spec.name);
    if (!t) throw new ModelError('missing-param', spec.name, 'model parameter is missing');
    const shapeOk =
      Array.isArray(t.shape) &&
      t.shape.length === spec.shape.length &&
      t.shape.every((d, i) => d === spec.shape[i]);
    if (!shapeOk) {
      throw new ModelError(
        'bad-shape',
        spec.name,
        `shape [${t.shape}] differs from the config's [${spec.shape}]`,
      );
    }
    if (!(t.data instanceof Float32Array) || t.data.length !== tensorSize(spec.shape)) {
      throw new ModelError(
        'bad-shape',
        spec.name,
        `data must be a Float32Array of ${tensorSize(spec.shape)} values`,
      );
    }
    data.set(spec.name, t.data);
  }
  if (params.size !== specs.length) {
    const unknown = [...params.keys()].find((k) => !data.has(k));
    throw new ModelError('bad-shape', unknown ?? 'params', 'parameter is not part of this config');
  }

  const shapes = baseLayerShapes(config);
  const base = shapes.map(([outDim, inDim], i) => ({
    outDim,
    inDim,
    weight: data.get(`base.${i}.weight`)!,
    bias: data.get(`base.${i}.bias`)!,
  }));
  const hyper = config.modulation.layers.map((layer) => {
    const [out, inp] = shapes[layer];
    const widths = [
      config.latent.dim,
      ...config.modulation.hyper_hidden,
      config.modulation.rank * (out + inp),
    ];
    const layers: DenseLayer[] = [];
    for (let j = 0; j + 1 < widths.length; j++) {
      layers.push({
        outDim: widths[j + 1],
        inDim: widths[j],
        weight: data.get(`hyper.${layer}.${j}.weight`)!,
        bias: data.get(`hyper.${layer}.${j}.bias`)!,
      });
    }
    return { layer, layers };
  });
  const enc = config.encoding;
  const hashTables: Float32Array[] = [];
  if (enc.otype === 'HashGrid')
    for (let l = 0; l < enc.n_levels; l++) hashTables.push(data.get(`encoding.level${l}`)!);
  const patch = config.patch
    ? {
        size: config.patch.size,
        channels: config.patch.channels,
        weight: data.get('patch.conv.weight')!,
        bias: data.get('patch.conv.bias')!,
      }
    : null;
  return {
    config,
    frames,
    latentDim: config.latent.dim,
    latents: data.get('latents')!,
    hashTables,
    base,
    hyper,
    patch,
  };
}
