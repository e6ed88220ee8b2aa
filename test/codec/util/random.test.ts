import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/codec/util/random.js';

describe('createRng', () => {
  it('reproduces an independent xoshiro128** + splitmix32 implementation (Python, arbitrary precision ints)', () => {
    // Golden streams produced by a straight Python port of the reference C code (see commit message).
    const golden: Record<number, number[]> = {
      0: [3809008728, 1133695204, 53579671, 2891528803, 139681546],
      42: [2837322924, 544945897, 479756282, 3500138142, 339756180],
    };
    for (const [seed, expected] of Object.entries(golden)) {
      const rng = createRng(Number(seed));
      expect(expected.map(() => rng.nextUint32())).toEqual(expected);
    }
  });

  it('is deterministic per seed and differs between seeds', () => {
    const a = createRng(7);
    const b = createRng(7);
    const c = createRng(8);
    const sa = Array.from({ length: 100 }, () => a.next());
    expect(Array.from({ length: 100 }, () => b.next())).toEqual(sa);
    expect(Array.from({ length: 100 }, () => c.next())).not.toEqual(sa);
  });

  it('next() is uniform in [0,1), normal() has mean 0 and variance 1', () => {
    const rng = createRng(1);
    const n = 200_000;
    let sum = 0;
    let min = 1;
    let max = 0;
    for (let i = 0; i < n; i++) {
      const u = rng.next();
      sum += u;
      min = Math.min(min, u);
      max = Math.max(max, u);
    }
    expect(min).toBeGreaterThanOrEqual(0);
    expect(max).toBeLessThan(1);
    expect(Math.abs(sum / n - 0.5)).toBeLessThan(0.005);
    let s1 = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const z = rng.normal();
      s1 += z;
      s2 += z * z;
    }
    expect(Math.abs(s1 / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.02);
  });

  it('int(n) covers 0..n-1 evenly and rejects bad n', () => {
    const rng = createRng(3);
    const counts = new Array(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
    for (const c of counts) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    expect(rng.int(1)).toBe(0);
    expect(() => rng.int(0)).toThrow(/integer in 1\.\.2\^32/);
    expect(() => rng.int(2.5)).toThrow(RangeError);
    expect(() => createRng(Number.NaN)).toThrow(/finite/);
  });

  it('fillInts(n) draws the same stream as int(n), including rejected draws', () => {
    // n = 3·2^30: a quarter of the 32-bit outputs are rejected, so the two paths must skip the same ones.
    for (const n of [1, 7, 640 * 360, 3 * 2 ** 30]) {
      const a = createRng(21);
      const b = createRng(21);
      const filled = a.fillInts(n, new Uint32Array(500));
      const drawn = Uint32Array.from({ length: 500 }, () => b.int(n));
      expect(filled).toEqual(drawn);
      expect(a.nextUint32()).toBe(b.nextUint32());
    }
    expect(() => createRng(1).fillInts(0, new Uint32Array(1))).toThrow(RangeError);
  });
});
