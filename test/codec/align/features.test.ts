/**
 * Feature inputs: the built-in extractor (fixed size, unit length, deterministic, stable across resolutions,
 * discriminative between sources) and feature files (.npy float32/float64, JSON, MessagePack) with clear errors.
 */
import { Packr, pack } from 'msgpackr';
import { describe, expect, it } from 'vitest';
import { BUILTIN_DIM, builtinFeatures } from '../../../src/codec/align/builtin.js';
import { cosine, norm } from '../../../src/codec/align/cosine.js';
import { encodeNpy, parseFeatureFile } from '../../../src/codec/align/feature-file.js';
import { syntheticScene } from '../../../src/media/synthetic.js';

const utf8 = (s: string) => new TextEncoder().encode(s);

describe('built-in features', () => {
  it('are unit vectors of a fixed size, identical for identical pixels', () => {
    const s = syntheticScene({ width: 40, height: 30, frames: 10, seed: 4 });
    const a = builtinFeatures(s.render(3), 40, 30);
    expect(a).toHaveLength(BUILTIN_DIM);
    expect(norm(a, 0, a.length)).toBeCloseTo(1, 6);
    expect(builtinFeatures(s.render(3), 40, 30)).toEqual(a);
    // A flat grey picture still gives a valid vector (no gradients, no layout).
    const flat = builtinFeatures(new Uint8Array(8 * 6 * 3).fill(128), 8, 6);
    expect(norm(flat, 0, flat.length)).toBeCloseTo(1, 6);
  });

  it('tell sources apart better than they tell neighbouring frames apart, at any resolution', () => {
    const at = (seed: number, t: number, w: number, h: number) =>
      builtinFeatures(syntheticScene({ width: w, height: h, frames: 20, seed }).render(t), w, h);
    const base = at(1, 5, 64, 48);
    const sameFrameSmaller = cosine(base, 0, at(1, 5, 32, 24), 0, BUILTIN_DIM);
    const nextFrame = cosine(base, 0, at(1, 6, 64, 48), 0, BUILTIN_DIM);
    const otherSources = [2, 3, 4, 5].map((seed) => cosine(base, 0, at(seed, 5, 64, 48), 0, BUILTIN_DIM));
    expect(sameFrameSmaller).toBeGreaterThan(0.9);
    expect(nextFrame).toBeGreaterThan(0.9);
    for (const c of otherSources) expect(c).toBeLessThan(nextFrame - 0.1);
  });

  it('reject pixels that do not match the frame size', () => {
    expect(() => builtinFeatures(new Uint8Array(10), 2, 2)).toThrow(/10 bytes for a 2×2/);
  });
});

describe('feature files', () => {
  const rows = [
    [1, 2, 3],
    [4, 5, 6.5],
  ];
  const table = { rows: 2, dim: 3, data: Float32Array.from(rows.flat()) };

  it('read .npy (float32 written here, float64 by hand), JSON and MessagePack forms', () => {
    expect(parseFeatureFile(encodeNpy(table)).table).toEqual(table);
    const header = "{'descr': '<f8', 'fortran_order': False, 'shape': (3,), }";
    const npy64 = new Uint8Array(10 + header.length + 24);
    npy64.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0, header.length, 0]);
    npy64.set(utf8(header), 10);
    new DataView(npy64.buffer).setFloat64(10 + header.length + 16, 0.25, true);
    expect(parseFeatureFile(npy64).table).toEqual({ rows: 1, dim: 3, data: Float32Array.of(0, 0, 0.25) });
    expect(parseFeatureFile(utf8(JSON.stringify(rows))).table).toEqual(table);
    expect(parseFeatureFile(utf8(' [1, 2, 3]')).table.rows).toBe(1);
    const json = parseFeatureFile(utf8(JSON.stringify({ space: 'clip:x', features: rows })));
    expect(json).toEqual({ table, space: 'clip:x' });
    expect(parseFeatureFile(pack({ vector: [1, 2, 3] })).table.data).toEqual(Float32Array.of(1, 2, 3));
    // Typed-array rows, as msgpackr writes them with moreTypes (the project's checkpoints use the same).
    const typed = new Packr({ moreTypes: true }).pack({ features: rows.map((r) => Float32Array.from(r)) });
    expect(parseFeatureFile(typed).table).toEqual(table);
  });

  it('name what is wrong', () => {
    const npy = encodeNpy(table);
    expect(() => parseFeatureFile(npy.subarray(0, npy.length - 4), 'f.npy')).toThrow(
      /f\.npy: \.npy shape \(2,3\) needs 24 data bytes, the file has 20/,
    );
    const f16 = npy.slice();
    f16[10 + "{'descr': '<f".length] = '2'.charCodeAt(0);
    expect(() => parseFeatureFile(f16)).toThrow(/dtype '<f2'/);
    expect(() => parseFeatureFile(utf8('[[1, 2], [3]]'))).toThrow(/row 1 has 1 values, row 0 has 2/);
    expect(() => parseFeatureFile(utf8('[[1, "a"]]'))).toThrow(/row 0 value 1 is not a finite number/);
    expect(() => parseFeatureFile(utf8('{"x": 1}'))).toThrow(/'features', 'vector' or 'embedding'/);
    expect(() => parseFeatureFile(utf8('[1, 2'))).toThrow(/not valid JSON/);
    expect(() => parseFeatureFile(utf8('[]'))).toThrow(/no feature vectors/);
    expect(() => parseFeatureFile(new Uint8Array([5]), 'h.bin')).toThrow(
      /h\.bin: expected a list of vectors/,
    );
    expect(() => parseFeatureFile(new Uint8Array([0xdd, 0xff, 0xff, 0xff, 0xff]))).toThrow(
      /neither \.npy, JSON nor MessagePack/,
    );
  });
});
