import { describe, expect, it } from 'vitest';
import { fillHeldOutLatents, temporalLatents, trainedFrameIndices } from '../../../src/codec/train/index.js';

describe('held-out frames', () => {
  it('trains frames 0, α, 2α, …', () => {
    expect(trainedFrameIndices(7, 1)).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(trainedFrameIndices(7, 3)).toEqual([0, 3, 6]);
    expect(trainedFrameIndices(8, 3)).toEqual([0, 3, 6]);
    expect(() => trainedFrameIndices(8, 0)).toThrow(/stride/);
  });

  it('fills rows between trained ones linearly and copies the last trained row past the end', () => {
    const latents = Float32Array.from([0, 10, 99, 99, 99, 99, 3, 40, 99, 99]); // dim 2, rows 0..4
    fillHeldOutLatents(latents, 2, [0, 3]);
    expect(Array.from(latents)).toEqual([0, 10, 1, 20, 2, 30, 3, 40, 3, 40]);
  });

  it('rejects trained lists that are not ascending rows of the table', () => {
    expect(() => fillHeldOutLatents(new Float32Array(6), 2, [2, 1])).toThrow(/ascending/);
    expect(() => fillHeldOutLatents(new Float32Array(6), 2, [3])).toThrow(/ascending/);
  });

  it('temporal latents have RMS σ per dimension and move little between neighbouring frames', () => {
    const frames = 16;
    const dim = 6;
    const z = new Float32Array(frames * dim);
    temporalLatents(z, dim, 0.5);
    for (let d = 0; d < dim; d++) {
      let sum = 0;
      for (let t = 0; t < frames; t++) sum += z[t * dim + d] ** 2;
      expect(Math.sqrt(sum / frames)).toBeCloseTo(0.5, 5);
    }
    const step = Math.hypot(...Array.from({ length: dim }, (_, d) => z[dim + d] - z[d]));
    const across = Math.hypot(...Array.from({ length: dim }, (_, d) => z[8 * dim + d] - z[d]));
    expect(step).toBeLessThan(across / 2);
  });
});
