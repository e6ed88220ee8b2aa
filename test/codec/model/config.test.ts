import { describe, expect, it } from 'vitest';
import {
  applyAspect,
  FRAME_LEVEL_FRACTIONS,
  hashGrid,
  hashLevelRows,
  hashLevelVertices,
  levelYResolution,
  profileConfig,
  sceneCount,
  sceneOf,
  withFrameLevels,
  withScenes,
} from '../../../src/codec/model/config.js';
import { validateModelConfig } from '../../../src/codec/model/validate.js';

describe('aspect-aware hash-grid levels', () => {
  it('a wide frame keeps N across and gets round(N·H/W) down, at least one cell', () => {
    const enc = hashGrid(4, 2, 10, 2, 64);
    const across = [...enc.level_resolutions];
    applyAspect(enc, 640, 360);
    expect(enc.level_resolutions).toEqual(across);
    expect(enc.level_y_resolutions).toEqual(across.map((n) => Math.max(1, Math.round((n * 9) / 16))));
    expect(levelYResolution(enc, 0)).toBe(1); // N = 2 → round(1.125)
    expect(levelYResolution(enc, 3)).toBe(36);
  });

  it('a tall frame scales the x resolution instead; a square frame is left square', () => {
    const tall = hashGrid(3, 2, 10, 4, 32);
    const long = [...tall.level_resolutions];
    applyAspect(tall, 24, 32);
    expect(tall.level_y_resolutions).toEqual(long);
    expect(tall.level_resolutions).toEqual(long.map((n) => Math.max(1, Math.round((n * 3) / 4))));
    const square = hashGrid(3, 2, 10, 4, 32);
    applyAspect(square, 50, 50);
    expect(square.level_y_resolutions).toBeUndefined();
    expect(levelYResolution(square, 2)).toBe(square.level_resolutions[2]);
  });

  it('vertices count (N+1)·(M+1)·(T+1), so coarse levels shrink and may turn dense', () => {
    const enc = { ...hashGrid(1, 2, 8, 20, 20), level_y_resolutions: [11], level_time_resolutions: [0] };
    expect(hashLevelVertices(enc, 0)).toBe(21 * 12);
    expect(hashLevelRows(enc, 0)).toBe(252); // 252 ≤ 2^8: dense, one row per vertex (a square 20² level is hashed)
    enc.level_time_resolutions = [1];
    expect(hashLevelRows(enc, 0)).toBe(256); // 504 vertices: hashed into 2^8 rows
  });

  it('profiles make cells square on the frame they are built for', () => {
    const wide = profileConfig('M', 640, 360);
    if (wide.encoding.otype !== 'HashGrid') throw new Error('expected a hash grid');
    const n = wide.encoding.n_levels;
    expect(wide.encoding.level_resolutions[n - 1]).toBe(640);
    expect(levelYResolution(wide.encoding, n - 1)).toBe(360);
    const tall = profileConfig('S', 360, 640);
    if (tall.encoding.otype !== 'HashGrid') throw new Error('expected a hash grid');
    expect(tall.encoding.level_resolutions[n - 1]).toBe(360);
    expect(levelYResolution(tall.encoding, n - 1)).toBe(640);
  });
});

describe('profiles', () => {
  it('modulate the first base layer (hash-grid features → hidden), at the same rank for S, M and L', () => {
    for (const name of ['S', 'M', 'L'] as const) {
      const c = profileConfig(name, 640, 360);
      expect(c.modulation.layers).toEqual([0]);
      expect(c.modulation.rank).toBe(6);
      expect(c.latent.dim).toBe(32);
    }
  });
});

describe('profile time resolutions', () => {
  it('keep S static and give M and L spatio-temporal coarse levels; single frames are static everywhere', () => {
    const enc = (name: 'S' | 'M' | 'L', frames: number) => {
      const c = profileConfig(name, 640, 360, frames);
      if (c.encoding.otype !== 'HashGrid') throw new Error('hash grid');
      return c.encoding;
    };
    expect(enc('S', 120).level_time_resolutions).toBeUndefined();
    for (const name of ['M', 'L'] as const) {
      const times = enc(name, 120).level_time_resolutions!;
      expect(times.slice(0, 6).every((t) => t > 0)).toBe(true);
      expect(times.slice(6).every((t) => t === 0)).toBe(true);
      expect(enc(name, 1).level_time_resolutions).toBeUndefined();
    }
  });
});

