/**
 * WGSL for one model configuration (spec §4.3), generated with the config's sizes and buffer offsets baked in
 * as constants. Entry points, in dispatch order for a frame:
 *   latent         z = (1 − β)·latents[t0] + β·latents[t1]                                   (§4.3.1)
 *   hyper_m_j      hypernetwork layer j of modulated layer m: tanh(W·h + b), linear last       (§4.3.4)
 *   modulate_m     W_t = sigmoid(P·Q) ∘ W                                                     (§4.3.4)
 *   pixels         per pixel: coordinates → encoding → base MLP → clamp → texture          (§4.3.2–4.3.6)
 * Spatio-temporal hash-grid levels read the frame's τ from the uniforms (8 corners instead of 4, §4.3.3);
 * warped models (config.warp) move each coordinate by the frame's warp uniforms before the encoding (§4.3.2.1).
 * and for patch models, instead of `pixels`:
 *   centroids      base MLP at each patch centroid → feature map                              (§4.3.7)
 *   patch_pixels   3×3 conv + pixel shuffle → clamp → texture                                 (§4.3.7)
 * Everything is f32; the reference decoder accumulates in f64, hence a PSNR bound and not bit equality.
 */
import {
  type HashGridEncodingConfig,
  levelTimeResolution,
  levelYResolution,
  type ModelConfig,
  sceneCount,
} from '../../../src/codec/model/config.js';
import { HASH_PRIME_T, HASH_PRIME_Y, isDenseLevel } from '../../../src/codec/model/encoding.js';
import type { BaseLayerLayout, ModelLayout } from './layout.js';

export const WORKGROUP_1D = 64;
export const WORKGROUP_2D = 8;

/** What this renderer supports; larger models get a `modelUnsupported` error (and the fallback). */
export const GPU_MODEL_LIMITS = {
  /** Widest activation held per thread (encoding, hidden layers, patch channels). */
  activationWidth: 256,
  patchSize: 16,
} as const;

const u = (n: number) => `${n >>> 0}u`;
function f(n: number): string {
  const s = String(Math.fround(n));
  return /[.eE]/.test(s) ? s : `${s}.0`;
}

/** Why this config cannot run on the GPU renderer, or null. */
export function unsupportedReason(
  config: ModelConfig,
  layout: ModelLayout,
  maxWorkgroups = 65535,
): string | null {
  const widest = Math.max(layout.encodingDim, ...layout.base.map((l) => l.outDim));
  if (widest > GPU_MODEL_LIMITS.activationWidth) {
    return `activations of width ${widest} exceed the GPU renderer's ${GPU_MODEL_LIMITS.activationWidth}`;
  }
  if (config.patch && config.patch.size > GPU_MODEL_LIMITS.patchSize) {
    return `patch size ${config.patch.size} exceeds ${GPU_MODEL_LIMITS.patchSize}`;
  }
  for (const m of layout.scratch.modulated) {
    for (const h of m.hyper) {
      if (Math.ceil(h.outDim / WORKGROUP_1D) > maxWorkgroups)
        return `hypernetwork output of ${h.outDim} values is too wide`;
    }
    if (Math.ceil((m.outDim * m.inDim) / WORKGROUP_1D) > maxWorkgroups)
      return `modulated layer ${m.layer} is too large`;
  }
  if (Math.ceil(layout.scratch.latentDim / WORKGROUP_1D) > maxWorkgroups)
    return 'latent dimension is too large';
  return null;
}

