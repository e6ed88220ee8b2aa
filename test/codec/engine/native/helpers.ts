/**
 * Shared by the native engine tests: builds the addon when needed (or explains why it cannot), tiny random
 * models and batches, and an independent float64 forward pass of the training loss (spec §4.3) for finite
 * differences.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadAddon, resetAddonCache } from '../../../../src/codec/engine/native/addon.js';
import type { EngineFactory, PixelBatch, TrainEngine } from '../../../../src/codec/engine/types.js';
import {
  baseLayerShapes,
  hashGrid,
  hashLevelRows,
  type ModelConfig,
} from '../../../../src/codec/model/config.js';
import { initParams } from '../../../../src/codec/model/init.js';
import { type ParamSet, paramSpecs } from '../../../../src/codec/model/params.js';
import { createRng, type Rng } from '../../../../src/codec/util/random.js';

const root = fileURLToPath(new URL('../../../../', import.meta.url));

/**
 * Builds the addon if it is missing or stale. Returns null when it loads, else the reason. Only a machine with
 * no C++ compiler may skip: when a compiler exists, a failed build is returned as a failure, not a skip.
 */
export function ensureNative(): { skip: string | null } {
  const hasCompiler =
    spawnSync('c++', ['--version']).status === 0 || spawnSync('g++', ['--version']).status === 0;
  if (!hasCompiler) return { skip: 'no C++ compiler on this machine; native engine tests skipped' };
  execFileSync(process.execPath, ['scripts/build-native.mjs', '--if-needed'], { cwd: root, stdio: 'pipe' });
  resetAddonCache();
  const load = loadAddon();
  if (!load.ok) throw new Error(load.reason);
  return { skip: null };
}

/**
 * Hash grid with two dense levels (4·3, 6² ≤ 64 rows) and two hashed ones, three of them not square
 * (`level_y_resolutions`); two modulated layers.
 */
export function tinyHashConfig(modulated: number[] = [1, 2]): ModelConfig {
  const enc = hashGrid(4, 2, 6, 3, 17);
  enc.level_resolutions = [3, 5, 9, 17];
  enc.level_y_resolutions = [2, 5, 6, 11];
  return {
    version: 1,
    encoding: enc,
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 12,
      n_hidden_layers: 3,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: modulated, rank: 3, hyper_hidden: [7], activation: 'Tanh' },
    latent: { dim: 5, init_std: 0.5 },
    patch: null,
  };
}

/** tinyHashConfig with spatio-temporal levels: level 0 dense (4·3·3 ≤ 64 rows), levels 2, 3 hashed, level 1 static. */
export function tinyTemporalConfig(modulated: number[] = [1, 2]): ModelConfig {
  const config = tinyHashConfig(modulated);
  if (config.encoding.otype === 'HashGrid') config.encoding.level_time_resolutions = [2, 0, 3, 5];
  return config;
}

export function tinyFourierConfig(): ModelConfig {
  return {
    version: 1,
    encoding: { otype: 'Fourier', n_frequencies: 3, include_input: true },
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 10,
      n_hidden_layers: 2,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [0], rank: 2, hyper_hidden: [], activation: 'Tanh' },
    latent: { dim: 4, init_std: 0.5 },
    patch: null,
  };
}

/** initParams, then every tensor given O(0.3) random values so all paths (hash tables included) matter. */
export function randomParams(config: ModelConfig, frames: number, seed: number): ParamSet {
  const params = initParams(config, frames, seed);
  const rng = createRng(seed + 1);
  for (const [name, t] of params) {
    const scale = name.startsWith('encoding') ? 0.5 : name.endsWith('bias') ? 0.1 : 0.4;
    for (let i = 0; i < t.data.length; i++)
      t.data[i] =
        name.startsWith('base') && !name.endsWith('bias')
          ? t.data[i] + scale * (rng.next() - 0.5)
          : scale * (2 * rng.next() - 1);
  }
  return params;
}

export function randomBatch(rng: Rng, frameRows: number[], pixels: number, channels = 3): PixelBatch {
  const F = frameRows.length;
  const coords = new Float32Array(F * pixels * 2);
  for (let i = 0; i < coords.length; i++) coords[i] = rng.next();
  const target = new Float32Array(F * pixels * channels);
  for (let i = 0; i < target.length; i++) target[i] = rng.next();
  return { frameIndex: Int32Array.from(frameRows), pixelsPerFrame: pixels, coords, target };
}

