import { describe, expect, it } from 'vitest';
import { ModelError } from '../../../src/codec/model/errors.js';
import { latentAt } from '../../../src/codec/model/latent.js';

describe('latentAt', () => {
  const latents = new Float32Array([0.1, 0.2, 0.3, 1, -1, 5, 2, 2, 2]); // 3 frames × 3
  it('returns the exact row for integer t', () => {
    expect(Array.from(latentAt(latents, 3, 3, 1))).toEqual(Array.from(latents.subarray(3, 6)));
    expect(Array.from(latentAt(latents, 3, 3, 2))).toEqual([2, 2, 2]);
  });
  it('interpolates linearly between neighbouring rows', () => {
    const z = latentAt(latents, 3, 3, 1.25);
    const expected = [0.75 * 1 + 0.25 * 2, 0.75 * -1 + 0.25 * 2, 0.75 * 5 + 0.25 * 2];
    for (const [i, e] of expected.entries()) expect(z[i]).toBeCloseTo(e, 6);
  });
  it('rejects times outside [0, frames − 1]', () => {
    for (const t of [-0.01, 2.0001, Number.NaN, Number.POSITIVE_INFINITY]) {
      expect(() => latentAt(latents, 3, 3, t)).toThrow(ModelError);
    }
    expect(() => latentAt(latents, 3, 3, 3)).toThrow(/outside \[0, 2\]/);
  });
});