const HEADER = `
struct FrameUniforms {
  width: u32,
  height: u32,
  grid_w: u32,
  grid_h: u32,
  t0: u32,
  t1: u32,
  beta: f32,
  // Normalised frame time τ = (clamp(t, 0, frames − 1) + 0.5) / frames of spatio-temporal hash-grid levels
  // (§4.3.3); static models never read it.
  tau: f32,
  // Per-frame warp (§4.3.2.1, warp.ts warpParams of the frame's latent); only warped models read it.
  warp_u: f32,
  warp_v: f32,
  warp_a: f32,
  warp_b: f32,
  warp_c: f32,
  warp_d: f32,
  // Scene of the frame (§4.3.3, the chunk's scene_starts): the time slice static hash-grid levels read.
  scene: u32,
}

@group(0) @binding(0) var<storage, read> params: array<f32>;
@group(0) @binding(1) var<storage, read> latents: array<f32>;
@group(0) @binding(2) var<storage, read_write> scratch: array<f32>;
@group(0) @binding(3) var<uniform> frame: FrameUniforms;
@group(0) @binding(4) var out_tex: texture_storage_2d<rgba16float, write>;
@group(0) @binding(5) var<storage, read_write> features: array<f32>;

// tanh through exp(−2|a|) ≤ 1, which cannot overflow (a plain (e^2a − 1)/(e^2a + 1) gives NaN for large a).
fn tanh_stable(a: f32) -> f32 {
  let e = exp(-2.0 * abs(a));
  return sign(a) * (1.0 - e) / (1.0 + e);
}

fn sigmoid(v: f32) -> f32 {
  // Beyond ±80 the logistic is 0 or 1 to f32 precision; the clamp keeps exp finite.
  return 1.0 / (1.0 + exp(-clamp(v, -80.0, 80.0)));
}

// Spec §4.3.6: v > 0 ? min(v, 1) : 0, so NaN becomes 0.
fn clamp_unit(v: f32) -> f32 {
  return select(0.0, min(v, 1.0), v > 0.0);
}

// sin(π·m) and cos(π·m) for an exactly known m: reduce m modulo 2 exactly first, so large frequencies keep
// the precision the f64 reference has.
fn sincos_pi(m: f32) -> vec2<f32> {
  var r = m - 2.0 * floor(0.5 * m);
  r = select(r, r - 2.0, r >= 1.0);
  let a = 3.14159265358979 * r;
  return vec2<f32>(sin(a), cos(a));
}
`;

function latentEntry(layout: ModelLayout): string {
  const D = layout.scratch.latentDim;
  return `
@compute @workgroup_size(${WORKGROUP_1D})
fn latent(@builtin(global_invocation_id) id: vec3<u32>) {
  let d = id.x;
  if (d >= ${u(D)}) { return; }
  let a = latents[frame.t0 * ${u(D)} + d];
  let b = latents[frame.t1 * ${u(D)} + d];
  // Integer frame times use the row itself, exactly (spec §4.3.1).
  scratch[${u(layout.scratch.z)} + d] = select((1.0 - frame.beta) * a + frame.beta * b, a, frame.beta == 0.0);
}
`;
}

function hyperEntries(layout: ModelLayout): string {
  let code = '';
  layout.scratch.modulated.forEach((m, mi) => {
    m.hyper.forEach((h, j) => {
      code += `
@compute @workgroup_size(${WORKGROUP_1D})
fn hyper_${mi}_${j}(@builtin(global_invocation_id) id: vec3<u32>) {
  let o = id.x;
  if (o >= ${u(h.outDim)}) { return; }
  var s = params[${u(h.bias)} + o];
  let row = ${u(h.weight)} + o * ${u(h.inDim)};
  for (var i = 0u; i < ${u(h.inDim)}; i++) {
    s += params[row + i] * scratch[${u(h.input)} + i];
  }
  scratch[${u(h.output)} + o] = ${h.tanh ? 'tanh_stable(s)' : 's'};
}
`;
    });
    code += `
@compute @workgroup_size(${WORKGROUP_1D})
fn modulate_${mi}(@builtin(global_invocation_id) id: vec3<u32>) {
  let k = id.x;
  if (k >= ${u(m.outDim * m.inDim)}) { return; }
  let o = k / ${u(m.inDim)};
  let i = k % ${u(m.inDim)};
  var acc = 0.0;
  for (var r = 0u; r < ${u(m.rank)}; r++) {
    acc += scratch[${u(m.v)} + o * ${u(m.rank)} + r] * scratch[${u(m.v + m.outDim * m.rank)} + r * ${u(m.inDim)} + i];
  }
  scratch[${u(m.weightT)} + k] = sigmoid(acc) * params[BASE_WEIGHT_${m.layer} + k];
}
`;
  });
  return code;
}

