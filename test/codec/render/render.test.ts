import { describe, expect, it } from 'vitest';
import { type ModelConfig, profileConfig } from '../../../src/codec/model/config.js';
import { ModelError } from '../../../src/codec/model/errors.js';
import { initParams } from '../../../src/codec/model/init.js';
import { cloneParamSet, type ParamSet } from '../../../src/codec/model/params.js';
import {
  createRenderer,
  renderFrame,
  renderFrameRgb8,
  renderFrames,
} from '../../../src/codec/render/index.js';
import { createRng } from '../../../src/codec/util/random.js';
import { aspectHashConfig, fourierConfig, hashConfig } from '../model/fixtures.js';
import { naiveRender } from './naive.js';

/** Initialized params with larger hash features, unit latents and a 0.5 output bias, so frames are not flat. */
function testModel(
  config: ModelConfig,
  frames: number,
  seed: number,
): { config: ModelConfig; params: ParamSet } {
  const params = initParams(config, frames, seed);
  const rng = createRng(seed + 1);
  for (const [name, t] of params) {
    if (name.startsWith('encoding.'))
      t.data.forEach((_, i) => {
        t.data[i] = rng.uniform(-1, 1);
      });
    if (name === 'latents')
      t.data.forEach((_, i) => {
        t.data[i] = rng.normal();
      });
  }
  const last = config.base.n_hidden_layers;
  params.get(`base.${last}.bias`)!.data.fill(0.5);
  return { config, params };
}

/** One-frame model whose only latent is `z`: renders what the full model should render for that latent. */
function withLatent(model: { config: ModelConfig; params: ParamSet }, z: Float32Array) {
  const params = cloneParamSet(model.params);
  params.set('latents', { shape: [1, z.length], data: z.slice() });
  return { config: model.config, params };
}

function expectClose(actual: Float32Array, expected: ArrayLike<number>, tol: number) {
  expect(actual.length).toBe(expected.length);
  let worst = 0;
  for (let k = 0; k < actual.length; k++) worst = Math.max(worst, Math.abs(actual[k] - expected[k]));
  expect(worst).toBeLessThanOrEqual(tol);
}

const clamp = (a: Float64Array) => a.map((v) => Math.min(1, Math.max(0, v)));

function interiorFraction(frame: Float32Array): number {
  return frame.filter((v) => v > 0 && v < 1).length / frame.length;
}

describe('reference renderer', () => {
  const fourier = testModel(fourierConfig(), 4, 1);
  const hashed = testModel(hashConfig(), 4, 2);
  const aspect = testModel(aspectHashConfig(), 4, 3);

  it('matches a naive transcription of §4.3 (Fourier, square and non-square hash grids, odd sizes, small batches)', () => {
    for (const model of [fourier, hashed, aspect]) {
      for (const [w, h] of [
        [13, 7],
        [26, 14],
        [6, 3],
        [1, 1],
      ]) {
        const frame = createRenderer(model, { batchSize: 16 }).renderFrame(2, w, h);
        expectClose(frame, clamp(naiveRender(model.config, model.params, 2, w, h)), 1e-4);
      }
      expect(interiorFraction(renderFrame(model, 0, 16, 16))).toBeGreaterThan(0.3);
    }
  });

  it('renders any resolution: the centre pixels of a 3× render are the 1× render', () => {
    const [w, h] = [10, 6];
    const small = renderFrame(hashed, 1, w, h);
    const big = renderFrame(hashed, 1, 3 * w, 3 * h);
    const picked = new Float32Array(w * h * 3);
    for (let j = 0; j < h; j++)
      for (let i = 0; i < w; i++)
        for (let c = 0; c < 3; c++)
          picked[(j * w + i) * 3 + c] = big[((3 * j + 1) * 3 * w + 3 * i + 1) * 3 + c];
    expectClose(picked, small, 1e-5);
  });

  it('integer t renders the exact latent row; fractional t the interpolated latent', () => {
    const { params } = hashed;
    const lat = params.get('latents')!.data;
    const d = hashed.config.latent.dim;
    const exact = renderFrame(hashed, 2, 12, 8);
    expect(Array.from(exact)).toEqual(
      Array.from(renderFrame(withLatent(hashed, lat.subarray(2 * d, 3 * d)), 0, 12, 8)),
    );

    const z = new Float32Array(d).map((_, k) => 0.7 * lat[1 * d + k] + 0.3 * lat[2 * d + k]);
    const between = renderFrame(hashed, 1.3, 12, 8);
    expectClose(between, renderFrame(withLatent(hashed, z), 0, 12, 8), 1e-6);
    expect(between).not.toEqual(exact);
    // The last frame time is valid and uses the last row.
    expectClose(
      renderFrame(hashed, 3, 4, 4),
      renderFrame(withLatent(hashed, lat.subarray(3 * d)), 0, 4, 4),
      0,
    );
  });

  it('renderFrames equals one renderFrame per time; RGB8 is round(255·v)', () => {
    const times = [0, 0.5, 3];
    const frames = renderFrames(hashed, times, 9, 5);
    times.forEach((t, k) => {
      expect(Array.from(frames[k])).toEqual(Array.from(renderFrame(hashed, t, 9, 5)));
    });
    const rgb8 = renderFrameRgb8(hashed, 0.5, 9, 5);
    expect(rgb8.length).toBe(9 * 5 * 3);
    for (let k = 0; k < rgb8.length; k++) expect(rgb8[k]).toBe(Math.round(255 * frames[1][k]));
  });

  it('patch variant: centroids, 3×3 conv across band edges, pixel shuffle and crop match the naive oracle', () => {
    for (const patch of [
      { size: 2, channels: 5 },
      { size: 3, channels: 4 },
    ]) {
      const model = testModel(hashConfig({ patch }), 3, 7);
      for (const [w, h] of [
        [9, 7],
        [4, 12],
      ]) {
        // batchSize 8 forces several bands, so halo rows matter.
        const renderer = createRenderer(model, { batchSize: 8 });
        const frame = renderer.renderFrame(1.5, w, h);
        expectClose(frame, clamp(naiveRender(model.config, model.params, 1.5, w, h)), 1e-4);
        expect(Array.from(renderer.renderFrameRgb8(1.5, w, h))).toEqual(
          Array.from(frame, (v) => Math.round(255 * v)),
        );
      }
    }
  });

  it('renders the extreme sizes 8192×1 and 1×8192, with and without patches', () => {
    const patched = testModel(hashConfig({ patch: { size: 4, channels: 3 } }), 2, 9);
    for (const model of [fourier, patched]) {
      const renderer = createRenderer(model);
      for (const [w, h] of [
        [8192, 1],
        [1, 8192],
      ]) {
        const frame = renderer.renderFrameRgb8(0.5, w, h);
        expect(frame.length).toBe(8192 * 3);
        expect(new Set(frame).size).toBeGreaterThan(10);
      }
    }
  });

  it('renders profile M at a small size', () => {
    const config = profileConfig('M', 64, 36);
    const frame = renderFrame(testModel(config, 2, 3), 0.25, 64, 36);
    expect(frame.length).toBe(64 * 36 * 3);
    expect(frame.every((v) => v >= 0 && v <= 1)).toBe(true);
    expect(interiorFraction(frame)).toBeGreaterThan(0.3);
  });
});