export type Params64 = Map<string, Float64Array>;

export function toParams64(params: ParamSet): Params64 {
  return new Map([...params].map(([k, t]) => [k, Float64Array.from(t.data)]));
}

/** The batch MSE in float64, written from spec §4.3 independently of the engines. */
export function loss64(config: ModelConfig, p: Params64, batch: PixelBatch): number {
  const shapes = baseLayerShapes(config);
  const D = config.latent.dim;
  const F = batch.frameIndex.length;
  const P = batch.pixelsPerFrame;
  const C = shapes[shapes.length - 1][0];
  const get = (n: string) => p.get(n)!;
  let sum = 0;
  for (let f = 0; f < F; f++) {
    const row = batch.frameIndex[f];
    const z = get('latents').subarray(row * D, (row + 1) * D);
    const weights = shapes.map((_, i) => get(`base.${i}.weight`));
    for (const l of config.modulation.layers) {
      const [out, inp] = shapes[l];
      let h: Float64Array = z;
      const nh = config.modulation.hyper_hidden.length + 1;
      for (let j = 0; j < nh; j++) {
        const W = get(`hyper.${l}.${j}.weight`);
        const b = get(`hyper.${l}.${j}.bias`);
        const next = new Float64Array(b.length);
        for (let o = 0; o < b.length; o++) {
          let s = b[o];
          for (let i = 0; i < h.length; i++) s += W[o * h.length + i] * h[i];
          next[o] = j + 1 < nh ? Math.tanh(s) : s;
        }
        h = next;
      }
      const r = config.modulation.rank;
      const Wl = get(`base.${l}.weight`);
      const Wt = new Float64Array(out * inp);
      for (let o = 0; o < out; o++)
        for (let i = 0; i < inp; i++) {
          let u = 0;
          for (let k = 0; k < r; k++) u += h[o * r + k] * h[out * r + k * inp + i];
          Wt[o * inp + i] = Wl[o * inp + i] / (1 + Math.exp(-u));
        }
      weights[l] = Wt;
    }
    for (let q = 0; q < P; q++) {
      const s = f * P + q;
      const tau = (row + 0.5) / (get('latents').length / D);
      const [x, y] = warp64(config, z, batch.coords[2 * s], batch.coords[2 * s + 1]);
      let g = encode64(config, p, x, y, tau);
      shapes.forEach(([out, inp], i) => {
        const b = get(`base.${i}.bias`);
        const y = new Float64Array(out);
        for (let o = 0; o < out; o++) {
          let a = b[o];
          for (let k = 0; k < inp; k++) a += weights[i][o * inp + k] * g[k];
          y[o] = i + 1 < shapes.length ? Math.max(0, a) : a;
        }
        g = y;
      });
      for (let c = 0; c < C; c++) sum += (g[c] - batch.target[s * C + c]) ** 2;
    }
  }
  return sum / (F * P * C);
}

/** Spec §4.3.2.1 in float64 (no float32 rounding of the result). */
function warp64(config: ModelConfig, z: Float64Array, x: number, y: number): [number, number] {
  if (!config.warp) return [x, y];
  const s = config.warp.scale;
  const affine = config.warp.otype === 'Affine';
  const [u, v] = [s * z[0], s * z[1]];
  const [a, b, c, d] = affine ? [s * z[2], s * z[3], s * z[4], s * z[5]] : [0, 0, 0, 0];
  const clamp = (t: number) => Math.min(1, Math.max(0, t));
  return [clamp(x + u + a * (x - 0.5) + b * (y - 0.5)), clamp(y + v + c * (x - 0.5) + d * (y - 0.5))];
}