function hashGridCode(enc: HashGridEncodingConfig, tableOffsets: number[]): string {
  const F = enc.n_features_per_level;
  const mask = 2 ** enc.log2_hashmap_size - 1;
  const scenes = sceneCount(enc) > 1;
  let code = '';
  for (let l = 0; l < enc.n_levels; l++) {
    const res = enc.level_resolutions[l];
    const resY = levelYResolution(enc, l);
    const dense = isDenseLevel(enc, l);
    const T = tableOffsets[l];
    const NT = levelTimeResolution(enc, l);
    const head = `
    let px = x * ${f(res)};
    let py = y * ${f(resY)};
    let cxf = clamp(floor(px), 0.0, ${f(res - 1)});
    let cyf = clamp(floor(py), 0.0, ${f(resY - 1)});
    let fx = px - cxf;
    let fy = py - cyf;
    let cx = u32(cxf);
    let cy = u32(cyf);`;
    if (NT === 0) {
      // Static level: 4 corners, instant-NGP's 2-D hash; with scenes on the frame's scene slice (§4.3.3).
      const corners = dense
        ? `
    let i00 = cx + cy * ${u(res + 1)}${scenes ? ` + frame.scene * ${u((res + 1) * (resY + 1))}` : ''};
    let i10 = i00 + 1u;
    let i01 = i00 + ${u(res + 1)};
    let i11 = i01 + 1u;`
        : `
    let hy0 = ${scenes ? `(cy * ${u(HASH_PRIME_Y)}) ^ (frame.scene * ${u(HASH_PRIME_T)})` : `cy * ${u(HASH_PRIME_Y)}`};
    let hy1 = ${scenes ? `((cy + 1u) * ${u(HASH_PRIME_Y)}) ^ (frame.scene * ${u(HASH_PRIME_T)})` : `(cy + 1u) * ${u(HASH_PRIME_Y)}`};
    let i00 = (hy0 ^ cx) & ${u(mask)};
    let i10 = (hy0 ^ (cx + 1u)) & ${u(mask)};
    let i01 = (hy1 ^ cx) & ${u(mask)};
    let i11 = (hy1 ^ (cx + 1u)) & ${u(mask)};`;
      code += `
  { // level ${l}: resolution ${res}×${resY}, ${dense ? 'dense' : 'hashed'}${head}${corners}
    let w00 = (1.0 - fx) * (1.0 - fy);
    let w10 = fx * (1.0 - fy);
    let w01 = (1.0 - fx) * fy;
    let w11 = fx * fy;
    for (var k = 0u; k < ${u(F)}; k++) {
      act_a[${u(l * F)} + k] = w00 * params[${u(T)} + i00 * ${u(F)} + k] + w10 * params[${u(T)} + i10 * ${u(F)} + k]
        + w01 * params[${u(T)} + i01 * ${u(F)} + k] + w11 * params[${u(T)} + i11 * ${u(F)} + k];
    }
  }`;
      continue;
    }
    // Spatio-temporal level: the 4 spatial corners on time slices ct (weight × (1 − ft)) and ct + 1 (× ft).
    const slice = dense
      ? (s: string) => `
    let s${s} = ${s === '0' ? 'ct' : '(ct + 1u)'} * ${u((res + 1) * (resY + 1))};
    let i00_${s} = cx + cy * ${u(res + 1)} + s${s};
    let i10_${s} = i00_${s} + 1u;
    let i01_${s} = i00_${s} + ${u(res + 1)};
    let i11_${s} = i01_${s} + 1u;`
      : (s: string) => `
    let ht${s} = ${s === '0' ? 'ct' : '(ct + 1u)'} * ${u(HASH_PRIME_T)};
    let i00_${s} = (hy0 ^ ht${s} ^ cx) & ${u(mask)};
    let i10_${s} = (hy0 ^ ht${s} ^ (cx + 1u)) & ${u(mask)};
    let i01_${s} = (hy1 ^ ht${s} ^ cx) & ${u(mask)};
    let i11_${s} = (hy1 ^ ht${s} ^ (cx + 1u)) & ${u(mask)};`;
    const hy = dense
      ? ''
      : `
    let hy0 = cy * ${u(HASH_PRIME_Y)};
    let hy1 = (cy + 1u) * ${u(HASH_PRIME_Y)};`;
    const row = (i: string) => `params[${u(T)} + ${i} * ${u(F)} + k]`;
    code += `
  { // level ${l}: resolution ${res}×${resY}, ${NT} time slices, ${dense ? 'dense' : 'hashed'}, spatio-temporal${head}
    let pt = frame.tau * ${f(NT)};
    let ctf = clamp(floor(pt), 0.0, ${f(NT - 1)});
    let ft = pt - ctf;
    let ct = u32(ctf);${hy}${slice('0')}${slice('1')}
    let w00 = (1.0 - fx) * (1.0 - fy);
    let w10 = fx * (1.0 - fy);
    let w01 = (1.0 - fx) * fy;
    let w11 = fx * fy;
    let wt0 = 1.0 - ft;
    let a00_0 = w00 * wt0;
    let a10_0 = w10 * wt0;
    let a01_0 = w01 * wt0;
    let a11_0 = w11 * wt0;
    let a00_1 = w00 * ft;
    let a10_1 = w10 * ft;
    let a01_1 = w01 * ft;
    let a11_1 = w11 * ft;
    for (var k = 0u; k < ${u(F)}; k++) {
      let v0 = a00_0 * ${row('i00_0')} + a10_0 * ${row('i10_0')}
        + a01_0 * ${row('i01_0')} + a11_0 * ${row('i11_0')};
      let v1 = a00_1 * ${row('i00_1')} + a10_1 * ${row('i10_1')}
        + a01_1 * ${row('i01_1')} + a11_1 * ${row('i11_1')};
      act_a[${u(l * F)} + k] = v0 + v1;
    }
  }`;
  }
  return code;
}

