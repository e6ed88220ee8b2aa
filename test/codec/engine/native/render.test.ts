import { describe, expect, it } from 'vitest';
import { createNativeRenderer, nativeRenderFrame } from '../../../../src/codec/engine/native/render.js';
import type { ModelConfig } from '../../../../src/codec/model/config.js';
import { hashGrid } from '../../../../src/codec/model/config.js';
import { renderFrame } from '../../../../src/codec/render/index.js';
import {
  ensureNative,
  randomParams,
  tinyFourierConfig,
  tinyHashConfig,
  tinyTemporalConfig,
} from './helpers.js';

const { skip } = ensureNative();

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

/** Fraction of values strictly inside (0, 1), so the comparison is not only of clamped pixels. */
function unclamped(a: Float32Array): number {
  let n = 0;
  for (const v of a) if (v > 0 && v < 1) n++;
  return n / a.length;
}

/** A profile-like hash grid with realistic widths (K = 32, 8 levels, log2 T = 10). */
function mediumConfig(): ModelConfig {
  return {
    version: 1,
    encoding: hashGrid(8, 2, 10, 8, 160),
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 32,
      n_hidden_layers: 3,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [1], rank: 4, hyper_hidden: [16], activation: 'Tanh' },
    latent: { dim: 16, init_std: 0.05 },
    patch: null,
  };
}

/** mediumConfig with every level over (x, y, τ): coarse ones dense, fine ones hashed. */
function mediumTemporalConfig(): ModelConfig {
  const config = mediumConfig();
  if (config.encoding.otype === 'HashGrid') config.encoding.level_time_resolutions = [1, 1, 2, 2, 3, 3, 3, 3];
  return config;
}

/** Seed 21 leaves 16% of the scenes model's t = 0 values inside (0, 1); this one more. */
const SEED_FOR_UNCLAMPED = 22;

function withSceneStarts(config: ModelConfig, starts: number[]): ModelConfig {
  if (config.encoding.otype !== 'HashGrid') throw new Error('hash grid');
  return { ...config, encoding: { ...config.encoding, scene_starts: starts } };
}

describe.skipIf(skip !== null)('nativeRenderFrame equals the reference decoder', () => {
  // Warped renders sample the grid off the pixel centres and differ from the reference by float32 summation order
  // a little more: measured 1.2e-5 at most (4.5e-6 unwarped with the same weights).
  const cases: Array<[string, ModelConfig, number?]> = [
    ['hash grid, two modulated layers', tinyHashConfig([1, 2])],
    ['Fourier features', tinyFourierConfig()],
    ['medium hash grid', mediumConfig()],
    ['spatio-temporal hash grid', tinyTemporalConfig([1, 2])],
    ['medium spatio-temporal hash grid', mediumTemporalConfig()],
    ['medium hash grid with an affine warp', { ...mediumConfig(), warp: { otype: 'Affine', scale: 0.3 } }],
    [
      'spatio-temporal hash grid with a translation warp',
      { ...tinyTemporalConfig([1, 2]), warp: { otype: 'Translation', scale: 0.3 } },
    ],
    [
      'medium hash grid with three scenes (t = 0, 2.25, 3 read scenes 0, 1, 2)',
      withSceneStarts(mediumConfig(), [2, 3]),
      SEED_FOR_UNCLAMPED,
    ],
    ['spatio-temporal hash grid with two scenes', withSceneStarts(tinyTemporalConfig([1, 2]), [2])],
  ];
  for (const [name, config, seed = 21] of cases) {
    it(`${name}: integer and fractional t, odd sizes, within 1e-5`, () => {
      const model = { config, params: randomParams(config, 4, seed) };
      for (const [t, w, h] of [
        [0, 37, 23],
        [2.25, 64, 9],
        [3, 1, 1],
      ] as const) {
        const ref = renderFrame(model, t, w, h);
        const got = nativeRenderFrame(model, t, w, h);
        expect(maxAbsDiff(got, ref), `t=${t} ${w}x${h}`).toBeLessThanOrEqual(config.warp ? 2e-5 : 1e-5);
        if (w * h > 100) expect(unclamped(ref)).toBeGreaterThan(0.2);
      }
    });
  }

  it('the warp moves the picture: a warped model renders differently from the same weights unwarped', () => {
    const config: ModelConfig = { ...mediumConfig(), warp: { otype: 'Affine', scale: 0.3 } };
    const params = randomParams(config, 4, 21);
    const warped = nativeRenderFrame({ config, params }, 1, 40, 30);
    const plain = nativeRenderFrame({ config: { ...config, warp: null }, params }, 1, 40, 30);
    expect(maxAbsDiff(warped, plain)).toBeGreaterThan(0.05);
  });

  it('a renderer renders many frames from one upload and refuses bad arguments', () => {
    const config = tinyHashConfig([1]);
    const model = { config, params: randomParams(config, 3, 5) };
    const r = createNativeRenderer(model, { threads: 2 });
    try {
      expect(r.backend).toMatch(/^native .+ x2 threads$/);
      for (const t of [0, 0.5, 1, 2])
        expect(maxAbsDiff(r.renderFrame(t, 20, 11), renderFrame(model, t, 20, 11))).toBeLessThanOrEqual(1e-5);
      expect(() => r.renderFrame(3.5, 4, 4)).toThrow(/outside \[0, 2\]/);
      expect(() => r.renderFrame(0, 0, 4)).toThrow(/width/);
      expect(() => r.renderFrame(0, 4, 8193)).toThrow(/height/);
    } finally {
      r.dispose();
    }
    expect(() => r.renderFrame(0, 4, 4)).toThrow(/dispose/);
  });
});
