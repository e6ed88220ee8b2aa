import { describe, expect, it } from 'vitest';
import { syntheticClip, syntheticScene } from '../../src/media/synthetic.js';
import { meanPsnr } from './helpers.js';

describe('synthetic clips', () => {
  it('are deterministic per seed and differ between seeds', () => {
    const a = syntheticClip({ width: 40, height: 30, frames: 4, seed: 7 });
    const b = syntheticClip({ width: 40, height: 30, frames: 4, seed: 7 });
    const c = syntheticClip({ width: 40, height: 30, frames: 4, seed: 8 });
    expect(a).toHaveLength(4);
    expect(a[0]).toHaveLength(40 * 30 * 3);
    expect(a).toEqual(b);
    expect(a[0]).not.toEqual(c[0]);
  });

  it('move: consecutive frames differ, and a fractional time lies between its neighbours', () => {
    const scene = syntheticScene({ width: 64, height: 48, frames: 10 });
    const f2 = scene.render(2);
    const f3 = scene.render(3);
    const half = scene.render(2.5);
    expect(meanPsnr([f2], [f3])).toBeLessThan(30);
    // The in-between picture is closer to each neighbour than the neighbours are to each other.
    expect(meanPsnr([half], [f2])).toBeGreaterThan(meanPsnr([f3], [f2]));
    expect(meanPsnr([half], [f3])).toBeGreaterThan(meanPsnr([f3], [f2]));
    // ...and differs from the plain blend of them (real motion, not a cross-fade).
    const blend = f2.map((v, i) => Math.round((v + f3[i]) / 2));
    expect(meanPsnr([half], [blend])).toBeLessThan(40);
  });

  it('use the full range of colours', () => {
    const [frame] = syntheticClip({ width: 64, height: 48, frames: 1 });
    expect(Math.max(...frame) - Math.min(...frame)).toBeGreaterThan(150);
  });

  it('reject impossible sizes', () => {
    expect(() => syntheticClip({ width: 0, height: 4, frames: 1 })).toThrow(/width must be an integer/);
    expect(() => syntheticClip({ width: 4, height: 4, frames: 1.5 })).toThrow(/frames/);
  });
});
