import { describe, expect, it } from 'vitest';
import {
  frameMse,
  frameSsim,
  PsnrMeter,
  psnr,
  SsimMeter,
  ssim,
  ssimDb,
  videoPsnr,
} from '../../../src/codec/metrics/index.js';
import { createRng } from '../../../src/codec/util/random.js';

const [W, H] = [37, 29];

/** Three deterministic 37×29 frame pairs (gradient + noise, then Gaussian errors of growing size). */
function framePairs(): [Uint8Array, Uint8Array][] {
  const rng = createRng(5);
  const pairs: [Uint8Array, Uint8Array][] = [];
  for (let f = 0; f < 3; f++) {
    const a = new Uint8Array(W * H * 3);
    const b = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++)
      for (let x = 0; x < W; x++)
        for (let c = 0; c < 3; c++) {
          const k = (y * W + x) * 3 + c;
          a[k] = (x * 7 + y * 3 * (c + 1) + f * 20 + rng.int(40)) & 255;
          b[k] = Math.max(0, Math.min(255, a[k] + Math.round(rng.normal() * (5 + 10 * f + 3 * c))));
        }
    pairs.push([a, b]);
  }
  return pairs;
}

describe('psnr', () => {
  it('is Infinity for identical frames and 10·log10(peak²/MSE) otherwise', () => {
    const a = new Uint8Array(48).map((_, i) => i * 5);
    expect(psnr(a, a.slice())).toBe(Number.POSITIVE_INFINITY);
    const b = a.map((v) => v + 1); // every sample off by one: MSE = 1
    expect(frameMse(a, b).mse).toBe(1);
    expect(psnr(a, b)).toBeCloseTo(20 * Math.log10(255), 10); // 48.1308 dB
    // Float frames default to peak 1: an error of 0.1 everywhere gives 20 dB.
    const fa = new Float32Array(12).fill(0.5);
    const fb = new Float32Array(12).fill(0.6);
    expect(psnr(fa, fb)).toBeCloseTo(20, 4);
    expect(psnr(fa, fb, 2)).toBeCloseTo(20 + 20 * Math.log10(2), 4);
  });

  it("matches FFmpeg's psnr filter (gbrp) summary line", () => {
    // From FFmpeg (node-av 6.1.1) on these frames as gbrp:
    // "PSNR r:23.789268 g:22.629398 b:21.741215 average:22.640203 min:19.706799 max:30.279452"
    const s = videoPsnr(framePairs());
    expect(s.frames).toBe(3);
    expect(s.average).toBeCloseTo(22.640203, 5);
    expect(s.min).toBeCloseTo(19.706799, 5);
    expect(s.max).toBeCloseTo(30.279452, 5);
    expect(s.channels[0]).toBeCloseTo(23.789268, 5);
    expect(s.channels[1]).toBeCloseTo(22.629398, 5);
    expect(s.channels[2]).toBeCloseTo(21.741215, 5);
    // The mean of per-frame PSNRs is a different (larger) number.
    expect(s.meanOfFrames).toBeGreaterThan(s.average + 1);
  });

  it('the streaming meter equals the one-shot summary and rejects bad input', () => {
    const meter = new PsnrMeter();
    const pairs = framePairs();
    const per = pairs.map(([a, b]) => meter.add(a, b));
    expect(per[0]).toBeCloseTo(30.279452, 5);
    expect(meter.summary()).toEqual(videoPsnr(pairs));
    expect(() => new PsnrMeter().summary()).toThrow(/no frames/);
    expect(() => psnr(new Uint8Array(6), new Uint8Array(9))).toThrow(/lengths differ/);
    expect(() => psnr(new Uint8Array(4), new Uint8Array(4))).toThrow(/multiple of 3/);
    expect(() => psnr(new Uint8Array(3), new Float32Array(3))).toThrow(/same type/);
  });
});

describe('ssim', () => {
  it('is 1 for identical frames and drops with distortion', () => {
    const [[a, b]] = framePairs();
    expect(ssim(a, a.slice(), W, H)).toBe(1);
    expect(ssim(a, b, W, H)).toBeLessThan(1);
    expect(ssimDb(0.99)).toBeCloseTo(20, 10);
  });

  it("matches FFmpeg's ssim filter (gbrp): per frame, per channel and All, with sizes not multiples of 4", () => {
    // FFmpeg stats_file: n:1 All:0.972416, n:2 All:0.875521, n:3 All:0.751219;
    // summary "SSIM R:0.861322 G:0.864825 B:0.873009 All:0.866385 (8.741453)".
    const meter = new SsimMeter(W, H);
    const per = framePairs().map(([a, b]) => meter.add(a, b));
    [0.972416, 0.875521, 0.751219].forEach((e, i) => {
      expect(per[i]).toBeCloseTo(e, 6);
    });
    const s = meter.summary();
    expect(s.all).toBeCloseTo(0.866385, 6);
    expect(ssimDb(s.all)).toBeCloseTo(8.741453, 4);
    [0.861322, 0.864825, 0.873009].forEach((e, i) => {
      expect(s.channels[i]).toBeCloseTo(e, 6);
    });
    const [[a, b]] = framePairs();
    const f = frameSsim(a, b, W, H);
    expect(f.channels[0]).toBeCloseTo(0.981955, 6);
  });

  it('measures float frames on their 8-bit rounding', () => {
    const [[a, b]] = framePairs();
    const fa = Float32Array.from(a, (v) => v / 255);
    const fb = Float32Array.from(b, (v) => v / 255);
    expect(ssim(fa, fb, W, H)).toBe(ssim(a, b, W, H));
  });

  it('rejects frames smaller than 8×8 or of the wrong size', () => {
    expect(() => ssim(new Uint8Array(7 * 8 * 3), new Uint8Array(7 * 8 * 3), 7, 8)).toThrow(/at least 8×8/);
    expect(() => ssim(new Uint8Array(8 * 8 * 3), new Uint8Array(8 * 8 * 3), 8, 9)).toThrow(
      /does not match 8×9×3/,
    );
    expect(() => new SsimMeter(8, 8).summary()).toThrow(/no frames/);
  });
});