function fourierCode(config: ModelConfig): string {
  const enc = config.encoding;
  if (enc.otype !== 'Fourier') throw new Error('not a Fourier encoding');
  const first = enc.include_input ? 2 : 0;
  let code = enc.include_input ? '\n  act_a[0] = x;\n  act_a[1] = y;' : '';
  for (let k = 0; k < enc.n_frequencies; k++) {
    const q = first + 4 * k;
    // a = 2^k·π: x·2^k is exact in f32.
    code += `
  {
    let sx = sincos_pi(x * ${f(2 ** k)});
    let sy = sincos_pi(y * ${f(2 ** k)});
    act_a[${q}] = sx.x;
    act_a[${q + 1}] = sy.x;
    act_a[${q + 2}] = sx.y;
    act_a[${q + 3}] = sy.y;
  }`;
  }
  return code;
}

function layerCode(layer: BaseLayerLayout, index: number, src: string, dst: string): string {
  const weights = layer.weightIn === 'scratch' ? 'scratch' : 'params';
  return `
  for (var o = 0u; o < ${u(layer.outDim)}; o++) { // base layer ${index}${layer.weightIn === 'scratch' ? ' (modulated: W_t)' : ''}
    var s = params[${u(layer.bias)} + o];
    let row = ${u(layer.weight)} + o * ${u(layer.inDim)};
    for (var i = 0u; i < ${u(layer.inDim)}; i++) {
      s += ${weights}[row + i] * ${src}[i];
    }
    ${dst}[o] = ${layer.relu ? 'max(s, 0.0)' : 's'};
  }`;
}

function networkFunction(config: ModelConfig, layout: ModelLayout, width: number): string {
  const enc = config.encoding;
  const outDim = layout.base[layout.base.length - 1].outDim;
  const encode =
    enc.otype === 'HashGrid'
      ? hashGridCode(
          enc,
          Array.from({ length: enc.n_levels }, (_, l) => layout.params.offsets.get(`encoding.level${l}`)!),
        )
      : fourierCode(config);
  let body = '';
  let src = 'act_a';
  layout.base.forEach((layer, i) => {
    const dst = src === 'act_a' ? 'act_b' : 'act_a';
    body += layerCode(layer, i, src, dst);
    src = dst;
  });
  // x' = clamp(x + u + a(x − ½) + b(y − ½), 0, 1), y' = clamp(y + v + c(x − ½) + d(y − ½), 0, 1).
  const [args, warp] = config.warp
    ? [
        'x_in: f32, y_in: f32',
        `
  let x = clamp(x_in + frame.warp_u + frame.warp_a * (x_in - 0.5) + frame.warp_b * (y_in - 0.5), 0.0, 1.0);
  let y = clamp(y_in + frame.warp_v + frame.warp_c * (x_in - 0.5) + frame.warp_d * (y_in - 0.5), 0.0, 1.0);`,
      ]
    : ['x: f32, y: f32', ''];
  let ret = `  var result: array<f32, ${outDim}>;\n`;
  for (let c = 0; c < outDim; c++) ret += `  result[${c}] = ${src}[${c}];\n`;
  return `
// ${config.warp ? 'Warp (§4.3.2.1), e' : 'E'}ncoding (§4.3.3) and base network (§4.3.5) at one coordinate; the output layer is linear.
fn network(${args}) -> array<f32, ${outDim}> {${warp}
  var act_a: array<f32, ${width}>;
  var act_b: array<f32, ${width}>;
${encode}
${body}
${ret}  return result;
}
`;
}

function pixelEntry(): string {
  return `
@compute @workgroup_size(${WORKGROUP_2D}, ${WORKGROUP_2D})
fn pixels(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= frame.width || id.y >= frame.height) { return; }
  // Pixel centres (§4.3.2).
  let x = (f32(id.x) + 0.5) / f32(frame.width);
  let y = (f32(id.y) + 0.5) / f32(frame.height);
  let rgb = network(x, y);
  textureStore(out_tex, vec2<i32>(i32(id.x), i32(id.y)),
    vec4<f32>(clamp_unit(rgb[0]), clamp_unit(rgb[1]), clamp_unit(rgb[2]), 1.0));
}
`;
}

