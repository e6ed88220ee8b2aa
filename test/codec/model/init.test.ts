import { describe, expect, it } from 'vitest';
import { type ModelConfig, profileConfig } from '../../../src/codec/model/config.js';
import { HASH_TABLE_INIT_RANGE, initParams } from '../../../src/codec/model/init.js';
import { getParam, paramSpecs } from '../../../src/codec/model/params.js';

function stats(a: Float32Array): { mean: number; std: number; maxAbs: number } {
  let s = 0;
  let s2 = 0;
  let m = 0;
  for (const v of a) {
    s += v;
    s2 += v * v;
    m = Math.max(m, Math.abs(v));
  }
  const mean = s / a.length;
  return { mean, std: Math.sqrt(s2 / a.length - mean * mean), maxAbs: m };
}

function sameBits(a: Float32Array, b: Float32Array): boolean {
  const x = new Uint32Array(a.buffer, a.byteOffset, a.length);
  const y = new Uint32Array(b.buffer, b.byteOffset, b.length);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

describe('initParams', () => {
  const config = profileConfig('M', 320, 180);
  const params = initParams(config, 30, 1234);

  it('follows paramSpecs names, shapes and order', () => {
    const specs = paramSpecs(config, 30);
    expect([...params.keys()]).toEqual(specs.map((s) => s.name));
    for (const s of specs) expect(getParam(params, s.name).shape).toEqual(s.shape);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const again = initParams(config, 30, 1234);
    const other = initParams(config, 30, 1235);
    for (const [name, t] of params) expect(sameBits(again.get(name)!.data, t.data), name).toBe(true);
    expect(sameBits(other.get('base.0.weight')!.data, params.get('base.0.weight')!.data)).toBe(false);
  });

  it('uses the documented distributions', () => {
    // The warp's components (the first 6 of each row) start at 0, the rest ~ N(0, init_std²).
    const latents = getParam(params, 'latents').data;
    const dim = config.latent.dim;
    const warpPart = latents.filter((_, i) => i % dim < 6);
    const rest = latents.filter((_, i) => i % dim >= 6);
    expect(warpPart.every((v) => v === 0)).toBe(true);
    const lat = stats(rest);
    expect(Math.abs(lat.std - config.latent.init_std) / config.latent.init_std).toBeLessThan(0.1);
    const grid = stats(getParam(params, 'encoding.level0').data);
    expect(grid.maxAbs).toBeLessThanOrEqual(HASH_TABLE_INIT_RANGE);
    expect(grid.maxAbs).toBeGreaterThan(0.9 * HASH_TABLE_INIT_RANGE);

    // Uniform ±sqrt(6 / fan_in) (He), doubled on modulated layers (σ(P·Q) starts near ½): layer 0 in profile M.
    expect(config.modulation.layers).toEqual([0]);
    const [in0, k] = [getParam(params, 'base.0.weight').shape[1], config.base.n_neurons];
    const w0 = stats(getParam(params, 'base.0.weight').data);
    expect(w0.maxAbs).toBeLessThanOrEqual(2 * Math.sqrt(6 / in0));
    expect(w0.maxAbs).toBeGreaterThan(0.95 * 2 * Math.sqrt(6 / in0));
    const w1 = stats(getParam(params, 'base.1.weight').data);
    expect(w1.maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / k));
    expect(w1.maxAbs).toBeGreaterThan(0.95 * Math.sqrt(6 / k));
    expect(stats(getParam(params, 'base.2.weight').data).maxAbs).toBeLessThanOrEqual(Math.sqrt(6 / k));
    expect(stats(getParam(params, 'base.0.bias').data).maxAbs).toBe(0);

    const d = config.latent.dim;
    const h0w = stats(getParam(params, 'hyper.0.0.weight').data);
    expect(h0w.maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(d));
    expect(h0w.maxAbs).toBeGreaterThan(0.9 / Math.sqrt(d));
    const h0b = stats(getParam(params, 'hyper.0.0.bias').data);
    expect(h0b.maxAbs).toBeGreaterThan(0);
    expect(h0b.maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(d));
    const hLast = config.modulation.hyper_hidden[0];
    expect(stats(getParam(params, 'hyper.0.1.bias').data).maxAbs).toBeLessThanOrEqual(1 / Math.sqrt(hLast));
  });

  it('initializes patch conv like PyTorch Conv2d', () => {
    const patched: ModelConfig = { ...config, patch: { size: 2, channels: 8 } };
    const p = initParams(patched, 2, 9);
    const bound = 1 / Math.sqrt(8 * 9);
    for (const name of ['patch.conv.weight', 'patch.conv.bias']) {
      const s = stats(getParam(p, name).data);
      expect(s.maxAbs).toBeLessThanOrEqual(bound);
      expect(s.maxAbs).toBeGreaterThan(0.5 * bound);
    }
  });

  it('rejects a bad frame count', () => {
    expect(() => initParams(config, 0, 1)).toThrow(/frames must be a positive integer/);
  });
});
