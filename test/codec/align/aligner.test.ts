/**
 * The alignment term on its own: its loss and gradients (latents, projection weight and bias) against central
 * finite differences in float64, Adam on the projection, state round trip, and rows without a feature.
 */
import { describe, expect, it } from 'vitest';
import { Aligner } from '../../../src/codec/align/aligner.js';
import { cosine } from '../../../src/codec/align/cosine.js';
import type { FeatureTable } from '../../../src/codec/align/features.js';
import { createRng } from '../../../src/codec/util/random.js';

function randomTable(rows: number, dim: number, seed: number): FeatureTable {
  const rng = createRng(seed);
  const data = new Float32Array(rows * dim);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows, dim, data };
}

/** λ · mean(1 − cos(W z + b, f)) in float64, written independently of aligner.ts. */
function loss64(
  lambda: number,
  w: Float64Array,
  b: Float64Array,
  z: Float64Array,
  rows: number[],
  feats: FeatureTable,
  D: number,
): number {
  const F = feats.dim;
  let sum = 0;
  for (let f = 0; f < rows.length; f++) {
    const y = new Float64Array(F);
    for (let i = 0; i < F; i++) {
      let s = b[i];
      for (let k = 0; k < D; k++) s += w[i * D + k] * z[f * D + k];
      y[i] = s;
    }
    sum += 1 - cosine(y, 0, feats.data, rows[f] * F, F);
  }
  return (lambda * sum) / rows.length;
}

describe('Aligner', () => {
  it('gradients of λ·mean(1 − cos(Wz + b, f)) match finite differences for z, W and b', () => {
    const D = 5;
    const feats = randomTable(6, 7, 1);
    const lambda = 0.3;
    const aligner = new Aligner({ features: feats, lambda, projection: 'linear' }, D, 11);
    const rows = [2, 0, 2, 5];
    const frameIndex = Int32Array.from(rows);
    const rng = createRng(4);
    const z = new Float32Array(rows.length * D).map(() => rng.normal());
    const step = aligner.gradient(frameIndex, z);
    const w = Float64Array.from(aligner.projection.weight);
    const b = Float64Array.from(aligner.projection.bias);
    const z64 = Float64Array.from(z);
    expect(step.loss).toBeCloseTo(loss64(lambda, w, b, z64, rows, feats, D), 6);
    const h = 1e-5;
    const fd = (v: Float64Array, i: number) => {
      const x = v[i];
      v[i] = x + h;
      const plus = loss64(lambda, w, b, z64, rows, feats, D);
      v[i] = x - h;
      const minus = loss64(lambda, w, b, z64, rows, feats, D);
      v[i] = x;
      return (plus - minus) / (2 * h);
    };
    for (let i = 0; i < z64.length; i++) expect(step.latentGrad[i]).toBeCloseTo(fd(z64, i), 5);
    const state = aligner.state();
    expect(state.params.get('align.proj.weight')!.shape).toEqual([7, 5]);
    // The W/b gradient is what update() applies: at step 1 Adam moves each entry by −rate·sign(g).
    const rate = 1e-3;
    aligner.update(rate);
    const movedW = aligner.projection.weight;
    for (let i = 0; i < w.length; i += 3) {
      const g = fd(w, i);
      if (Math.abs(g) < 1e-6) continue;
      expect(movedW[i] - w[i]).toBeCloseTo(-rate * Math.sign(g), 6);
    }
    for (let i = 0; i < b.length; i++) {
      const g = fd(b, i);
      if (Math.abs(g) < 1e-6) continue;
      expect(aligner.projection.bias[i] - b[i]).toBeCloseTo(-rate * Math.sign(g), 6);
    }
  });

  it('the identity projection passes the cosine gradient straight to the latents', () => {
    const feats = randomTable(3, 4, 2);
    const aligner = new Aligner({ features: feats, lambda: 1 }, 4, 0);
    expect(aligner.linear).toBe(false);
    const z = new Float32Array(feats.data.subarray(4, 8)).map((v) => 2 * v);
    const step = aligner.gradient(Int32Array.of(1), z);
    // z is parallel to its feature: zero loss, zero gradient.
    expect(step.loss).toBeCloseTo(0, 6);
    expect(Math.max(...step.latentGrad.map(Math.abs))).toBeLessThan(1e-6);
    expect(aligner.state().params.size).toBe(0);
  });

  it('frames whose feature row is all zeros are left out of the mean', () => {
    const feats = randomTable(3, 4, 3);
    feats.data.fill(0, 4, 8);
    const aligner = new Aligner({ features: feats, lambda: 1, projection: 'identity' }, 4, 0);
    const z = new Float32Array(8).map((_, i) => i - 3.5);
    const both = aligner.gradient(Int32Array.of(0, 1), z);
    const one = aligner.gradient(Int32Array.of(0), z.slice(0, 4));
    expect(both.loss).toBeCloseTo(one.loss, 6);
    expect([...both.latentGrad.subarray(4)]).toEqual([0, 0, 0, 0]);
    expect(aligner.gradient(Int32Array.of(1), z.slice(4)).latentGrad.every((v) => v === 0)).toBe(true);
  });

  it('training only the projection drives the cosine up, and state() / restore() continue identically', () => {
    const D = 6;
    const feats = randomTable(8, 10, 5);
    const rng = createRng(8);
    const z = new Float32Array(8 * D).map(() => rng.normal());
    const rows = Int32Array.from([0, 1, 2, 3, 4, 5, 6, 7]);
    const a = new Aligner({ features: feats, lambda: 1, projection: 'linear' }, D, 3);
    const first = a.gradient(rows, z).cosine;
    for (let i = 0; i < 150; i++) {
      a.gradient(rows, z);
      a.update(0.02);
    }
    const b = new Aligner({ features: feats, lambda: 1, projection: 'linear' }, D, 99);
    b.restore(a.state());
    for (let i = 0; i < 50; i++) {
      a.gradient(rows, z);
      a.update(0.02);
      b.gradient(rows, z);
      b.update(0.02);
    }
    expect(a.gradient(rows, z).cosine).toBeGreaterThan(0.95);
    expect(first).toBeLessThan(0.5);
    expect(b.projection.weight).toEqual(a.projection.weight);
    expect(b.projection.bias).toEqual(a.projection.bias);
  });

  it('rejects bad options with clear errors', () => {
    const feats = randomTable(2, 3, 1);
    expect(() => new Aligner({ features: feats, lambda: -1 }, 3, 0)).toThrow(/λ/);
    expect(() => new Aligner({ features: feats, projection: 'identity' }, 4, 0)).toThrow(/identity/);
    const a = new Aligner({ features: feats }, 3, 0);
    expect(() => a.gradient(Int32Array.of(5), new Float32Array(3))).toThrow(/row 5/);
    expect(
      () => new Aligner({ features: { rows: 1, dim: 3, data: Float32Array.of(1, Number.NaN, 0) } }, 3, 0),
    ).toThrow(/non-finite/);
  });
});
