import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/codec/model/config.js';
import { initParams } from '../../../src/codec/model/init.js';
import {
  WARP_OTYPES,
  warpCoords,
  warpLatentDims,
  warpParams,
  zeroWarpLatents,
} from '../../../src/codec/model/warp.js';
import { createRng } from '../../../src/codec/util/random.js';
import { hashConfig } from './fixtures.js';

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

/** Spec §4.3.2.1 written out: float64 arithmetic on the float32 inputs, clamped, rounded to float32. */
function reference(p: ArrayLike<number>, x: number, y: number): [number, number] {
  const [u, v, a, b, c, d] = Array.from(p);
  return [
    Math.fround(clamp01(x + u + a * (x - 0.5) + b * (y - 0.5))),
    Math.fround(clamp01(y + v + c * (x - 0.5) + d * (y - 0.5))),
  ];
}

function warped(p: number[], coords: number[]): number[] {
  const input = Float32Array.from(coords);
  const out = new Float32Array(input.length);
  return Array.from(warpCoords(Float64Array.from(p), input, input.length / 2, out));
}

function withWarp(warp: ModelConfig['warp'], dim = 8): ModelConfig {
  return hashConfig({ warp, latent: { dim, init_std: 0.5 } });
}

describe('warpLatentDims', () => {
  it('is 0 without a warp, 2 for a translation and 6 for an affine warp', () => {
    expect(warpLatentDims(undefined)).toBe(0);
    expect(warpLatentDims(null)).toBe(0);
    expect(warpLatentDims({ otype: 'Translation', scale: 0.1 })).toBe(2);
    expect(warpLatentDims({ otype: 'Affine', scale: 0.1 })).toBe(6);
    expect([...WARP_OTYPES]).toEqual(['Translation', 'Affine']);
  });
});

describe('warpParams', () => {
  const z = Float32Array.from([0.3, -0.7, 0.11, 2.5, -1.25, 0.9, 5, 6]);

  it('is null without a warp', () => {
    expect(warpParams(hashConfig(), z)).toBeNull();
    expect(warpParams(withWarp(null), z)).toBeNull();
  });

  it('scales z[0], z[1] for a translation, the rest 0', () => {
    const p = warpParams(withWarp({ otype: 'Translation', scale: 0.1 }), z)!;
    expect(p).toBeInstanceOf(Float64Array);
    expect(Array.from(p)).toEqual([0.1 * z[0], 0.1 * z[1], 0, 0, 0, 0]);
  });

  it('scales z[0..5] for an affine warp, in float64 on the float32 latent', () => {
    const p = warpParams(withWarp({ otype: 'Affine', scale: 0.1 }), z)!;
    expect(Array.from(p)).toEqual(Array.from(z.subarray(0, 6), (v) => 0.1 * v));
    // The products are not rounded to float32.
    expect(Array.from(p).some((v) => v !== Math.fround(v))).toBe(true);
  });
});

