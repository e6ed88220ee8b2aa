/**
 * A deliberately naive transcription of spec §4.3 (float64, one pixel at a time, parameters looked up by name),
 * used as an independent oracle for the optimized renderer.
 */
import { baseLayerShapes, type ModelConfig } from '../../../src/codec/model/config.js';
import type { ParamSet } from '../../../src/codec/model/params.js';

const get = (params: ParamSet, name: string) => params.get(name)!.data;

function latent(params: ParamSet, t: number): number[] {
  const lat = params.get('latents')!;
  const [n, d] = lat.shape;
  const t0 = Math.floor(t);
  const t1 = Math.min(t0 + 1, n - 1);
  const b = t - t0;
  return Array.from({ length: d }, (_, k) => (1 - b) * lat.data[t0 * d + k] + b * lat.data[t1 * d + k]);
}

function linear(w: Float32Array, b: Float32Array, x: number[], out: number): number[] {
  const inp = x.length;
  return Array.from({ length: out }, (_, o) => x.reduce((s, v, i) => s + w[o * inp + i] * v, b[o]));
}

function encode(config: ModelConfig, params: ParamSet, x: number, y: number): number[] {
  const enc = config.encoding;
  const feats: number[] = [];
  if (enc.otype === 'Fourier') {
    if (enc.include_input) feats.push(x, y);
    for (let k = 0; k < enc.n_frequencies; k++) {
      const a = 2 ** k * Math.PI;
      feats.push(Math.sin(a * x), Math.sin(a * y), Math.cos(a * x), Math.cos(a * y));
    }
    return feats;
  }
  const T = 2 ** enc.log2_hashmap_size;
  const F = enc.n_features_per_level;
  for (let l = 0; l < enc.n_levels; l++) {
    const N = enc.level_resolutions[l];
    const M = enc.level_y_resolutions?.[l] ?? N;
    const table = get(params, `encoding.level${l}`);
    const px = x * N;
    const py = y * M;
    const cx = Math.min(Math.max(Math.floor(px), 0), N - 1);
    const cy = Math.min(Math.max(Math.floor(py), 0), M - 1);
    const fx = px - cx;
    const fy = py - cy;
    const f = new Array(F).fill(0);
    for (const [dx, dy] of [
      [0, 0],
      [1, 0],
      [0, 1],
      [1, 1],
    ]) {
      const vx = cx + dx;
      const vy = cy + dy;
      const index =
        (N + 1) * (M + 1) <= T
          ? vx + vy * (N + 1)
          : Number((BigInt(vx) ^ ((BigInt(vy) * 2654435761n) % 2n ** 32n)) % BigInt(T));
      const w = (dx ? fx : 1 - fx) * (dy ? fy : 1 - fy);
      for (let k = 0; k < F; k++) f[k] += w * table[index * F + k];
    }
    feats.push(...f);
  }
  return feats;
}

function baseWeights(config: ModelConfig, params: ParamSet, z: number[]): number[][] {
  const shapes = baseLayerShapes(config);
  return shapes.map(([out, inp], l) => {
    const w = Array.from(get(params, `base.${l}.weight`));
    if (!config.modulation.layers.includes(l)) return w;
    const widths = [
      config.latent.dim,
      ...config.modulation.hyper_hidden,
      config.modulation.rank * (out + inp),
    ];
    let h = z;
    for (let j = 0; j + 1 < widths.length; j++) {
      const a = linear(
        get(params, `hyper.${l}.${j}.weight`),
        get(params, `hyper.${l}.${j}.bias`),
        h,
        widths[j + 1],
      );
      h = j + 2 < widths.length ? a.map(Math.tanh) : a;
    }
    const r = config.modulation.rank;
    return w.map((wv, k) => {
      const o = Math.floor(k / inp);
      const i = k % inp;
      let pq = 0;
      for (let q = 0; q < r; q++) pq += h[o * r + q] * h[out * r + q * inp + i];
      return wv / (1 + Math.exp(-pq));
    });
  });
}

function network(config: ModelConfig, params: ParamSet, weights: number[][], x: number, y: number): number[] {
  const shapes = baseLayerShapes(config);
  let g = encode(config, params, x, y);
  shapes.forEach(([out], l) => {
    const a = linear(Float32Array.from(weights[l]), get(params, `base.${l}.bias`), g, out);
    g = l + 1 < shapes.length ? a.map((v) => Math.max(0, v)) : a;
  });
  return g;
}

/** Unclamped RGB, HWC. */
export function naiveRender(
  config: ModelConfig,
  params: ParamSet,
  t: number,
  W: number,
  H: number,
): Float64Array {
  const weights = baseWeights(config, params, latent(params, t));
  const img = new Float64Array(W * H * 3);
  if (!config.patch) {
    for (let j = 0; j < H; j++)
      for (let i = 0; i < W; i++) {
        const rgb = network(config, params, weights, (i + 0.5) / W, (j + 0.5) / H);
        img.set(rgb, (j * W + i) * 3);
      }
    return img;
  }
  const { size: p, channels: C } = config.patch;
  const Wg = Math.ceil(W / p);
  const Hg = Math.ceil(H / p);
  const feat: number[][] = []; // [Hg*Wg][C]
  for (let j = 0; j < Hg; j++)
    for (let i = 0; i < Wg; i++) feat.push(network(config, params, weights, (i + 0.5) / Wg, (j + 0.5) / Hg));
  const cw = get(params, 'patch.conv.weight');
  const cb = get(params, 'patch.conv.bias');
  const conv = (o: number, gy: number, gx: number) => {
    let s = cb[o];
    for (let c = 0; c < C; c++)
      for (let ky = 0; ky < 3; ky++)
        for (let kx = 0; kx < 3; kx++) {
          const yy = gy + ky - 1;
          const xx = gx + kx - 1;
          if (yy >= 0 && yy < Hg && xx >= 0 && xx < Wg)
            s += cw[((o * C + c) * 3 + ky) * 3 + kx] * feat[yy * Wg + xx][c];
        }
    return s;
  };
  for (let Y = 0; Y < H; Y++)
    for (let X = 0; X < W; X++)
      for (let c = 0; c < 3; c++)
        img[(Y * W + X) * 3 + c] = conv(
          c * p * p + (Y % p) * p + (X % p),
          Math.floor(Y / p),
          Math.floor(X / p),
        );
  return img;
}