function patchEntries(config: ModelConfig, layout: ModelLayout): string {
  const { size: p, channels: C } = config.patch!;
  const convW = layout.params.offsets.get('patch.conv.weight')!;
  const convB = layout.params.offsets.get('patch.conv.bias')!;
  let store = '';
  for (let c = 0; c < C; c++) store += `  features[base + ${u(c)}] = v[${c}];\n`;
  return `
@compute @workgroup_size(${WORKGROUP_2D}, ${WORKGROUP_2D})
fn centroids(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= frame.grid_w || id.y >= frame.grid_h) { return; }
  let x = (f32(id.x) + 0.5) / f32(frame.grid_w);
  let y = (f32(id.y) + 0.5) / f32(frame.grid_h);
  let v = network(x, y);
  let base = (id.y * frame.grid_w + id.x) * ${u(C)};
${store}}

@compute @workgroup_size(${WORKGROUP_2D}, ${WORKGROUP_2D})
fn patch_pixels(@builtin(global_invocation_id) id: vec3<u32>) {
  if (id.x >= frame.width || id.y >= frame.height) { return; }
  let cx = i32(id.x / ${u(p)});
  let cy = i32(id.y / ${u(p)});
  let sub = (id.y % ${u(p)}) * ${u(p)} + (id.x % ${u(p)});
  var rgb = vec3<f32>(0.0, 0.0, 0.0);
  for (var c = 0u; c < 3u; c++) {
    // Pixel shuffle: channel c of this pixel is conv channel c·p² + (Y mod p)·p + (X mod p).
    let oc = c * ${u(p * p)} + sub;
    var s = params[${u(convB)} + oc];
    for (var ky = 0; ky < 3; ky++) {
      let yy = cy + ky - 1;
      if (yy < 0 || yy >= i32(frame.grid_h)) { continue; }
      for (var kx = 0; kx < 3; kx++) {
        let xx = cx + kx - 1;
        if (xx < 0 || xx >= i32(frame.grid_w)) { continue; }
        let fbase = (u32(yy) * frame.grid_w + u32(xx)) * ${u(C)};
        let wbase = ${u(convW)} + oc * ${u(C * 9)} + u32(ky * 3 + kx);
        for (var ci = 0u; ci < ${u(C)}; ci++) {
          s += params[wbase + ci * 9u] * features[fbase + ci];
        }
      }
    }
    rgb[c] = s;
  }
  textureStore(out_tex, vec2<i32>(i32(id.x), i32(id.y)),
    vec4<f32>(clamp_unit(rgb[0]), clamp_unit(rgb[1]), clamp_unit(rgb[2]), 1.0));
}
`;
}

export interface ModelShader {
  code: string;
  /** Per-frame entry points (latent, hypernetworks, modulation) in order, with their 1-D workgroup counts. */
  frameEntries: Array<{ entry: string; workgroups: number }>;
  /** Pixel stage entry points in order; each covers the output (or centroid grid) in 8×8 tiles. */
  pixelEntries: Array<{ entry: string; grid: 'pixels' | 'centroids' }>;
}

export function modelShader(config: ModelConfig, layout: ModelLayout): ModelShader {
  const width = Math.max(layout.encodingDim, ...layout.base.map((l) => l.outDim));
  let consts = '';
  for (const m of layout.scratch.modulated) {
    consts += `const BASE_WEIGHT_${m.layer} = ${u(layout.params.offsets.get(`base.${m.layer}.weight`)!)};\n`;
  }
  const frameEntries = [{ entry: 'latent', workgroups: Math.ceil(layout.scratch.latentDim / WORKGROUP_1D) }];
  layout.scratch.modulated.forEach((m, mi) => {
    m.hyper.forEach((h, j) => {
      frameEntries.push({ entry: `hyper_${mi}_${j}`, workgroups: Math.ceil(h.outDim / WORKGROUP_1D) });
    });
    frameEntries.push({
      entry: `modulate_${mi}`,
      workgroups: Math.ceil((m.outDim * m.inDim) / WORKGROUP_1D),
    });
  });
  const code =
    HEADER +
    consts +
    latentEntry(layout) +
    hyperEntries(layout) +
    networkFunction(config, layout, width) +
    (config.patch ? patchEntries(config, layout) : pixelEntry());
  const pixelEntries: ModelShader['pixelEntries'] = config.patch
    ? [
        { entry: 'centroids', grid: 'centroids' },
        { entry: 'patch_pixels', grid: 'pixels' },
      ]
    : [{ entry: 'pixels', grid: 'pixels' }];
  return { code, frameEntries, pixelEntries };
}
