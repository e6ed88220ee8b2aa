/**
 * Per-sample loss weights (PixelBatch.weight) and per-sample errors (StepExtras.sampleErrors), which importance
 * sampling stands on, on both training engines: the errors add up to the MSE, the weights scale each sample's
 * share of the loss and of every gradient.
 */
import { describe, expect, it } from 'vitest';
import { NativeEngine } from '../../../src/codec/engine/native/engine.js';
import { tfjsEngineFactory } from '../../../src/codec/engine/tfjs/index.js';
import type { PixelBatch, TrainEngine } from '../../../src/codec/engine/types.js';
import type { ModelConfig } from '../../../src/codec/model/config.js';
import type { ParamSet } from '../../../src/codec/model/params.js';
import { createRng } from '../../../src/codec/util/random.js';
import { ensureNative, randomBatch, randomParams, tinyTemporalConfig } from './native/helpers.js';

const { skip } = ensureNative();
const config: ModelConfig = { ...tinyTemporalConfig(), warp: { otype: 'Affine', scale: 0.3 } };
config.latent = { ...config.latent, dim: 7 };
const frames = 3;
const pixels = 40;

type Make = (params: ParamSet) => Promise<TrainEngine>;
const engines: Array<[string, Make, boolean]> = [
  ['native', async (params) => new NativeEngine({ config, frames, params, threads: 2 }), skip !== null],
  ['tfjs', (params) => tfjsEngineFactory({ backends: ['cpu'] }).create({ config, frames, params }), false],
];

/** Rows of `batch` for frame groups `keep` only. */
function subBatch(batch: PixelBatch, keep: number[]): PixelBatch {
  const p = batch.pixelsPerFrame;
  const coords = new Float32Array(keep.length * p * 2);
  const target = new Float32Array(keep.length * p * 3);
  keep.forEach((f, k) => {
    coords.set(batch.coords.subarray(f * p * 2, (f + 1) * p * 2), k * p * 2);
    target.set(batch.target.subarray(f * p * 3, (f + 1) * p * 3), k * p * 3);
  });
  return { frameIndex: Int32Array.from(keep, (f) => batch.frameIndex[f]), pixelsPerFrame: p, coords, target };
}

function maxRelativeDifference(a: ParamSet, b: ParamSet): number {
  let worst = 0;
  let scale = 0;
  for (const [name, t] of a) for (const v of t.data) scale = Math.max(scale, Math.abs(v));
  for (const [name, t] of a) {
    const u = b.get(name)!.data;
    for (let i = 0; i < t.data.length; i++) worst = Math.max(worst, Math.abs(t.data[i] - u[i]));
  }
  return worst / scale;
}

describe.each(engines)('%s engine: sample weights and errors', (_name, make, skipped) => {
  it.skipIf(skipped)('per-sample errors sum to the MSE; weights 2 on frame group 0 and 0 on group 1 equal group 0 alone', async () => {
    const params = randomParams(config, frames, 11);
    const batch = randomBatch(createRng(12), [2, 0], pixels);
    const engine = await make(params);
    try {
      const sampleErrors = new Float32Array(2 * pixels);
      const plain = await engine.gradients(batch, { sampleErrors });
      const sum = sampleErrors.reduce((a, b) => a + b, 0);
      expect(sum / (2 * pixels * 3)).toBeCloseTo(plain.loss, 6);
      expect(Math.min(...sampleErrors)).toBeGreaterThanOrEqual(0);

      const weight = new Float32Array(2 * pixels);
      weight.fill(2, 0, pixels);
      const weighted = await engine.gradients({ ...batch, weight }, { sampleErrors: new Float32Array(2 * pixels) });
      const alone = await engine.gradients(subBatch(batch, [0]));
      expect(weighted.loss).toBeCloseTo(alone.loss, 6);
      expect(maxRelativeDifference(alone.grads, weighted.grads)).toBeLessThan(1e-5);
      // And the weighting is not a no-op: the unweighted gradient differs.
      expect(maxRelativeDifference(alone.grads, plain.grads)).toBeGreaterThan(1e-2);

      const doubled = await engine.gradients({ ...batch, weight: new Float32Array(2 * pixels).fill(2) });
      expect(doubled.loss).toBeCloseTo(2 * plain.loss, 6);
    } finally {
      engine.dispose();
    }
  });

  it.skipIf(skipped)('rejects weights and error buffers of the wrong length', async () => {
    const engine = await make(randomParams(config, frames, 3));
    try {
      const batch = randomBatch(createRng(4), [1], pixels);
      await expect(engine.gradients({ ...batch, weight: new Float32Array(pixels - 1) })).rejects.toThrow(/weight/);
      await expect(engine.gradients(batch, { sampleErrors: new Float32Array(3) })).rejects.toThrow(/sampleErrors/);
    } finally {
      engine.dispose();
    }
  });
});
