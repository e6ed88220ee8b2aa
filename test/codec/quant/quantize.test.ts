import { describe, expect, it } from 'vitest';
import type { Tensor } from '../../../src/codec/model/params.js';
import {
  dequantizeTensor,
  dequantizeValue,
  type QuantMode,
  quantizeTensor,
} from '../../../src/codec/quant/index.js';
import { createRng, type Rng } from '../../../src/codec/util/random.js';
import { binary32Add, binary32Multiply } from './binary32-reference.js';

function gaussianTensor(rng: Rng, shape: number[], std: number, mean = 0): Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(size);
  for (let i = 0; i < size; i++) data[i] = mean + std * rng.normal();
  return { shape, data };
}

function bitsOf(a: Float32Array): Uint32Array {
  return new Uint32Array(a.buffer, a.byteOffset, a.length);
}

const ULP_SLACK = 2 ** -22; // float32 rounding of min, scale and the product, relative to the magnitude

describe('quantizeTensor / dequantizeTensor', () => {
  const cases: Array<[number, QuantMode, number[], number, number]> = [
    [1, 'tensor', [50], 1, 0],
    [2, 'channel', [8, 16], 0.5, 0],
    [4, 'tensor', [16, 32], 0.02, 0],
    [8, 'channel', [64, 48], 0.1, 0.3],
    [8, 'tensor', [3, 4, 5, 6], 1000, -50],
    [12, 'channel', [10, 100], 1e-4, 0],
    [16, 'tensor', [4096], 3, 0],
    [16, 'channel', [7, 300], 1e3, 7],
  ];
  for (const [bits, mode, shape, std, mean] of cases) {
    it(`reconstructs within scale/2 (${bits} bits, ${mode}, [${shape}], σ=${std})`, () => {
      const rng = createRng(bits * 1000 + shape.length);
      const t = gaussianTensor(rng, shape, std, mean);
      const q = quantizeTensor(t, bits, mode);
      const channels = mode === 'channel' ? shape[0] : 1;
      expect(q.mins.length).toBe(channels);
      expect(q.scales.length).toBe(channels);
      const inner = t.data.length / channels;
      const d = dequantizeTensor(q);
      expect(d.shape).toEqual(shape);
      let worst = 0;
      for (let i = 0; i < t.data.length; i++) {
        const c = Math.floor(i / inner);
        expect(q.symbols[i]).toBeLessThan(2 ** bits);
        const slack = ULP_SLACK * (Math.abs(q.mins[c]) + Math.abs(t.data[i]));
        const err = Math.abs(d.data[i] - t.data[i]);
        expect(err).toBeLessThanOrEqual(q.scales[c] / 2 + slack);
        worst = Math.max(worst, err / q.scales[c]);
      }
      // The quantizer uses the whole range: each channel's min is its smallest value, its max is reached.
      for (let c = 0; c < channels; c++) {
        const row = t.data.subarray(c * inner, (c + 1) * inner);
        expect(q.mins[c]).toBe(Math.min(...row));
        expect(Math.max(...q.symbols.subarray(c * inner, (c + 1) * inner))).toBe(2 ** bits - 1);
      }
      expect(worst).toBeGreaterThan(0.3); // the bound is not vacuous
    });
  }

  it('handles constant tensors and channels: scale 0, symbols 0, exact values', () => {
    const data = new Float32Array([2.5, 2.5, 2.5, -1, 0, 1, 7, 7, 7]);
    const q = quantizeTensor({ shape: [3, 3], data }, 8, 'channel');
    expect([...q.scales]).toEqual([0, Math.fround(2 / 255), 0]);
    expect([...q.symbols.subarray(0, 3)]).toEqual([0, 0, 0]);
    const d = dequantizeTensor(q).data;
    expect([...d.subarray(0, 3)]).toEqual([2.5, 2.5, 2.5]);
    expect([...d.subarray(6)]).toEqual([7, 7, 7]);
    expect([d[3], d[5]]).toEqual([-1, 1]);
    const whole = quantizeTensor({ shape: [4], data: new Float32Array(4).fill(-3.25) }, 5, 'tensor');
    expect(whole.scales[0]).toBe(0);
    expect([...dequantizeTensor(whole).data]).toEqual([-3.25, -3.25, -3.25, -3.25]);
  });

  it('handles empty tensors', () => {
    for (const mode of ['tensor', 'channel'] as const) {
      const q = quantizeTensor({ shape: [0, 4], data: new Float32Array(0) }, 8, mode);
      expect(q.symbols.length).toBe(0);
      expect(dequantizeTensor(q).data.length).toBe(0);
    }
  });

  it('rejects NaN and infinite values, bad bit widths and mismatched shapes', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const data = new Float32Array([0, 1, bad, 3]);
      expect(() => quantizeTensor({ shape: [4], data }, 8, 'tensor')).toThrow(/index 2 cannot be quantized/);
    }
    const t = { shape: [2], data: new Float32Array(2) };
    for (const bits of [0, 17, 2.5]) expect(() => quantizeTensor(t, bits, 'tensor')).toThrow(RangeError);
    expect(() => quantizeTensor({ shape: [3], data: new Float32Array(2) }, 8, 'tensor')).toThrow(
      /needs 3 values/,
    );
    expect(() => quantizeTensor({ shape: [], data: new Float32Array(1) }, 8, 'channel')).toThrow(/rank/);
    const wide = new Float32Array([-3e38, 3e38]);
    expect(() => quantizeTensor({ shape: [2], data: wide }, 1, 'tensor')).toThrow(/too wide/);
  });

  it('dequantization is bit-exact across runs and equals the element formula', () => {
    const rng = createRng(7);
    const q = quantizeTensor(gaussianTensor(rng, [32, 64], 0.05), 8, 'channel');
    const a = dequantizeTensor(q).data;
    const b = dequantizeTensor({ ...q, symbols: q.symbols.slice() }).data;
    expect(bitsOf(b)).toEqual(bitsOf(a));
    for (let i = 0; i < a.length; i++) {
      const c = Math.floor(i / 64);
      expect(a[i]).toBe(dequantizeValue(q.symbols[i], q.mins[c], q.scales[c]));
    }
  });

  it('rejects symbols beyond the bit width when dequantizing', () => {
    const q = quantizeTensor({ shape: [2], data: new Float32Array([0, 1]) }, 4, 'tensor');
    q.symbols[1] = 16;
    expect(() => dequantizeTensor(q)).toThrow(/exceeds 4 bits/);
  });
});

