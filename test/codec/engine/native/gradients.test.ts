import { beforeAll, describe, expect, it } from 'vitest';
import { NativeEngine } from '../../../../src/codec/engine/native/engine.js';
import type { ModelConfig } from '../../../../src/codec/model/config.js';
import { createRng } from '../../../../src/codec/util/random.js';
import {
  ensureNative,
  gradientErrors,
  loss64,
  randomBatch,
  randomParams,
  tinyFourierConfig,
  tinyHashConfig,
  tinyTemporalConfig,
  toParams64,
} from './helpers.js';

const { skip } = ensureNative();

/** The config with a warp (scale 0.3, so random latents move coordinates by up to ~0.1 and some clamp). */
function withWarp(config: ModelConfig, otype: 'Affine' | 'Translation'): ModelConfig {
  return {
    ...config,
    latent: { ...config.latent, dim: Math.max(config.latent.dim, 7) },
    warp: { otype, scale: 0.3 },
  };
}
if (skip) console.warn(skip);

async function check(
  config: ModelConfig,
  options: { threads: number; isa?: string; pixels: number; seed: number },
) {
  const frames = 3;
  const params = randomParams(config, frames, options.seed);
  // Frame 1 appears twice: its latent gradient sums over both groups.
  const batch = randomBatch(createRng(options.seed + 7), [2, 1, 1], options.pixels);
  const engine = new NativeEngine({ config, frames, params, threads: options.threads, isa: options.isa });
  try {
    const { loss, grads } = await engine.gradients(batch);
    const ref = loss64(config, toParams64(params), batch);
    expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-5);
    const errors = gradientErrors(config, params, grads, batch);
    for (const [group, e] of errors) {
      // Without modulation the latents feed nothing: their gradient is exactly zero, as in the float64 model.
      if (group === 'latents' && config.modulation.layers.length === 0 && !config.warp) {
        expect(e.norm).toBe(0);
        expect(e.rel).toBe(0);
        continue;
      }
      expect(e.norm, `${group} gradient is all zero`).toBeGreaterThan(0);
      expect(e.rel, `${group}: relative error ${e.rel} over ${e.checked} entries`).toBeLessThan(1e-3);
    }
    const groups = ['base', 'latents'];
    if (config.encoding.otype === 'HashGrid') groups.push('encoding');
    if (config.modulation.layers.length > 0) groups.push('hyper');
    expect([...errors.keys()].sort()).toEqual(groups.sort());
    return grads;
  } finally {
    engine.dispose();
  }
}

describe.skipIf(skip !== null)('native engine gradients equal float64 central differences', () => {
  beforeAll(() => ensureNative());

  it('hash grid (dense + hashed levels), two modulated layers, 2 threads, partial tiles', async () => {
    await check(tinyHashConfig([1, 2]), { threads: 2, pixels: 150, seed: 11 });
  });

  it('hash grid with the first and the output layer modulated, 1 thread', async () => {
    await check(tinyHashConfig([0, 3]), { threads: 1, pixels: 40, seed: 12 });
  });

  it('spatio-temporal hash grid (dense and hashed 3-D levels beside a static one), 2 threads', async () => {
    await check(tinyTemporalConfig([1, 2]), { threads: 2, pixels: 150, seed: 16 });
  });

  it('Fourier features, modulated input layer, hypernetwork without hidden layers', async () => {
    await check(tinyFourierConfig(), { threads: 2, pixels: 60, seed: 13 });
  });

  it.each([
    ['affine warp, static grid', withWarp(tinyHashConfig([1]), 'Affine')],
    ['affine warp, spatio-temporal grid', withWarp(tinyTemporalConfig([1]), 'Affine')],
    ['translation warp, no modulation', withWarp(tinyHashConfig([]), 'Translation')],
    ['affine warp, Fourier features', withWarp(tinyFourierConfig(), 'Affine')],
  ])('%s: latent gradients reach the warp components', async (_, config) => {
    // Seed 18: with seed 17 one warped point of the spatio-temporal grid lies within the difference step of a
    // cell edge, where the encoding has a kink and central differences are not the derivative.
    const grads = await check(config, { threads: 2, pixels: 90, seed: 18 });
    const D = config.latent.dim;
    const z = grads.get('latents')!.data;
    const dims = config.warp!.otype === 'Affine' ? 6 : 2;
    for (let k = 0; k < dims; k++) expect(Math.abs(z[D + k]), `warp component ${k}`).toBeGreaterThan(0);
  });

  it('no modulated layer at all (plain hash-grid MLP)', async () => {
    await check(tinyHashConfig([]), { threads: 2, pixels: 30, seed: 15 });
  });

  it.each([
    ['static', tinyHashConfig([1])],
    ['spatio-temporal', tinyTemporalConfig([1])],
  ])(
    'every kernel set this CPU has (generic, avx2, avx512) gives the same gradients (%s grid)',
    async (_, config) => {
      const results = [];
      for (const isa of ['generic', 'avx2', 'avx512'])
        results.push(await check(config, { threads: 2, isa, pixels: 70, seed: 14 }));
      for (const [name, t] of results[0]) {
        for (const other of results.slice(1)) {
          const o = other.get(name)!.data;
          let diff = 0;
          let ref = 0;
          for (let i = 0; i < t.data.length; i++) {
            diff += (t.data[i] - o[i]) ** 2;
            ref += t.data[i] ** 2;
          }
          expect(Math.sqrt(diff / Math.max(ref, 1e-30)), name).toBeLessThan(1e-5);
        }
      }
    },
  );
});