describe('warpCoords', () => {
  it('leaves coordinates unchanged with all parameters 0', () => {
    const coords = [0.015625, 0.5, 0.3, 0.7, 0.984375, 0.1];
    expect(warped([0, 0, 0, 0, 0, 0], coords)).toEqual(Array.from(Float32Array.from(coords)));
  });

  it('translates by (u, v)', () => {
    expect(warped([0.25, -0.125, 0, 0, 0, 0], [0.5, 0.5, 0.25, 0.75])).toEqual([0.75, 0.375, 0.5, 0.625]);
  });

  it('applies a, b, c, d around the frame centre (½, ½)', () => {
    // The centre only moves by (u, v).
    expect(warped([0.125, 0.0625, 0.5, -0.25, 0.75, 0.5], [0.5, 0.5])).toEqual([0.625, 0.5625]);
    // x' = 0.75 + 0.5·0.25 − 0.25·(−0.25) = 0.9375, y' = 0.25 + 0.75·0.25 + 0.5·(−0.25) = 0.3125.
    expect(warped([0, 0, 0.5, -0.25, 0.75, 0.5], [0.75, 0.25])).toEqual([0.9375, 0.3125]);
    // d = −0.1 is a vertical zoom: rows move towards the centre.
    const [x, y] = warped([0, 0, 0, 0, 0, -0.1], [0.2, 0.9]);
    expect(x).toBe(Math.fround(0.2));
    expect(y).toBe(Math.fround(Math.fround(0.9) - 0.1 * (Math.fround(0.9) - 0.5)));
  });

  it('clamps to [0, 1]', () => {
    expect(warped([0.2, -0.2, 0, 0, 0, 0], [0.9, 0.1, 0.8, 0.15, 0.5, 0.5])).toEqual([
      1,
      0,
      1,
      0,
      Math.fround(0.7),
      Math.fround(0.3),
    ]);
    // Clamped through the affine terms too: a = 4 and d = −4 push coordinates far out on either side.
    expect(warped([0, 0, 4, 0, 0, -4], [0.1, 0.9, 0.9, 0.1])).toEqual([0, 0, 1, 1]);
    expect(warped([-1, 1, 0, 0, 0, 0], [0, 1])).toEqual([0, 1]);
  });

  it('matches the spec formula bit for bit: float64 arithmetic, clamped, rounded once to float32', () => {
    const rng = createRng(7);
    const n = 2000;
    const coords = new Float32Array(2 * n);
    for (let i = 0; i < coords.length; i++) coords[i] = rng.uniform(0, 1);
    let float32Steps = 0;
    for (let trial = 0; trial < 20; trial++) {
      const p = Float64Array.from({ length: 6 }, () => 0.1 * Math.fround(rng.uniform(-2, 2)));
      const out = warpCoords(p, coords, n, new Float32Array(2 * n));
      for (let k = 0; k < n; k++) {
        const [x, y] = reference(p, coords[2 * k], coords[2 * k + 1]);
        expect(out[2 * k]).toBe(x);
        expect(out[2 * k + 1]).toBe(y);
        // The same formula rounded to float32 after every operation gives other values now and then.
        const f = Math.fround;
        const [u, , a, b] = Array.from(p, f);
        const cx = coords[2 * k];
        const cy = coords[2 * k + 1];
        const stepwise = f(clamp01(f(f(f(cx + u) + f(a * f(cx - 0.5))) + f(b * f(cy - 0.5)))));
        if (stepwise !== x) float32Steps++;
      }
    }
    expect(float32Steps).toBeGreaterThan(0);
  });

  it('writes only the first n coordinate pairs of out', () => {
    const out = new Float32Array(6).fill(-1);
    const coords = Float32Array.from([0.5, 0.5, 0.25, 0.25, 0.75, 0.75]);
    const result = warpCoords(Float64Array.from([0.25, 0.25, 0, 0, 0, 0]), coords, 2, out);
    expect(result).toBe(out);
    expect(Array.from(out)).toEqual([0.75, 0.75, 0.5, 0.5, -1, -1]);
  });
});

describe('zeroWarpLatents', () => {
  const frames = 4;
  const filled = (dim: number) => Float32Array.from({ length: frames * dim }, (_, i) => i + 1);

  it('zeroes the first 6 components of every row for an affine warp, and nothing else', () => {
    const dim = 8;
    const latents = filled(dim);
    zeroWarpLatents(withWarp({ otype: 'Affine', scale: 0.1 }, dim), latents);
    for (let f = 0; f < frames; f++) {
      for (let k = 0; k < dim; k++) expect(latents[f * dim + k]).toBe(k < 6 ? 0 : f * dim + k + 1);
    }
  });

  it('zeroes the first 2 components for a translation; leaves latents alone without a warp', () => {
    const dim = 3;
    const latents = filled(dim);
    zeroWarpLatents(withWarp({ otype: 'Translation', scale: 0.1 }, dim), latents);
    expect(Array.from(latents)).toEqual([0, 0, 3, 0, 0, 6, 0, 0, 9, 0, 0, 12]);
    const untouched = filled(dim);
    zeroWarpLatents(withWarp(null, dim), untouched);
    expect(untouched).toEqual(filled(dim));
  });

  it('makes initParams start every frame unwarped', () => {
    const config = withWarp({ otype: 'Affine', scale: 0.1 }, 9);
    const z = initParams(config, 5, 11).get('latents')!.data;
    for (let f = 0; f < 5; f++) {
      expect(Array.from(z.subarray(f * 9, f * 9 + 6))).toEqual([0, 0, 0, 0, 0, 0]);
      expect(z.subarray(f * 9 + 6, f * 9 + 9).some((v) => v !== 0)).toBe(true);
    }
  });
});
