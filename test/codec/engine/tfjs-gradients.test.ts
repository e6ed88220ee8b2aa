/**
 * tfjs autodiff against central finite differences of the same engine's loss, for every parameter group.
 * The loss is float32, so steps are 2^-7 (exact in float32 around values of order 1) and each quotient divides by
 * the step actually realised in float32; checked entries are the largest-gradient ones of each group (where a
 * relative error means something), a spread sample of the others, and the directional derivative along the whole
 * group's gradient. Spatio-temporal hash grids are also checked against an independent float64 oracle of the loss
 * (loss64 from native/helpers.ts), on every parameter entry, so a gradient that misses the second time slice
 * cannot hide among the checked entries.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { TfjsEngine } from '../../../src/codec/engine/tfjs/index.js';
import { tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import type { PixelBatch } from '../../../src/codec/engine/types.js';
import type { ModelConfig } from '../../../src/codec/model/config.js';
import {
  cloneParamSet,
  type ParamGroup,
  type ParamSet,
  paramSpecs,
} from '../../../src/codec/model/params.js';
import { createRng } from '../../../src/codec/util/random.js';
import { livelyParams, randomBatch, tinyHashConfig, tinyPatchConfig } from './fixtures.js';
import {
  gradientErrors,
  loss64,
  randomBatch as oracleBatch,
  randomParams,
  tinyTemporalConfig,
  toParams64,
} from './native/helpers.js';

const STEP = 2 ** -7;
const engines: TfjsEngine[] = [];
afterAll(() => {
  for (const e of engines) e.dispose();
});

async function makeEngine(config: ModelConfig, frames: number, hashMode: 'host' | 'graph') {
  const engine = await tfjsEngineFactory({ backends: ['wasm', 'cpu'], hashMode }).create({
    config,
    frames,
    params: livelyParams(config, frames, 7),
  });
  engines.push(engine);
  return engine;
}

async function lossAt(engine: TfjsEngine, params: ParamSet, batch: PixelBatch): Promise<number> {
  await engine.setParams(params);
  return engine.loss(batch);
}

async function centralDifference(
  engine: TfjsEngine,
  base: ParamSet,
  batch: PixelBatch,
  name: string,
  i: number,
  step: number,
): Promise<number> {
  const plus = cloneParamSet(base);
  const minus = cloneParamSet(base);
  const x = base.get(name)!.data[i];
  plus.get(name)!.data[i] = x + step;
  minus.get(name)!.data[i] = x - step;
  const h = plus.get(name)!.data[i] - minus.get(name)!.data[i]; // the step float32 actually took
  return ((await lossAt(engine, plus, batch)) - (await lossAt(engine, minus, batch))) / h;
}

/** Relative error of finite differences vs autodiff for the top entries of each group and its gradient direction. */
async function checkGroups(engine: TfjsEngine, config: ModelConfig, frames: number, batch: PixelBatch) {
  const base = await engine.getParams();
  const { grads } = await engine.gradients(batch);
  const specs = paramSpecs(config, frames);
  const groups = [...new Set(specs.map((s) => s.group))];
  const report: Record<string, { worstEntry: number; direction: number; checked: number }> = {};
  for (const group of groups) {
    const names = specs.filter((s) => s.group === group).map((s) => s.name);
    // Largest |gradient| entries of the group.
    const entries: Array<{ name: string; i: number; g: number }> = [];
    for (const name of names) {
      const data = grads.get(name)!.data;
      for (let i = 0; i < data.length; i++) entries.push({ name, i, g: data[i] });
    }
    entries.sort((a, b) => Math.abs(b.g) - Math.abs(a.g));
    let worst = 0;
    // The four largest plus four spread over the rest of those within 20x of the largest: below that, float32
    // rounding of the loss (~1e-5 absolute on these quotients) dominates the difference being measured.
    const rest = entries.slice(4).filter((e) => Math.abs(e.g) >= 0.05 * Math.abs(entries[0].g));
    const sample = [0, 1, 2, 3].map((k) => rest[Math.floor(((k + 0.5) * rest.length) / 4)]).filter(Boolean);
    const top = [...entries.slice(0, 4), ...sample];
    const floor = 1e-3 * Math.abs(entries[0].g);
    for (const { name, i, g } of top) {
      // Two steps: a ReLU kink within reach can spoil the larger one, float32 rounding of the loss the smaller.
      let best = Number.POSITIVE_INFINITY;
      for (const step of [STEP, STEP / 8]) {
        const fd = await centralDifference(engine, base, batch, name, i, step);
        best = Math.min(best, Math.abs(fd - g) / Math.max(Math.abs(fd), Math.abs(g), floor));
      }
      worst = Math.max(worst, best);
    }
    // Directional derivative along u = g / |g| restricted to the group: equals |g|.
    let norm = 0;
    for (const name of names) for (const g of grads.get(name)!.data) norm += g * g;
    norm = Math.sqrt(norm);
    const eps = STEP;
    const shifted = (sign: number) => {
      const p = cloneParamSet(base);
      for (const name of names) {
        const d = p.get(name)!.data;
        const g = grads.get(name)!.data;
        for (let i = 0; i < d.length; i++) d[i] += (sign * eps * g[i]) / norm;
      }
      return p;
    };
    const directional =
      ((await lossAt(engine, shifted(1), batch)) - (await lossAt(engine, shifted(-1), batch))) / (2 * eps);
    report[group] = {
      worstEntry: worst,
      direction: Math.abs(directional - norm) / norm,
      checked: top.length,
    };
  }
  await engine.setParams(base);
  return report;
}

