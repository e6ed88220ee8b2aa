import { describe, expect, it } from 'vitest';
import type { FourierEncodingConfig, HashGridEncodingConfig } from '../../../src/codec/model/config.js';
import {
  encodeFourier,
  encodeHashGrid,
  hashGridIndex,
  isDenseLevel,
} from '../../../src/codec/model/encoding.js';

function grid(resolutions: number[], log2: number, features: number): HashGridEncodingConfig {
  return {
    otype: 'HashGrid',
    n_levels: resolutions.length,
    n_features_per_level: features,
    log2_hashmap_size: log2,
    base_resolution: resolutions[0],
    finest_resolution: resolutions[resolutions.length - 1],
    level_resolutions: resolutions,
  };
}

/** table[row][f] = 10·row + f, so a feature value tells which rows were mixed with which weights. */
function rowTable(rows: number, features: number, offset = 0): Float32Array {
  const t = new Float32Array(rows * features);
  for (let r = 0; r < rows; r++) for (let f = 0; f < features; f++) t[r * features + f] = offset + 10 * r + f;
  return t;
}

describe('hash-grid encoding', () => {
  it('dense level: vertex index vx + vy·(N+1) and bilinear corner weights', () => {
    const enc = grid([2], 4, 2); // (2+1)² = 9 ≤ 16: dense
    expect(isDenseLevel(enc, 0)).toBe(true);
    const out = new Float32Array(2);
    // (0.3, 0.6): px = 0.6 → cx 0, fx 0.6; py = 1.2 → cy 1, fy 0.2.
    // corners: row 3 (w .32), row 4 (w .48), row 6 (w .08), row 7 (w .12) → 9.6 + 19.2 + 4.8 + 8.4 = 42.
    encodeHashGrid(enc, [rowTable(9, 2)], new Float32Array([0.3, 0.6]), 1, out);
    expect(out[0]).toBeCloseTo(42, 5);
    expect(out[1]).toBeCloseTo(43, 5);
  });

  it('hashed level: (vx XOR vy·2654435761) mod T', () => {
    const enc = grid([8], 4, 1); // 81 > 16: hashed
    expect(isDenseLevel(enc, 0)).toBe(false);
    // 5·2654435761 mod 2^32 = 387276917 ≡ 5 (mod 16); 5 XOR 3 = 6, 5 XOR 4 = 1.
    expect(hashGridIndex(enc, 0, 3, 5)).toBe(6);
    expect(hashGridIndex(enc, 0, 4, 5)).toBe(1);
    const table = rowTable(16, 1);
    const out = new Float32Array(2);
    // (3/8, 5/8) sits exactly on vertex (3, 5); (3.5/8, 5/8) halfway between (3, 5) and (4, 5).
    encodeHashGrid(enc, [table], new Float32Array([3 / 8, 5 / 8, 3.5 / 8, 5 / 8]), 2, out);
    expect(out[0]).toBeCloseTo(60, 5);
    expect(out[1]).toBeCloseTo(0.5 * 60 + 0.5 * 10, 5);
  });

  it('non-square dense level: px = x·N, py = y·M, index vx + vy·(N+1), time slices of (N+1)·(M+1) rows', () => {
    const enc = { ...grid([3], 5, 1), level_y_resolutions: [1], level_time_resolutions: [1] }; // 4·2·2 = 16 ≤ 32
    expect(isDenseLevel(enc, 0)).toBe(true);
    expect(hashGridIndex(enc, 0, 2, 1, 0)).toBe(2 + 4);
    expect(hashGridIndex(enc, 0, 2, 1, 1)).toBe(2 + 4 + 8);
    const out = new Float32Array(1);
    // (0.5, 0.25): px = 1.5 → cx 1, fx 0.5; py = 0.25 → cy 0, fy 0.25; τ = 0.25 → slice 0 only (pt 0.25: ft 0.25).
    // slice 0 rows 1, 2 (w .375 each), 5, 6 (w .125 each) → 3.75 + 7.5 + 6.25 + 7.5 = 25; slice 1 adds 80 to each.
    encodeHashGrid(enc, [rowTable(16, 1)], new Float32Array([0.5, 0.25]), 1, out, 1, 0.25);
    expect(out[0]).toBeCloseTo(0.75 * 25 + 0.25 * 105, 5);
    // y = 1 sits on the last row of vertices (cy clamps to M − 1 = 0, fy = 1): rows 5 and 6 at τ = 0 slice.
    encodeHashGrid(enc, [rowTable(16, 1)], new Float32Array([0.5, 1]), 1, out, 1, 0);
    expect(out[0]).toBeCloseTo(0.5 * 50 + 0.5 * 60, 5);
  });

  it('non-square hashed level: the hash is unchanged, only py = y·M', () => {
    const enc = { ...grid([8], 4, 1), level_y_resolutions: [16] }; // 9·17 > 16: hashed
    expect(isDenseLevel(enc, 0)).toBe(false);
    const out = new Float32Array(1);
    // (3/8, 10/16) is vertex (3, 10): 10·2654435761 mod 16 = 10, 10 XOR 3 = 9.
    encodeHashGrid(enc, [rowTable(16, 1)], new Float32Array([3 / 8, 10 / 16]), 1, out);
    expect(out[0]).toBeCloseTo(90, 5);
  });

  it('spatio-temporal dense level: index vx + vy·(N+1) + vt·(N+1)², trilinear weights over τ', () => {
    const enc = { ...grid([1], 4, 1), level_time_resolutions: [2] }; // 2²·3 = 12 ≤ 16: dense
    expect(isDenseLevel(enc, 0)).toBe(true);
    expect(hashGridIndex(enc, 0, 1, 1, 2)).toBe(1 + 2 + 8);
    const table = rowTable(12, 1);
    const out = new Float32Array(1);
    // (x, y) = (0, 0) is vertex (0, 0); τ = 0.75 → pt = 1.5: slices 1 and 2 (rows 4 and 8) half each.
    encodeHashGrid(enc, [table], new Float32Array([0, 0]), 1, out, 1, 0.75);
    expect(out[0]).toBeCloseTo(0.5 * 40 + 0.5 * 80, 5);
    // τ = 1 clamps the cell to the last one with ft = 1: slice 2 alone.
    encodeHashGrid(enc, [table], new Float32Array([0, 0]), 1, out, 1, 1);
    expect(out[0]).toBeCloseTo(80, 5);
  });

  it('spatio-temporal hashed level: vx XOR vy·2654435761 XOR vt·805459861, static levels unchanged', () => {
    const enc = { ...grid([8, 8], 4, 1), level_time_resolutions: [3, 0] };
    expect(isDenseLevel(enc, 0)).toBe(false);
    // 805459861 mod 16 = 5 and 2·805459861 mod 2^32 mod 16 = 10: (3 ^ 5 ^ 5) = 3, (3 ^ 5 ^ 10) = 12.
    expect(hashGridIndex(enc, 0, 3, 5, 1)).toBe(3);
    expect(hashGridIndex(enc, 0, 3, 5, 2)).toBe(12);
    expect(hashGridIndex(enc, 1, 3, 5)).toBe(6);
    const out = new Float32Array(2);
    // vertex (3, 5) at τ = 0.5 → pt = 1.5: rows 3 and 12 half each; the static level reads row 6 whatever τ.
    encodeHashGrid(enc, [rowTable(16, 1), rowTable(16, 1)], new Float32Array([3 / 8, 5 / 8]), 1, out, 2, 0.5);
    expect(out[0]).toBeCloseTo(0.5 * 30 + 0.5 * 120, 5);
    expect(out[1]).toBeCloseTo(60, 5);
  });

  it('scenes: a static level reads the slice of the scene (dense rows (N+1)·(M+1) apart, hashed vt·805459861)', () => {
    // Level 0: 2²·3 scenes = 12 ≤ 16 rows: dense; level 1: 9² > 16: hashed; level 2 spatio-temporal, unaffected.
    const enc = { ...grid([1, 8, 1], 4, 1), level_time_resolutions: [0, 0, 1], scene_starts: [2, 5] };
    expect(isDenseLevel(enc, 0)).toBe(true);
    expect(hashGridIndex(enc, 0, 1, 1, 2)).toBe(1 + 2 + 8);
    // Vertex (3, 5) of the hashed level: scene 0 row 6 (as without scenes), scene 1 (3 ^ 5 ^ 5) = 3, scene 2 12.
    expect([0, 1, 2].map((s) => hashGridIndex(enc, 1, 3, 5, s))).toEqual([6, 3, 12]);
    const tables = [rowTable(12, 1), rowTable(16, 1), rowTable(8, 1)];
    const out = new Float32Array(3);
    const temporal: number[] = [];
    // (0, 0) is vertex (0, 0) of level 0: row 4·scene; (3/8, 5/8) is vertex (3, 5) of level 1: its scene's row.
    for (const [scene, row0] of [
      [0, 0],
      [1, 4],
      [2, 8],
    ] as const) {
      encodeHashGrid(enc, tables, new Float32Array([0, 0]), 1, out, 3, 0.5, scene);
      expect(out[0], `scene ${scene}`).toBeCloseTo(10 * row0, 5);
      encodeHashGrid(enc, tables, new Float32Array([3 / 8, 5 / 8]), 1, out, 3, 0.5, scene);
      expect(out[1], `scene ${scene}`).toBeCloseTo(10 * [6, 3, 12][scene], 5);
      temporal.push(out[2]);
    }
    // The spatio-temporal level ignores the scene: at (3/8, 5/8), τ = 0.5, the same value in every scene.
    expect(temporal[1]).toBe(temporal[0]);
    expect(temporal[2]).toBe(temporal[0]);
    expect(temporal[0]).toBeGreaterThan(0);
  });

  it('concatenates levels level-major and clamps the cell at the far edge', () => {
    const enc = grid([1, 2], 8, 2);
    const tables = [rowTable(4, 2, 0), rowTable(9, 2, 1000)];
    const out = new Float32Array(2 * 4);
    // x = 1 lands on the last vertex: cx is clamped to N − 1 with fx = 1.
    encodeHashGrid(enc, tables, new Float32Array([1, 0, 0.5, 0.5]), 2, out);
    // level 0 (N=1): vertex (1,0) = row 1; level 1 (N=2): vertex (2,0) = row 2.
    expect(Array.from(out.subarray(0, 4))).toEqual([10, 11, 1020, 1021]);
    // (0.5, 0.5): level 0 averages all four rows (0,1,2,3 → 15); level 1 hits vertex (1,1) = row 4.
    expect(Array.from(out.subarray(4, 8))).toEqual([15, 16, 1040, 1041]);
  });
});

describe('Fourier encoding', () => {
  it('orders [x, y] then sin(ax), sin(ay), cos(ax), cos(ay) per frequency a = 2^k·π', () => {
    const enc: FourierEncodingConfig = { otype: 'Fourier', n_frequencies: 2, include_input: true };
    const out = new Float32Array(10);
    encodeFourier(enc, new Float32Array([0.25, 0.5]), 1, out);
    const s = Math.SQRT1_2;
    const expected = [0.25, 0.5, s, 1, s, 0, 1, 0, 0, -1];
    for (const [i, v] of expected.entries()) expect(out[i]).toBeCloseTo(v, 6);
  });

  it('omits the raw input when include_input is false', () => {
    const enc: FourierEncodingConfig = { otype: 'Fourier', n_frequencies: 1, include_input: false };
    const out = new Float32Array(4);
    encodeFourier(enc, new Float32Array([0.5, 0.25]), 1, out);
    for (const [i, v] of [1, Math.SQRT1_2, 0, Math.SQRT1_2].entries()) expect(out[i]).toBeCloseTo(v, 6);
  });
});
