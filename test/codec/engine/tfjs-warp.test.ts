/**
 * The per-frame coordinate warp (src/codec/model/warp.ts) in the tfjs engine. Gradients: every entry of every
 * tensor against float64 central differences of the spec loss with the warp (loss64 of native/helpers.ts), the
 * warp's latent components on their own as well, so a gradient that skips the chain rule through x', y' fails.
 * Renders: against the reference decoder, and unlike the unwarped one.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type TfjsEngine, tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import type { PixelBatch } from '../../../src/codec/engine/types.js';
import { hashGrid, type ModelConfig, type WarpConfig } from '../../../src/codec/model/config.js';
import { type ParamSet, paramSpecs } from '../../../src/codec/model/params.js';
import { warpCoords, warpLatentDims, warpParams } from '../../../src/codec/model/warp.js';
import { renderFrame } from '../../../src/codec/render/index.js';
import { createRng } from '../../../src/codec/util/random.js';
import {
  livelyParams,
  randomBatch,
  tinyHashConfig as tinyEngineConfig,
  tinyPatchConfig,
} from './fixtures.js';
import {
  loss64,
  randomBatch as oracleBatch,
  randomParams,
  tinyFourierConfig,
  tinyHashConfig,
  tinyTemporalConfig,
  toParams64,
} from './native/helpers.js';

const FRAMES = 3;
const engines: TfjsEngine[] = [];
afterAll(() => {
  for (const e of engines) e.dispose();
});

function withWarp(config: ModelConfig, otype: WarpConfig['otype'], scale = 0.1): ModelConfig {
  config.warp = { otype, scale };
  config.latent.dim = Math.max(config.latent.dim, warpLatentDims(config.warp));
  return config;
}

/** Warp components of every latent row set to ±0.4 … ±1.0 (different per row and component). */
function setWarpLatents(config: ModelConfig, params: ParamSet): void {
  const latents = params.get('latents')!.data;
  const D = config.latent.dim;
  for (let row = 0; row < FRAMES; row++)
    for (let k = 0; k < warpLatentDims(config.warp); k++)
      latents[row * D + k] = (k % 2 === row % 2 ? 1 : -1) * (0.4 + 0.1 * ((row + 2 * k) % 7));
}

/** How many of the batch's warped coordinates are clamped to 0 or 1. */
function clampedCoords(config: ModelConfig, params: ParamSet, batch: PixelBatch): number {
  const latents = params.get('latents')!.data;
  const D = config.latent.dim;
  const P = batch.pixelsPerFrame;
  const out = new Float32Array(2 * P);
  let clamped = 0;
  batch.frameIndex.forEach((row, f) => {
    const p = warpParams(config, latents.subarray(row * D, (row + 1) * D))!;
    warpCoords(p, batch.coords.subarray(2 * f * P, 2 * (f + 1) * P), P, out);
    clamped += out.filter((c) => c === 0 || c === 1).length;
  });
  return clamped;
}

/** ‖g − fd‖ / ‖fd‖ per parameter group over every entry, plus 'warp' for the latents' warp components alone. */
function gradientErrors(config: ModelConfig, params: ParamSet, grads: ParamSet, batch: PixelBatch, h = 1e-6) {
  const p64 = toParams64(params);
  const acc = new Map<string, { diff: number; ref: number }>();
  const add = (key: string, g: number, fd: number) => {
    const a = acc.get(key) ?? { diff: 0, ref: 0 };
    a.diff += (g - fd) ** 2;
    a.ref += fd * fd;
    acc.set(key, a);
  };
  const dims = warpLatentDims(config.warp);
  for (const spec of paramSpecs(config, FRAMES)) {
    const data = p64.get(spec.name)!;
    const g = grads.get(spec.name)!.data;
    for (let i = 0; i < data.length; i++) {
      const keep = data[i];
      data[i] = keep + h;
      const up = loss64(config, p64, batch);
      data[i] = keep - h;
      const down = loss64(config, p64, batch);
      data[i] = keep;
      const fd = (up - down) / (2 * h);
      add(spec.group, g[i], fd);
      if (spec.group === 'latents' && i % config.latent.dim < dims) add('warp', g[i], fd);
    }
  }
  return new Map([...acc].map(([k, a]) => [k, { rel: Math.sqrt(a.diff / a.ref), norm: Math.sqrt(a.ref) }]));
}

