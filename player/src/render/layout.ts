/**
 * Where every number lives in the GPU buffers of one model: the parameters (all but the latents, packed in
 * `paramSpecs` order into one f32 buffer) and the per-frame scratch (latent z, hypernetwork activations,
 * P/Q outputs and the modulated weights W_t). Offsets are in f32 elements and baked into the shaders.
 */
import { baseLayerShapes, encodingOutputDim, type ModelConfig } from '../../../src/codec/model/config.js';
import { frameTau } from '../../../src/codec/model/encoding.js';
import { paramSpecs, tensorSize } from '../../../src/codec/model/params.js';
import type { DecodedParam } from '../decode/types.js';

export interface ParamLayout {
  offsets: Map<string, number>;
  sizes: Map<string, number>;
  totalFloats: number;
}

export interface HyperLayerLayout {
  inDim: number;
  outDim: number;
  weight: number;
  bias: number;
  /** Scratch offsets of this layer's input and output. */
  input: number;
  output: number;
  /** tanh after this layer (every hypernetwork layer but the last). */
  tanh: boolean;
}

export interface ModulatedLayout {
  /** Base layer index. */
  layer: number;
  outDim: number;
  inDim: number;
  rank: number;
  hyper: HyperLayerLayout[];
  /** Scratch offset of v = [P (out×r), Q (r×in)], and of W_t ([out, in]). */
  v: number;
  weightT: number;
}

export interface ScratchLayout {
  /** Scratch offset of the frame's latent z. */
  z: number;
  latentDim: number;
  modulated: ModulatedLayout[];
  totalFloats: number;
}

export interface BaseLayerLayout {
  outDim: number;
  inDim: number;
  /** Weight source: the parameter buffer, or W_t in the scratch buffer for modulated layers. */
  weightIn: 'params' | 'scratch';
  weight: number;
  bias: number;
  relu: boolean;
}

export interface ModelLayout {
  params: ParamLayout;
  scratch: ScratchLayout;
  base: BaseLayerLayout[];
  encodingDim: number;
}

export function paramLayout(config: ModelConfig): ParamLayout {
  const offsets = new Map<string, number>();
  const sizes = new Map<string, number>();
  let at = 0;
  for (const spec of paramSpecs(config, 1)) {
    if (spec.name === 'latents') continue;
    offsets.set(spec.name, at);
    sizes.set(spec.name, tensorSize(spec.shape));
    at += tensorSize(spec.shape);
  }
  return { offsets, sizes, totalFloats: at };
}

export function modelLayout(config: ModelConfig): ModelLayout {
  const params = paramLayout(config);
  const off = (name: string) => {
    const o = params.offsets.get(name);
    if (o === undefined) throw new Error(`layout: no parameter ${name}`);
    return o;
  };
  const shapes = baseLayerShapes(config);
  const D = config.latent.dim;
  let at = 0;
  const z = at;
  at += D;
  const modulated: ModulatedLayout[] = config.modulation.layers.map((layer) => {
    const [outDim, inDim] = shapes[layer];
    const rank = config.modulation.rank;
    const widths = [D, ...config.modulation.hyper_hidden, rank * (outDim + inDim)];
    const hyper: HyperLayerLayout[] = [];
    let input = z;
    for (let j = 0; j + 1 < widths.length; j++) {
      const output = at;
      at += widths[j + 1];
      hyper.push({
        inDim: widths[j],
        outDim: widths[j + 1],
        weight: off(`hyper.${layer}.${j}.weight`),
        bias: off(`hyper.${layer}.${j}.bias`),
        input,
        output,
        tanh: j + 2 < widths.length,
      });
      input = output;
    }
    const weightT = at;
    at += outDim * inDim;
    return { layer, outDim, inDim, rank, hyper, v: input, weightT };
  });
  const base: BaseLayerLayout[] = shapes.map(([outDim, inDim], i) => {
    const mod = modulated.find((m) => m.layer === i);
    return {
      outDim,
      inDim,
      weightIn: mod ? 'scratch' : 'params',
      weight: mod ? mod.weightT : off(`base.${i}.weight`),
      bias: off(`base.${i}.bias`),
      relu: i < shapes.length - 1,
    };
  });
  return {
    params,
    scratch: { z, latentDim: D, modulated, totalFloats: at },
    base,
    encodingDim: encodingOutputDim(config.encoding),
  };
}

/** Copies decoded parameters into one buffer at their layout offsets, checking names and sizes. */
export function packParams(layout: ParamLayout, params: readonly DecodedParam[]): Float32Array {
  const out = new Float32Array(layout.totalFloats);
  const seen = new Set<string>();
  for (const p of params) {
    const at = layout.offsets.get(p.name);
    const size = layout.sizes.get(p.name);
    if (at === undefined || size === undefined)
      throw new RangeError(`parameter '${p.name}' is not part of the model's config`);
    if (p.data.length !== size)
      throw new RangeError(`parameter '${p.name}' has ${p.data.length} values, the model needs ${size}`);
    out.set(p.data, at);
    seen.add(p.name);
  }
  for (const name of layout.offsets.keys())
    if (!seen.has(name)) throw new RangeError(`parameter '${name}' is missing`);
  return out;
}

/** Bytes of the `FrameUniforms` struct of the generated WGSL. */
export const FRAME_UNIFORM_BYTES = 64;

export interface FrameUniformInput {
  width: number;
  height: number;
  /** Patch models: the centroid grid (0 otherwise). */
  gridW: number;
  gridH: number;
  /** Local frame time in latent rows (fractional for interpolated frames), in [0, frames − 1]. */
  t: number;
  /** Latent rows of the model. */
  frames: number;
  /** The frame's warp [u, v, a, b, c, d] (warp.ts `warpParams`); zeros when absent. */
  warp?: ArrayLike<number> | null;
  /** The frame's scene (config.ts `sceneOf`); 0 when absent. */
  scene?: number;
}

/**
 * The `FrameUniforms` of one frame, as the WGSL struct lays them out: width, height, grid_w, grid_h, t0, t1
 * (u32), β = t − t0, τ = (clamp(t, 0, frames − 1) + 0.5) / frames (f32, the spatio-temporal grid's time),
 * the warp u, v, a, b, c, d (f32) and the frame's scene (u32, the static levels' time slice).
 */
export function frameUniformData(input: FrameUniformInput): ArrayBuffer {
  const t0 = Math.floor(input.t);
  const t1 = Math.min(t0 + 1, input.frames - 1);
  const data = new ArrayBuffer(FRAME_UNIFORM_BYTES);
  new Uint32Array(data, 0, 6).set([input.width, input.height, input.gridW, input.gridH, t0, t1]);
  const floats = new Float32Array(data, 24, 8);
  floats[0] = input.t - t0;
  floats[1] = frameTau(input.t, input.frames);
  if (input.warp) floats.set(input.warp, 2);
  new Uint32Array(data, 56, 1)[0] = input.scene ?? 0;
  return data;
}