function expectAllGroups(
  report: Record<string, { worstEntry: number; direction: number }>,
  groups: ParamGroup[],
) {
  expect(Object.keys(report).sort()).toEqual([...groups].sort());
  for (const [group, r] of Object.entries(report)) {
    expect(r.worstEntry, `${group}: worst entry relative error`).toBeLessThan(1e-2);
    expect(r.direction, `${group}: directional derivative relative error`).toBeLessThan(1e-2);
  }
}

describe('tfjs engine gradients vs central finite differences', () => {
  for (const hashMode of ['host', 'graph'] as const) {
    it(`hash-grid model (dense + hashed levels, modulated layers 0 and 2), ${hashMode} lookup`, async () => {
      const config = tinyHashConfig();
      const engine = await makeEngine(config, 3, hashMode);
      const batch = randomBatch(config, [2, 0], 6, 11);
      const report = await checkGroups(engine, config, 3, batch);
      expectAllGroups(report, ['latents', 'encoding', 'base', 'hyper']);
    });
  }

  for (const hashMode of ['host', 'graph'] as const) {
    it(`spatio-temporal hash grid (dense + hashed 3-D levels beside a static one), ${hashMode} lookup`, async () => {
      const config = tinyTemporalConfig();
      const engine = await makeEngine(config, 3, hashMode);
      const batch = randomBatch(config, [2, 0, 1], 6, 14);
      const report = await checkGroups(engine, config, 3, batch);
      expectAllGroups(report, ['latents', 'encoding', 'base', 'hyper']);
    });
  }

  it('Fourier patch model (3×3 conv head, linear hypernetwork)', async () => {
    const config = tinyPatchConfig();
    const engine = await makeEngine(config, 3, 'host');
    const batch = randomBatch(config, [1, 2], 6, 12, { width: 3, height: 2 });
    const report = await checkGroups(engine, config, 3, batch);
    expectAllGroups(report, ['latents', 'base', 'hyper', 'patch']);
  });

  it('repeated frames in a batch accumulate their latent gradients', async () => {
    const config = tinyHashConfig();
    const engine = await makeEngine(config, 3, 'host');
    const single = randomBatch(config, [1], 5, 13);
    const doubled: PixelBatch = {
      frameIndex: Int32Array.from([1, 1]),
      pixelsPerFrame: 5,
      coords: Float32Array.from([...single.coords, ...single.coords]),
      target: Float32Array.from([...single.target, ...single.target]),
    };
    const a = (await engine.gradients(single)).grads.get('latents')!.data;
    const b = (await engine.gradients(doubled)).grads.get('latents')!.data;
    // The mean over twice the values halves each copy's weight; two copies add back up to the same gradient.
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 6);
    expect(a.slice(0, 5).every((g) => g === 0)).toBe(true); // frame 0 was not in the batch
  });
});

describe('tfjs engine gradients vs float64 central differences of the spec loss', () => {
  for (const hashMode of ['host', 'graph'] as const) {
    it(`spatio-temporal hash grid, every entry of every tensor, ${hashMode} lookup`, async () => {
      const config = tinyTemporalConfig();
      const frames = 3;
      const params = randomParams(config, frames, 31);
      // Every latent row (so τ covers each time cell of the T = 2, 3, 5 levels); row 1 twice.
      const batch = oracleBatch(createRng(32), [2, 1, 0, 1], 40);
      const engine = await tfjsEngineFactory({ backends: ['wasm', 'cpu'], hashMode }).create({
        config,
        frames,
        params,
      });
      engines.push(engine);
      const { loss, grads } = await engine.gradients(batch);
      const ref = loss64(config, toParams64(params), batch);
      expect(Math.abs(loss - ref) / ref).toBeLessThan(1e-5);
      const errors = gradientErrors(config, params, grads, batch, Number.POSITIVE_INFINITY);
      expect([...errors.keys()].sort()).toEqual(['base', 'encoding', 'hyper', 'latents']);
      for (const [group, e] of errors) {
        expect(e.norm, `${group} gradient is all zero`).toBeGreaterThan(0);
        expect(e.rel, `${group}: relative error ${e.rel} over ${e.checked} entries`).toBeLessThan(1e-3);
      }
    });
  }
});