describe('tfjs engine gradients through the warp vs float64 central differences', () => {
  const cases: Array<[string, () => ModelConfig, WarpConfig['otype'], Array<'host' | 'graph'>]> = [
    ['spatio-temporal hash grid, affine', tinyTemporalConfig, 'Affine', ['host', 'graph']],
    ['static hash grid, affine', () => tinyHashConfig(), 'Affine', ['host', 'graph']],
    ['spatio-temporal hash grid, translation', tinyTemporalConfig, 'Translation', ['host']],
    ['Fourier features, affine', tinyFourierConfig, 'Affine', ['host']],
  ];
  for (const [what, make, otype, modes] of cases) {
    for (const hashMode of modes) {
      it(`${what}, ${hashMode} lookup`, async () => {
        const config = withWarp(make(), otype);
        const params = randomParams(config, FRAMES, 41);
        setWarpLatents(config, params);
        const batch = oracleBatch(createRng(42), [2, 1, 0, 1], 40);
        // Some coordinates are clamped (zero gradient there), most are not.
        const clamped = clampedCoords(config, params, batch);
        expect(clamped).toBeGreaterThan(4);
        expect(clamped).toBeLessThan(batch.coords.length / 4);

        const engine = await tfjsEngineFactory({ backends: ['wasm', 'cpu'], hashMode }).create({
          config,
          frames: FRAMES,
          params,
        });
        engines.push(engine);
        const { loss, grads } = await engine.gradients(batch);
        const ref = loss64(config, toParams64(params), batch);
        expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-5);
        // Ignoring the warp would change the loss far beyond that.
        const unwarped = loss64({ ...config, warp: null }, toParams64(params), batch);
        expect(Math.abs(unwarped - ref) / ref).toBeGreaterThan(1e-3);

        const errors = gradientErrors(config, params, grads, batch);
        const groups = config.encoding.otype === 'HashGrid' ? ['encoding'] : [];
        expect([...errors.keys()].sort()).toEqual(['base', ...groups, 'hyper', 'latents', 'warp'].sort());
        for (const [group, e] of errors) {
          expect(e.norm, `${group} gradient is all zero`).toBeGreaterThan(0);
          expect(e.rel, `${group}: relative error ${e.rel}`).toBeLessThan(1e-3);
        }
      });
    }
  }
});

/** Levels 4×3, 9×6, 24×15 (log2 7): 3-D dense, 3-D hashed, static hashed, as in tfjs-reference.test.ts. */
function temporalConfig(): ModelConfig {
  const config = tinyEngineConfig();
  const enc = hashGrid(3, 2, 7, 4, 24);
  enc.level_y_resolutions = [3, 6, 15];
  enc.level_time_resolutions = [2, 1, 0];
  config.encoding = enc;
  return config;
}

describe('tfjs render of a warped model equals the reference decoder', () => {
  // Seeds chosen so that 50–90 % of the reference's values are unclamped (a comparison of clamped 0s and 1s
  // would prove little).
  const cases: Array<[string, ModelConfig, { width: number; height: number } | undefined, number]> = [
    ['spatio-temporal hash grid, affine', withWarp(temporalConfig(), 'Affine'), undefined, 8],
    ['static hash grid, translation', withWarp(tinyEngineConfig(), 'Translation'), undefined, 5],
    ['Fourier patch model, affine', withWarp(tinyPatchConfig(), 'Affine'), { width: 4, height: 3 }, 5],
  ];
  for (const [what, config, tile, seed] of cases) {
    it(what, async () => {
      const params = livelyParams(config, FRAMES, seed);
      setWarpLatents(config, params);
      const engine = await tfjsEngineFactory({ backends: ['wasm', 'cpu'] }).create({
        config,
        frames: FRAMES,
        params,
      });
      engines.push(engine);
      const rates = { latents: 1e-2, encoding: 1e-2, base: 1e-2, hyper: 1e-2, patch: 1e-2 };
      for (let s = 0; s < 5; s++) {
        const perFrame = tile ? tile.width * tile.height : 32;
        await engine.step(
          randomBatch(config, [s % FRAMES, (s + 1) % FRAMES], perFrame, 100 + s, tile),
          rates,
        );
      }
      const trained = await engine.getParams();
      // Training moves the warp components too.
      const before = params.get('latents')!.data;
      const after = trained.get('latents')!.data;
      expect(after.slice(0, warpLatentDims(config.warp)).some((z, k) => z !== before[k])).toBe(true);

      for (const [t, w, h] of [
        [1, 24, 16],
        [0.375, 24, 16],
        [1.75, 17, 11],
      ]) {
        const ours = await engine.render(t, w, h);
        const reference = renderFrame({ config, params: trained }, t, w, h);
        const unwarped = renderFrame({ config: { ...config, warp: null }, params: trained }, t, w, h);
        let worst = 0;
        let fromUnwarped = 0;
        let unclamped = 0;
        for (let i = 0; i < ours.length; i++) {
          worst = Math.max(worst, Math.abs(ours[i] - reference[i]));
          fromUnwarped = Math.max(fromUnwarped, Math.abs(ours[i] - unwarped[i]));
          if (reference[i] > 0 && reference[i] < 1) unclamped++;
        }
        expect(unclamped / ours.length, `t = ${t}: values inside (0, 1)`).toBeGreaterThan(0.5);
        expect(worst, `t = ${t}`).toBeLessThanOrEqual(1e-4);
        expect(fromUnwarped, `t = ${t}: the warp changes the frame`).toBeGreaterThan(1e-2);
      }
    });
  }
});
