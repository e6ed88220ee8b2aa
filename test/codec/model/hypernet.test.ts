import { describe, expect, it } from 'vitest';
import { profileConfig } from '../../../src/codec/model/config.js';
import { frameWeights, hyperForward, modulationMask } from '../../../src/codec/model/hypernet.js';
import { initParams } from '../../../src/codec/model/init.js';
import { prepareModel } from '../../../src/codec/model/model.js';

const sigmoid = (u: number) => 1 / (1 + Math.exp(-u));

describe('hypernetwork and modulation', () => {
  it('computes v = W2·tanh(W1·z + b1) + b2 (tanh on hidden layers only)', () => {
    const z = new Float32Array([0.5, -1]);
    const hidden = { inDim: 2, outDim: 1, weight: new Float32Array([2, 1]), bias: new Float32Array([0.25]) };
    const output = {
      inDim: 1,
      outDim: 3,
      weight: new Float32Array([1, -2, 4]),
      bias: new Float32Array([0, 1, -1]),
    };
    const h = Math.tanh(2 * 0.5 + 1 * -1 + 0.25);
    const v = hyperForward([hidden, output], z);
    for (const [i, e] of [h, -2 * h + 1, 4 * h - 1].entries()) expect(v[i]).toBeCloseTo(e, 6);
  });

  it('splits v into P (out×r) then Q (r×in) and returns sigmoid(P·Q)', () => {
    // out = 2, in = 3, rank = 2: P = [[1, 0], [-1, 2]], Q = [[0.5, 1, 0], [0, -1, 3]].
    const v = new Float32Array([1, 0, -1, 2, 0.5, 1, 0, 0, -1, 3]);
    const m = modulationMask(v, 2, 3, 2);
    const pq = [0.5, 1, 0, -0.5, -3, 6];
    for (const [i, u] of pq.entries()) expect(m[i]).toBeCloseTo(sigmoid(u), 6);
  });

  it('gives every base layer a weight; modulated layers get M ∘ W with the shapes of W', () => {
    const config = profileConfig('S', 64, 48);
    const model = prepareModel({ config, params: initParams(config, 3, 5) });
    const z = model.latents.subarray(0, model.latentDim);
    const weights = frameWeights(model, z);
    expect(weights.length).toBe(model.base.length);
    weights.forEach((w, i) => {
      expect(w.length).toBe(model.base[i].outDim * model.base[i].inDim);
      if (!config.modulation.layers.includes(i)) expect(w).toBe(model.base[i].weight);
    });
    const l = config.modulation.layers[0];
    const { outDim, inDim, weight } = model.base[l];
    const hyper = model.hyper[0];
    const v = hyperForward(hyper.layers, z);
    expect(v.length).toBe(config.modulation.rank * (outDim + inDim));
    const mask = modulationMask(v, outDim, inDim, config.modulation.rank);
    for (const k of [0, 17, outDim * inDim - 1]) {
      expect(mask[k]).toBeGreaterThan(0);
      expect(mask[k]).toBeLessThan(1);
      expect(weights[l][k]).toBeCloseTo(mask[k] * weight[k], 6);
    }
  });
});
