/**
 * The native engine keeps every parameter in one flat Float32Array, tensors in `paramSpecs` order. This module
 * computes where each tensor lives and the numeric descriptor the addon parses (native/src/model.cc), and
 * moves ParamSets in and out of the flat form.
 */
import {
  baseLayerShapes,
  encodingOutputDim,
  levelTimeResolution,
  levelYResolution,
  type ModelConfig,
} from '../../model/config.js';
import {
  type ParamGroup,
  type ParamSet,
  type ParamSpec,
  paramSpecs,
  tensorSize,
} from '../../model/params.js';

/** Group ids as the addon numbers them; also the order of its per-group learning-rate array. */
export const GROUP_IDS: Record<ParamGroup, number> = { latents: 0, encoding: 1, base: 2, hyper: 3, patch: 4 };
export const GROUP_ORDER: readonly ParamGroup[] = ['latents', 'encoding', 'base', 'hyper', 'patch'];

export interface FlatTensor extends ParamSpec {
  offset: number;
  size: number;
}

export interface NativeLayout {
  config: ModelConfig;
  frames: number;
  tensors: FlatTensor[];
  byName: Map<string, FlatTensor>;
  total: number;
  /** Output channels of the base network (3 for RGB). */
  channels: number;
  descriptor: Float64Array;
}

const DESCRIPTOR_VERSION = 5;
/** Warp kinds as the addon numbers them (model.h WarpKind). */
const WARP_KINDS = { Translation: 1, Affine: 2 } as const;

export function nativeLayout(config: ModelConfig, frames: number): NativeLayout {
  if (config.patch) throw new Error('native engine: patch models are not supported (use the tfjs engine)');
  const specs = paramSpecs(config, frames);
  const tensors: FlatTensor[] = [];
  let total = 0;
  for (const s of specs) {
    const size = tensorSize(s.shape);
    tensors.push({ ...s, offset: total, size });
    total += size;
  }
  const byName = new Map(tensors.map((t) => [t.name, t]));
  const at = (name: string) => {
    const t = byName.get(name);
    if (!t) throw new Error(`native layout: tensor '${name}' missing from paramSpecs`);
    return t.offset;
  };
  const shapes = baseLayerShapes(config);
  const mods = config.modulation.layers;
  const enc = config.encoding;
  const d: number[] = [
    DESCRIPTOR_VERSION,
    enc.otype === 'HashGrid' ? 0 : 1,
    encodingOutputDim(enc),
    config.latent.dim,
    frames,
    config.modulation.rank,
    shapes.length,
    mods.length,
    tensors.length,
    total,
    at('latents'),
    config.warp ? WARP_KINDS[config.warp.otype] : 0,
    config.warp ? config.warp.scale : 0,
  ];
  if (enc.otype === 'HashGrid') {
    const starts = enc.scene_starts ?? [];
    d.push(enc.n_levels, enc.n_features_per_level, enc.log2_hashmap_size, starts.length, ...starts);
    for (let l = 0; l < enc.n_levels; l++) {
      const t = byName.get(`encoding.level${l}`)!;
      d.push(
        enc.level_resolutions[l],
        levelYResolution(enc, l),
        levelTimeResolution(enc, l),
        t.shape[0],
        t.offset,
      );
    }
  } else {
    d.push(enc.n_frequencies, enc.include_input ? 1 : 0);
  }
  shapes.forEach(([out, inp], i) => {
    d.push(out, inp, at(`base.${i}.weight`), at(`base.${i}.bias`));
  });
  for (const l of mods) {
    const hyper = tensors.filter((t) => t.name.startsWith(`hyper.${l}.`) && t.name.endsWith('.weight'));
    d.push(l, hyper.length);
    hyper.forEach((_, j) => {
      const w = byName.get(`hyper.${l}.${j}.weight`)!;
      d.push(w.shape[0], w.shape[1], w.offset, at(`hyper.${l}.${j}.bias`));
    });
  }
  for (const t of tensors) d.push(t.offset, t.size, GROUP_IDS[t.group]);
  return {
    config,
    frames,
    tensors,
    byName,
    total,
    channels: shapes[shapes.length - 1][0],
    descriptor: Float64Array.from(d),
  };
}

/** Copies a ParamSet into the flat layout, checking every tensor's presence, shape and length. */
export function packParams(layout: NativeLayout, params: ParamSet, what = 'params'): Float32Array {
  if (!(params instanceof Map)) throw new TypeError(`native engine: ${what} must be a Map of tensors`);
  const flat = new Float32Array(layout.total);
  for (const t of layout.tensors) {
    const p = params.get(t.name);
    if (!p) throw new Error(`native engine: ${what} lacks tensor '${t.name}'`);
    if (p.shape.length !== t.shape.length || p.shape.some((dim, i) => dim !== t.shape[i])) {
      throw new Error(
        `native engine: ${what} tensor '${t.name}' has shape [${p.shape}], expected [${t.shape}]`,
      );
    }
    if (!(p.data instanceof Float32Array) || p.data.length !== t.size) {
      throw new Error(`native engine: ${what} tensor '${t.name}' must be a Float32Array of ${t.size} values`);
    }
    flat.set(p.data, t.offset);
  }
  if (params.size !== layout.tensors.length) {
    const extra = [...params.keys()].find((k) => !layout.byName.has(k));
    throw new Error(`native engine: ${what} has tensor '${extra}' that this config does not define`);
  }
  return flat;
}

/** A fresh ParamSet (copies) from the flat layout, in `paramSpecs` order. */
export function unpackParams(layout: NativeLayout, flat: Float32Array): ParamSet {
  const out: ParamSet = new Map();
  for (const t of layout.tensors) {
    out.set(t.name, { shape: [...t.shape], data: flat.slice(t.offset, t.offset + t.size) });
  }
  return out;
}