describe('dequantizeValue is IEEE-754 binary32 arithmetic', () => {
  function randomFloat32(rng: Rng, minExp: number, maxExp: number): number {
    const e = minExp + rng.int(maxExp - minExp + 1);
    return Math.fround((rng.next() + 0.5) * 2 ** e * (rng.next() < 0.5 ? -1 : 1));
  }

  it('matches an exact BigInt binary32 model (mul, round, add, round) on 20 000 random triples', () => {
    const rng = createRng(2024);
    let checked = 0;
    let differsFromSingleRounding = 0;
    for (let k = 0; k < 20000; k++) {
      const q = rng.int(65536);
      // scales from subnormal to large, mins across the whole exponent range, both signs
      const scale = Math.abs(randomFloat32(rng, k % 10 === 0 ? -160 : -40, 20));
      const min = k % 7 === 0 ? 0 : randomFloat32(rng, k % 5 === 0 ? -149 : -30, 30);
      const expected = binary32Add(min, binary32Multiply(q, scale));
      if (!Number.isFinite(expected)) continue;
      expect(Object.is(dequantizeValue(q, min, scale), expected)).toBe(true);
      // The float64-then-fround shortcut rounds once; it must agree whenever the product is exact in binary32.
      const single = Math.fround(min + q * scale);
      if (Math.fround(q * scale) === q * scale) expect(single).toBe(expected);
      else if (single !== expected) differsFromSingleRounding++;
      checked++;
    }
    expect(checked).toBeGreaterThan(19000);
    // Two roundings are observable, which is why the specification fixes them.
    expect(differsFromSingleRounding).toBeGreaterThan(0);
  });
});