function encode64(config: ModelConfig, p: Params64, x: number, y: number, tau: number): Float64Array {
  const enc = config.encoding;
  if (enc.otype === 'Fourier') {
    const out: number[] = enc.include_input ? [x, y] : [];
    for (let k = 0; k < enc.n_frequencies; k++) {
      const a = 2 ** k * Math.PI;
      out.push(Math.sin(a * x), Math.sin(a * y), Math.cos(a * x), Math.cos(a * y));
    }
    return Float64Array.from(out);
  }
  const F = enc.n_features_per_level;
  const out = new Float64Array(enc.n_levels * F);
  const T = 2 ** enc.log2_hashmap_size;
  for (let l = 0; l < enc.n_levels; l++) {
    const N = enc.level_resolutions[l];
    const M = enc.level_y_resolutions?.[l] ?? N;
    const NT = enc.level_time_resolutions?.[l] ?? 0;
    const vertices = (N + 1) * (M + 1) * (NT + 1);
    const dense = vertices <= T;
    if (hashLevelRows(enc, l) !== (dense ? vertices : T)) throw new Error('level rows');
    const table = p.get(`encoding.level${l}`)!;
    const px = x * N;
    const py = y * M;
    const pt = tau * NT;
    const cx = Math.min(Math.max(Math.floor(px), 0), N - 1);
    const cy = Math.min(Math.max(Math.floor(py), 0), M - 1);
    const ct = NT > 0 ? Math.min(Math.max(Math.floor(pt), 0), NT - 1) : 0;
    const fx = px - cx;
    const fy = py - cy;
    const ft = pt - ct;
    for (let c = 0; c < (NT > 0 ? 8 : 4); c++) {
      const vx = cx + (c & 1);
      const vy = cy + ((c >> 1) & 1);
      const vt = ct + (c >> 2);
      const row = dense
        ? vx + vy * (N + 1) + vt * (N + 1) * (M + 1)
        : ((Math.imul(vy, 2654435761) ^ Math.imul(vt, 805459861) ^ vx) >>> 0) & (T - 1);
      let w = (c & 1 ? fx : 1 - fx) * ((c >> 1) & 1 ? fy : 1 - fy);
      if (NT > 0) w *= c >> 2 ? ft : 1 - ft;
      for (let f = 0; f < F; f++) out[l * F + f] += w * table[row * F + f];
    }
  }
  return out;
}

/**
 * Central differences of loss64 on up to `perTensor` entries of every tensor (entries with a non-zero native
 * gradient first, so sparse hash tables are exercised), then ‖g − fd‖ / ‖fd‖ per parameter group.
 */
export function gradientErrors(
  config: ModelConfig,
  params: ParamSet,
  grads: ParamSet,
  batch: PixelBatch,
  perTensor = 24,
  h = 1e-6,
): Map<string, { rel: number; norm: number; checked: number }> {
  const p64 = toParams64(params);
  const acc = new Map<string, { diff: number; ref: number; checked: number }>();
  const frames = params.get('latents')!.shape[0];
  for (const spec of paramSpecs(config, frames)) {
    const data = p64.get(spec.name)!;
    const g = grads.get(spec.name)!.data;
    const order = [...data.keys()].sort((a, b) => Number(g[b] !== 0) - Number(g[a] !== 0) || a - b);
    const picks = order.slice(0, Math.min(perTensor, data.length));
    const a = acc.get(spec.group) ?? { diff: 0, ref: 0, checked: 0 };
    for (const i of picks) {
      const keep = data[i];
      data[i] = keep + h;
      const up = loss64(config, p64, batch);
      data[i] = keep - h;
      const down = loss64(config, p64, batch);
      data[i] = keep;
      const fd = (up - down) / (2 * h);
      a.diff += (g[i] - fd) ** 2;
      a.ref += fd * fd;
      a.checked++;
    }
    acc.set(spec.group, a);
  }
  return new Map(
    [...acc].map(([k, a]) => [
      k,
      { rel: Math.sqrt(a.diff / Math.max(a.ref, 1e-30)), norm: Math.sqrt(a.ref), checked: a.checked },
    ]),
  );
}

/**
 * The same factory, but its engines have only TrainEngine's required methods (no attachFrames/stepDrawing,
 * setFakeQuant, readLatentRows): the trainer then takes its own path for each of those.
 */
export function requiredMethodsOnly(factory: EngineFactory): EngineFactory {
  return {
    name: factory.name,
    available: () => factory.available(),
    async create(options) {
      const e = await factory.create(options);
      const plain: TrainEngine = {
        name: e.name,
        backend: e.backend,
        step: (b, r, x) => e.step(b, r, x),
        gradients: (b, x) => e.gradients(b, x),
        getParams: () => e.getParams(),
        setParams: (p) => e.setParams(p),
        getOptimizerState: () => e.getOptimizerState(),
        setOptimizerState: (s) => e.setOptimizerState(s),
        dispose: () => e.dispose(),
      };
      return plain;
    },
  };
}