describe('frame levels', () => {
  it("append one spatio-temporal level per fraction of the finest level, a time cell per frame, cells as the finest's; the profile's own levels turn static", () => {
    const base = profileConfig('M', 640, 360, 120);
    const c = withFrameLevels(base, 120);
    if (c.encoding.otype !== 'HashGrid' || base.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    const L = base.encoding.n_levels;
    const n = FRAME_LEVEL_FRACTIONS.length;
    expect(c.encoding.n_levels).toBe(L + n);
    expect(c.encoding.level_resolutions.slice(0, L)).toEqual(base.encoding.level_resolutions);
    expect(c.encoding.level_resolutions.slice(L)).toEqual([32, 64, 128, 256]);
    expect(c.encoding.level_y_resolutions!.slice(L)).toEqual([18, 36, 72, 144]);
    expect(base.encoding.level_time_resolutions!.some((t) => t > 0)).toBe(true);
    expect(c.encoding.level_time_resolutions!.slice(0, L)).toEqual(new Array(L).fill(0));
    expect(c.encoding.level_time_resolutions!.slice(L)).toEqual([120, 120, 120, 120]);
    expect(() => validateModelConfig(c)).not.toThrow();
    // The profile itself is left as it was.
    expect(base.encoding.n_levels).toBe(L);
  });

  it('refuse encodings without levels and single-frame chunks', () => {
    const base = profileConfig('S', 64, 64, 16);
    expect(() => withFrameLevels(base, 1)).toThrow(/more than one frame/);
    const fourier = {
      ...base,
      encoding: { otype: 'Fourier' as const, n_frequencies: 4, include_input: true },
    };
    expect(() => withFrameLevels(fourier, 16)).toThrow(/hash-grid/);
  });
});

describe('scenes', () => {
  it('make every level static and give static levels one time slice per scene', () => {
    const base = profileConfig('M', 640, 360, 120);
    const c = withScenes(base, [40, 93]);
    if (c.encoding.otype !== 'HashGrid' || base.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    expect(c.encoding.scene_starts).toEqual([40, 93]);
    expect(c.encoding.level_time_resolutions).toBeUndefined();
    expect(sceneCount(c.encoding)).toBe(3);
    // Level 0 (17×10 vertices) is dense: three copies of its rows; the finest stays a hashed 2^14-row table.
    expect(hashLevelVertices(c.encoding, 0)).toBe(17 * 10 * 3);
    expect(hashLevelRows(c.encoding, 0)).toBe(17 * 10 * 3);
    expect(hashLevelRows(c.encoding, 11)).toBe(2 ** 14);
    expect(() => validateModelConfig(c)).not.toThrow();
    // Frame levels go on top and keep the scenes.
    const both = withFrameLevels(c, 120);
    if (both.encoding.otype !== 'HashGrid') throw new Error('hash grid');
    expect(both.encoding.scene_starts).toEqual([40, 93]);
    expect(both.encoding.level_time_resolutions!.slice(12)).toEqual([120, 120, 120, 120]);
    // No scenes: the config itself.
    expect(withScenes(base, [])).toBe(base);
    expect(base.encoding.scene_starts).toBeUndefined();
  });

  it('place a frame time in the scene of the last start at or before it (clamped like τ)', () => {
    const enc = withScenes(profileConfig('S', 64, 64, 16), [4, 9]).encoding;
    if (enc.otype !== 'HashGrid') throw new Error('hash grid');
    expect([0, 3, 3.99, 4, 8.5, 9, 15, 99, -2].map((t) => sceneOf(enc, t, 16))).toEqual([
      0, 0, 0, 1, 1, 2, 2, 2, 0,
    ]);
    // A start past the last frame is never reached.
    expect(sceneOf({ ...enc, scene_starts: [4, 20] }, 99, 16)).toBe(1);
  });

  it('are refused out of order, below 1 or on a Fourier encoding', () => {
    const base = profileConfig('S', 64, 64, 16);
    expect(() => withScenes(base, [5, 5])).toThrow(/ascending/);
    expect(() => withScenes(base, [0])).toThrow(/ascending/);
    const fourier = {
      ...base,
      encoding: { otype: 'Fourier' as const, n_frequencies: 4, include_input: true },
    };
    expect(() => withScenes(fourier, [3])).toThrow(/hash-grid/);
    const bad = (starts: unknown) => ({ ...base, encoding: { ...base.encoding, scene_starts: starts } });
    expect(() => validateModelConfig(bad([3, 2]))).toThrow(
      /scene_starts\[1\]: must be above the previous start 3/,
    );
    expect(() => validateModelConfig(bad([0]))).toThrow(/scene_starts\[0\]/);
    expect(() => validateModelConfig(bad('3'))).toThrow(/scene_starts/);
  });
});