describe('reference renderer input checks', () => {
  const model = testModel(fourierConfig(), 3, 4);
  const renderer = createRenderer(model);

  function expectModelError(fn: () => unknown, details: string, where: RegExp) {
    try {
      fn();
    } catch (e) {
      expect(e).toBeInstanceOf(ModelError);
      expect((e as ModelError).details).toBe(details);
      expect((e as ModelError).message).toMatch(where);
      return;
    }
    throw new Error('expected a ModelError');
  }

  it('rejects sizes outside 1..8192 and non-integers', () => {
    for (const w of [0, 8193, 2.5, Number.NaN, -4])
      expectModelError(() => renderer.renderFrame(0, w, 4), 'bad-argument', /^width/);
    expectModelError(
      () => renderer.renderFrame(0, 4, 9000),
      'bad-argument',
      /^height: must be an integer in 1\.\.8192/,
    );
  });

  it('rejects frame times outside [0, frames − 1]', () => {
    for (const t of [-0.5, 2.01, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectModelError(() => renderer.renderFrame(t, 4, 4), 'bad-argument', /^t:/);
    }
    expectModelError(() => renderer.renderFrames([0, 5], 4, 4), 'bad-argument', /outside \[0, 2\]/);
  });

  it('rejects parameters that do not fit the config, naming the parameter', () => {
    const missing = cloneParamSet(model.params);
    missing.delete('hyper.1.0.bias');
    expectModelError(
      () => renderFrame({ config: model.config, params: missing }, 0, 4, 4),
      'missing-param',
      /^hyper\.1\.0\.bias/,
    );

    const reshaped = cloneParamSet(model.params);
    reshaped.set('base.1.weight', { shape: [8, 7], data: new Float32Array(56) });
    expectModelError(
      () => renderFrame({ config: model.config, params: reshaped }, 0, 4, 4),
      'bad-shape',
      /^base\.1\.weight: shape \[8,7\]/,
    );

    const wrongType = cloneParamSet(model.params);
    wrongType.set('base.0.bias', { shape: [8], data: new Float64Array(8) as unknown as Float32Array });
    expectModelError(
      () => renderFrame({ config: model.config, params: wrongType }, 0, 4, 4),
      'bad-shape',
      /^base\.0\.bias/,
    );

    const extra = cloneParamSet(model.params);
    extra.set('encoding.level0', { shape: [4, 2], data: new Float32Array(8) });
    expectModelError(
      () => renderFrame({ config: model.config, params: extra }, 0, 4, 4),
      'bad-shape',
      /^encoding\.level0/,
    );
  });

  it('rejects malformed configs, naming the field', () => {
    const bad = hashConfig();
    (bad.encoding as { level_resolutions: number[] }).level_resolutions = [2, 4];
    expectModelError(
      () => renderFrame({ config: bad, params: model.params }, 0, 4, 4),
      'bad-config',
      /level_resolutions/,
    );
    const badLayer = fourierConfig({
      modulation: { layers: [7], rank: 2, hyper_hidden: [], activation: 'Tanh' },
    });
    expectModelError(
      () => createRenderer({ config: badLayer, params: model.params }),
      'bad-config',
      /modulation\.layers\[0\]/,
    );
    const huge = fourierConfig({ base: { ...fourierConfig().base, n_neurons: 1e9 } });
    expectModelError(() => createRenderer({ config: huge, params: model.params }), 'bad-config', /n_neurons/);
    expectModelError(() => createRenderer(model, { batchSize: 0 }), 'bad-argument', /batchSize/);
  });
});
