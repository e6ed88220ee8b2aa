import { describe, expect, it } from 'vitest';
import { conv3x3, conv3x3Rows, conv3x3WeightHWC, pixelShuffle } from '../../../src/codec/model/patch.js';
import { createRng } from '../../../src/codec/util/random.js';

/** PyTorch Conv2d(padding=1) on CHW tensors, written from its definition. */
function torchConv(
  input: Float32Array,
  C: number,
  H: number,
  W: number,
  weight: Float32Array,
  bias: Float32Array,
  O: number,
) {
  const out = new Float64Array(O * H * W);
  for (let o = 0; o < O; o++)
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++) {
        let s = bias[o];
        for (let c = 0; c < C; c++)
          for (let ky = 0; ky < 3; ky++)
            for (let kx = 0; kx < 3; kx++) {
              const yy = y + ky - 1;
              const xx = x + kx - 1;
              if (yy >= 0 && yy < H && xx >= 0 && xx < W)
                s += weight[((o * C + c) * 3 + ky) * 3 + kx] * input[(c * H + yy) * W + xx];
            }
        out[(o * H + y) * W + x] = s;
      }
  return out;
}

describe('patch conv and pixel shuffle', () => {
  const [C, H, W, O] = [3, 5, 4, 8];
  const rng = createRng(11);
  const chw = new Float32Array(C * H * W).map(() => rng.uniform(-1, 1));
  const weight = new Float32Array(O * C * 9).map(() => rng.uniform(-1, 1));
  const bias = new Float32Array(O).map(() => rng.uniform(-1, 1));
  const hwc = new Float32Array(H * W * C);
  for (let c = 0; c < C; c++) for (let i = 0; i < H * W; i++) hwc[i * C + c] = chw[c * H * W + i];

  it('matches PyTorch Conv2d(3×3, padding 1) cross-correlation', () => {
    const expected = torchConv(chw, C, H, W, weight, bias, O);
    const out = conv3x3(hwc, H, W, C, weight, bias, O);
    for (let o = 0; o < O; o++)
      for (let i = 0; i < H * W; i++) expect(out[i * O + o]).toBeCloseTo(expected[o * H * W + i], 5);
  });

  it('gives the same rows when computed band by band from partial inputs', () => {
    const whole = conv3x3(hwc, H, W, C, weight, bias, O);
    const wt = conv3x3WeightHWC(weight, O, C);
    const band = new Float32Array(2 * W * O);
    // Output rows 2..3 need input rows 1..4.
    conv3x3Rows(hwc.subarray(1 * W * C, 5 * W * C), 1, 4, H, W, C, wt, bias, O, 2, 2, band);
    expect(Array.from(band)).toEqual(Array.from(whole.subarray(2 * W * O, 4 * W * O)));
    expect(() => conv3x3Rows(hwc.subarray(2 * W * C), 2, 3, H, W, C, wt, bias, O, 2, 2, band)).toThrow(
      /rows 1\.\.4 needed/,
    );
  });

  it('pixel-shuffles channel c·p² + (Y mod p)·p + (X mod p) and crops', () => {
    // One row of two centroids, p = 2, 12 conv channels; centroid k's channel j holds 100·k + j.
    const conv = new Float32Array(24).map((_, i) => 100 * Math.floor(i / 12) + (i % 12));
    const image = new Float32Array(3 * 2 * 3).fill(-1); // 3 wide (cropped from 4), 2 high
    pixelShuffle(conv, 0, 1, 2, 2, image, 3, 2);
    const px = (X: number, Y: number) => Array.from(image.subarray((Y * 3 + X) * 3, (Y * 3 + X) * 3 + 3));
    expect(px(0, 0)).toEqual([0, 4, 8]);
    expect(px(1, 0)).toEqual([1, 5, 9]);
    expect(px(0, 1)).toEqual([2, 6, 10]);
    expect(px(1, 1)).toEqual([3, 7, 11]);
    expect(px(2, 0)).toEqual([100, 104, 108]);
    expect(px(2, 1)).toEqual([102, 106, 110]);
  });
});
