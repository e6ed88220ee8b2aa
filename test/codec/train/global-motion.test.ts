import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../../src/codec/model/config.js';
import { warpCoords } from '../../../src/codec/model/warp.js';
import {
  continuedWarpRows,
  estimateGlobalMotion,
  MIN_MOTION_EXTENT_PX,
  motionWarpRows,
  setWarpLatents,
  warpMoves,
} from '../../../src/codec/train/global-motion.js';
import { panClip, smallModel } from './clips.js';

const W = 96;
const H = 64;

function warped(otype: 'Affine' | 'Translation' = 'Affine'): ModelConfig {
  return { ...smallModel(W), warp: { otype, scale: 0.02 } };
}

/** Grid position that frame t's warp gives pixel (x, y) (pixel units of the frame). */
function gridPosition(rows: Float64Array, t: number, x: number, y: number): [number, number] {
  const out = warpCoords(
    rows.subarray(t * 6, t * 6 + 6),
    Float32Array.of(x / W, y / H),
    1,
    new Float32Array(2),
  );
  return [out[0], out[1]];
}

describe('estimateGlobalMotion', () => {
  it('follows a sub-pixel pan to within a quarter pixel over 12 frames', () => {
    const path = (t: number): [number, number] => [1.3 * t, -0.1 * t * t];
    const frames = panClip(W, H, 12, path);
    const motion = estimateGlobalMotion(frames, W, H);
    for (let t = 0; t < 12; t++) {
      expect(Math.abs(motion.dx[t] - path(t)[0])).toBeLessThan(0.25);
      expect(Math.abs(motion.dy[t] - path(t)[1])).toBeLessThan(0.25);
    }
  });

  it('starts each scene at zero and measures only the listed frames, interpolating the rest', () => {
    const path = (t: number): [number, number] => (t < 6 ? [2 * t, 0] : [0, 1.5 * (t - 6)]);
    const frames = panClip(W, H, 10, path);
    const motion = estimateGlobalMotion(frames, W, H, [6], { measured: [0, 2, 4, 6, 8, 9] });
    expect(motion.dx[4]).toBeCloseTo(8, 0);
    expect(motion.dx[3]).toBeCloseTo((motion.dx[2] + motion.dx[4]) / 2, 6);
    expect(motion.dx[5]).toBe(motion.dx[4]);
    expect(motion.dy[6]).toBe(0);
    expect(motion.dy[8]).toBeCloseTo(3, 0);
    expect(motion.dy[7]).toBeCloseTo(motion.dy[8] / 2, 6);
  });

  it('rejects measured frames out of order or out of range', () => {
    const frames = panClip(W, H, 4, () => [0, 0]);
    expect(() => estimateGlobalMotion(frames, W, H, [], { measured: [0, 2, 1] })).toThrow(/ascending/);
    expect(() => estimateGlobalMotion(frames, W, H, [], { measured: [0, 4] })).toThrow(/ascending/);
  });
});

describe('motionWarpRows', () => {
  const path = (t: number): [number, number] => [0.5 * t, -2 * t];
  const motion = {
    dx: Float64Array.from({ length: 9 }, (_, t) => path(t)[0]),
    dy: Float64Array.from({ length: 9 }, (_, t) => path(t)[1]),
  };

  it('lays every frame of a pan over one picture, inside the grid', () => {
    const rows = motionWarpRows(warped(), motion, W, H, [])!;
    for (const [x, y] of [
      [10, 20],
      [50.5, 33],
      [80, 5],
    ]) {
      const first = gridPosition(rows, 0, x, y);
      for (let t = 1; t < 9; t++) {
        const [gx, gy] = gridPosition(rows, t, x + path(t)[0], y + path(t)[1]);
        expect(gx).toBeCloseTo(first[0], 5);
        expect(gy).toBeCloseTo(first[1], 5);
      }
    }
    for (let t = 0; t < 9; t++)
      for (const [x, y] of [
        [0, 0],
        [W, H],
        [0, H],
        [W, 0],
      ]) {
        const [gx, gy] = gridPosition(rows, t, x, y);
        for (const g of [gx, gy]) expect(g >= -1e-6 && g <= 1 + 1e-6).toBe(true);
      }
    // The path spans 16 px of 64 in y and 4 of 96 in x: both ends of it touch the grid's edges.
    expect(Math.min(...Array.from({ length: 9 }, (_, t) => gridPosition(rows, t, 0, 0)[1]))).toBeCloseTo(
      0,
      5,
    );
  });

  it('gives a scene that hardly moves no warp, and a model without a warp none at all', () => {
    const still = { dx: Float64Array.of(0, 0.3, 0.6), dy: Float64Array.of(0, -0.2, 0.1) };
    expect(0.6).toBeLessThan(MIN_MOTION_EXTENT_PX);
    expect(warpMoves(motionWarpRows(warped(), still, W, H, []))).toBe(false);
    expect(motionWarpRows({ ...warped(), warp: null }, motion, W, H, [])).toBeNull();
  });

  it('centres each scene on its own and writes latents in units of the warp scale', () => {
    const two = { dx: Float64Array.of(0, 4, 8, 0, 0), dy: new Float64Array(5) };
    const config = warped('Translation');
    const rows = motionWarpRows(config, two, W, H, [3])!;
    expect(rows[0]).toBeCloseTo(4 / W, 9);
    expect(rows[2 * 6]).toBeCloseTo(-4 / W, 9);
    expect(rows.subarray(3 * 6)).toEqual(new Float64Array(12));
    const dim = config.latent.dim;
    const latents = new Float32Array(5 * dim).fill(7);
    setWarpLatents(config, rows, latents);
    expect(latents[0]).toBeCloseTo(4 / W / 0.02, 5);
    expect(latents[2]).toBe(7);
    expect(() => setWarpLatents(config, rows, new Float32Array(4 * dim))).toThrow(/frames/);
  });
});

describe('continuedWarpRows', () => {
  it('carries the previous last warp on by the chunk motion, or gives up where that leaves the grid', () => {
    const config = warped();
    const motion = { dx: new Float64Array(4), dy: Float64Array.of(0, -1, -2, -3) };
    const centred = motionWarpRows(config, motion, W, H, [])!;
    const last = [0, 0.05, 0, 0, 0, -0.2];
    const rows = continuedWarpRows(last, motion, W, H, [], centred)!;
    expect(Array.from(rows.subarray(0, 6))).toEqual(last);
    expect(rows[3 * 6 + 1]).toBeCloseTo(0.05 + (0.8 * 3) / H, 9);
    expect(continuedWarpRows([0, 0.099, 0, 0, 0, -0.2], motion, W, H, [], centred)).toBeNull();
  });
});
