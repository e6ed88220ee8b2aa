/**
 * The alignment gradient through both training engines (StepExtras): the engine's latent gradient with
 * `extras.latentGrad` equals its MSE gradient plus the extra rows (repeated rows adding up), agrees with central
 * finite differences of the combined loss MSE + λ·L_cos (MSE in float64 from spec §4.3, independent of the
 * engines), and a step moves the latents along the combined gradient.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { Aligner } from '../../../src/codec/align/aligner.js';
import { NativeEngine } from '../../../src/codec/engine/native/engine.js';
import { tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import type { GroupRates, PixelBatch, TrainEngine } from '../../../src/codec/engine/types.js';
import type { ModelConfig } from '../../../src/codec/model/config.js';
import type { ParamSet } from '../../../src/codec/model/params.js';
import { createRng } from '../../../src/codec/util/random.js';
import {
  ensureNative,
  loss64,
  randomBatch,
  randomParams,
  tinyHashConfig,
  toParams64,
} from '../engine/native/helpers.js';

const { skip: nativeSkip } = ensureNative();
const FRAMES = 4;
const ROWS = [1, 3, 1];
const engines: TrainEngine[] = [];
afterAll(() => {
  for (const e of engines) e.dispose();
});

type Make = (config: ModelConfig, params: ParamSet) => Promise<TrainEngine>;

const makers: Array<[string, Make, string | null]> = [
  [
    'native',
    async (config, params) => new NativeEngine({ config, frames: FRAMES, params, threads: 2 }),
    nativeSkip,
  ],
  [
    'tfjs',
    (config, params) =>
      tfjsEngineFactory({ backends: ['wasm', 'cpu'] }).create({ config, frames: FRAMES, params }),
    null,
  ],
];

function setup(): { config: ModelConfig; params: ParamSet; batch: PixelBatch; aligner: Aligner } {
  const config = tinyHashConfig([1, 2]);
  const params = randomParams(config, FRAMES, 21);
  const batch = randomBatch(createRng(5), ROWS, 40);
  const rng = createRng(77);
  const features = { rows: FRAMES, dim: 7, data: new Float32Array(FRAMES * 7).map(() => rng.normal()) };
  // A large λ so the alignment part of the gradient is comparable to the MSE part.
  const aligner = new Aligner({ features, lambda: 0.5, projection: 'linear' }, config.latent.dim, 3);
  return { config, params, batch, aligner };
}

for (const [name, make, skip] of makers) {
  describe.skipIf(skip !== null)(`${name} engine with an alignment gradient`, () => {
    it('adds latentGrad to the MSE gradient of the batch rows and nowhere else', async () => {
      const { config, params, batch, aligner } = setup();
      const engine = await make(config, params);
      engines.push(engine);
      const D = config.latent.dim;
      const z = await engine.readLatentRows!(batch.frameIndex);
      const latents = params.get('latents')!.data;
      ROWS.forEach((row, f) => {
        expect(z.subarray(f * D, (f + 1) * D)).toEqual(latents.subarray(row * D, (row + 1) * D));
      });
      const { latentGrad } = aligner.gradient(batch.frameIndex, z);
      const plain = await engine.gradients(batch);
      const withExtra = await engine.gradients(batch, { latentGrad });
      expect(withExtra.loss).toBe(plain.loss);
      const expected = plain.grads.get('latents')!.data.slice();
      ROWS.forEach((row, f) => {
        for (let k = 0; k < D; k++) expected[row * D + k] += latentGrad[f * D + k];
      });
      const got = withExtra.grads.get('latents')!.data;
      for (let i = 0; i < expected.length; i++) expect(got[i]).toBeCloseTo(expected[i], 6);
      // Row 1 appears twice: both extra rows landed on it.
      expect(Math.abs(got[D] - plain.grads.get('latents')!.data[D])).toBeGreaterThan(1e-5);
      for (const [tensor, g] of plain.grads) {
        if (tensor !== 'latents') expect(withExtra.grads.get(tensor)!.data).toEqual(g.data);
      }
    });

    it('the combined gradient matches finite differences of MSE + λ·L_cos in the latents', async () => {
      const { config, params, batch, aligner } = setup();
      const engine = await make(config, params);
      engines.push(engine);
      const D = config.latent.dim;
      const z = await engine.readLatentRows!(batch.frameIndex);
      const { latentGrad } = aligner.gradient(batch.frameIndex, z);
      const { grads } = await engine.gradients(batch, { latentGrad });
      const p64 = toParams64(params);
      const lat = p64.get('latents')!;
      const total = () => {
        const zRows = new Float32Array(ROWS.length * D);
        ROWS.forEach((row, f) => {
          for (let k = 0; k < D; k++) zRows[f * D + k] = lat[row * D + k];
        });
        return loss64(config, p64, batch) + aligner.gradient(batch.frameIndex, zRows).loss;
      };
      const h = 1e-3;
      let err = 0;
      let scale = 0;
      for (const row of [1, 3]) {
        for (let k = 0; k < D; k++) {
          const i = row * D + k;
          const x = lat[i];
          lat[i] = x + h;
          const plus = total();
          lat[i] = x - h;
          const minus = total();
          lat[i] = x;
          const fd = (plus - minus) / (2 * h);
          err += (grads.get('latents')!.data[i] - fd) ** 2;
          scale += fd ** 2;
        }
      }
      expect(Math.sqrt(err / scale)).toBeLessThan(2e-3);
    });

    it('a step with the extra gradient moves the latents along the combined gradient', async () => {
      const { config, params, batch, aligner } = setup();
      const engine = await make(config, params);
      engines.push(engine);
      const D = config.latent.dim;
      const { latentGrad } = aligner.gradient(
        batch.frameIndex,
        await engine.readLatentRows!(batch.frameIndex),
      );
      const plain = (await engine.gradients(batch)).grads.get('latents')!.data;
      const combined = (await engine.gradients(batch, { latentGrad })).grads.get('latents')!.data;
      const rates: GroupRates = { latents: 1e-3, encoding: 0, base: 0, hyper: 0, patch: 0 };
      await engine.step(batch, rates, { latentGrad });
      const after = (await engine.getParams()).get('latents')!.data;
      const before = params.get('latents')!.data;
      let flipped = 0;
      for (let i = 0; i < after.length; i++) {
        // Adam's first step: −lr · g / (|g| + ε).
        const g = combined[i];
        expect(after[i] - before[i]).toBeCloseTo(g === 0 ? 0 : -1e-3 * Math.sign(g), 6);
        if (Math.sign(g) !== Math.sign(plain[i]) && g !== 0) flipped++;
      }
      expect(flipped).toBeGreaterThan(0); // the alignment term changed the direction of some entries
      expect(after.subarray(0, D)).toEqual(before.subarray(0, D)); // row 0 is not in the batch
    });
  });
}
