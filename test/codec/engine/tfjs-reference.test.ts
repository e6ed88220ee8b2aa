/**
 * The tfjs forward pass against the reference decoder (src/codec/render, spec §4.3): same parameters, same frame
 * time, same output size → the same pixels within 1e-4, at the size trained on, at 2x, at 0.5x and between frames;
 * for spatio-temporal hash grids also at both ends of the clip and at times inside every time cell.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { type TfjsEngine, tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import type { ModelConfig } from '../../../src/codec/model/config.js';
import { hashGrid } from '../../../src/codec/model/config.js';
import { renderFrame } from '../../../src/codec/render/index.js';
import { livelyParams, randomBatch, tinyHashConfig, tinyPatchConfig } from './fixtures.js';

/**
 * Levels 4×3, 9×6, 24×15 (log2 7): 3-D dense (5·4·3 ≤ 128), 3-D hashed (10·7·2 > 128), static hashed; none square.
 */
function temporalConfig(): ModelConfig {
  const config = tinyHashConfig();
  const enc = hashGrid(3, 2, 7, 4, 24);
  enc.level_y_resolutions = [3, 6, 15];
  enc.level_time_resolutions = [2, 1, 0];
  config.encoding = enc;
  return config;
}

const FRAMES = 3;
const engines: TfjsEngine[] = [];
afterAll(() => {
  for (const e of engines) e.dispose();
});

/** A model after a few Adam steps, so the comparison is not of freshly initialised weights only. */
async function trainedEngine(config: ModelConfig, tile?: { width: number; height: number }, seed = 3) {
  const engine = await tfjsEngineFactory({ backends: ['wasm', 'cpu'] }).create({
    config,
    frames: FRAMES,
    params: livelyParams(config, FRAMES, seed),
  });
  engines.push(engine);
  const rates = { latents: 1e-2, encoding: 1e-2, base: 1e-2, hyper: 1e-2, patch: 1e-2 };
  for (let s = 0; s < 5; s++) {
    const perFrame = tile ? tile.width * tile.height : 32;
    await engine.step(randomBatch(config, [s % FRAMES, (s + 1) % FRAMES], perFrame, 100 + s, tile), rates);
  }
  return engine;
}

async function maxDifference(engine: TfjsEngine, t: number, width: number, height: number) {
  const ours = await engine.render(t, width, height);
  const reference = renderFrame(
    { config: engine.config, params: await engine.getParams() },
    t,
    width,
    height,
  );
  expect(ours.length).toBe(reference.length);
  let worst = 0;
  let unclamped = 0;
  for (let i = 0; i < ours.length; i++) {
    worst = Math.max(worst, Math.abs(ours[i] - reference[i]));
    if (reference[i] > 0 && reference[i] < 1) unclamped++;
  }
  // Most values must lie inside (0, 1), or clamping would hide differences.
  expect(unclamped / ours.length).toBeGreaterThan(0.5);
  return worst;
}

/** Every case (what, t, width, height) renders within 1e-4 of the reference decoder. */
async function expectReference(engine: TfjsEngine, cases: Array<[string, number, number, number]>) {
  for (const [what, t, w, h] of cases)
    expect(await maxDifference(engine, t, w, h), what).toBeLessThanOrEqual(1e-4);
}

const CASES: Array<[string, number, number, number]> = [
  ['trained size', 1, 24, 16],
  ['2x', 1, 48, 32],
  ['0.5x', 1, 12, 8],
  ['fractional t = 0.375', 0.375, 24, 16],
  ['fractional t = 1.75, odd size', 1.75, 17, 11],
];

describe('tfjs forward pass equals the reference decoder', () => {
  it('hash-grid model (dense and hashed levels, two modulated layers)', async () => {
    const config = tinyHashConfig();
    config.encoding = hashGrid(3, 2, 7, 4, 24); // levels 4, 9, 24: dense, dense, hashed
    const engine = await trainedEngine(config);
    await expectReference(engine, CASES);
  });

  it('spatio-temporal hash grid (dense and hashed 3-D levels beside a static one)', async () => {
    const engine = await trainedEngine(temporalConfig(), undefined, 6); // seed 6: ~99 % of values unclamped
    const cases: Array<[string, number, number, number]> = [
      ...CASES,
      ['t = 0', 0, 24, 16],
      ['t = 2 (last frame)', 2, 24, 16],
      ['fractional t = 0.2 (below the first slice centre)', 0.2, 20, 12],
      ['fractional t = 1.4', 1.4, 20, 12],
      ['fractional t = 1.9999, 2x', 1.9999, 48, 32],
    ];
    await expectReference(engine, cases);
  });

  it("hash grid with scenes (static levels on the slice of the frame's scene, beside a 3-D level)", async () => {
    const config = temporalConfig();
    if (config.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    config.encoding.scene_starts = [1, 2];
    config.encoding.level_time_resolutions = [0, 1, 0]; // level 0 static dense (3 slices), level 2 static hashed
    const engine = await trainedEngine(config, undefined, 6);
    const cases: Array<[string, number, number, number]> = [
      ['t = 0 (scene 0)', 0, 24, 16],
      ['fractional t = 0.75 (scene 0)', 0.75, 20, 12],
      ['t = 1 (scene 1), 2x', 1, 48, 32],
      ['t = 2 (scene 2)', 2, 24, 16],
    ];
    await expectReference(engine, cases);
  });

  it('Fourier patch model (crop of a partial last patch included)', async () => {
    const engine = await trainedEngine(tinyPatchConfig(), { width: 4, height: 3 });
    await expectReference(engine, CASES);
  });

  for (const [name, config] of [
    ['static', tinyHashConfig()],
    ['spatio-temporal', temporalConfig()],
  ] as const) {
    it(`graph and host hash lookups render the same frame (${name} grid)`, async () => {
      const params = livelyParams(config, FRAMES, 5);
      const make = (hashMode: 'graph' | 'host') =>
        tfjsEngineFactory({ backends: ['wasm', 'cpu'], hashMode }).create({ config, frames: FRAMES, params });
      const [graph, host] = [await make('graph'), await make('host')];
      engines.push(graph, host);
      for (const t of [0.5, 1.25]) {
        const a = await graph.render(t, 20, 10);
        const b = await host.render(t, 20, 10);
        let worst = 0;
        for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
        expect(worst).toBeLessThanOrEqual(1e-5);
      }
    });
  }
});
