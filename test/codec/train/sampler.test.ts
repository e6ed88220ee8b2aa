import { describe, expect, it } from 'vitest';
import { hashGrid } from '../../../src/codec/model/config.js';
import { pickFrames, sampleBatch } from '../../../src/codec/train/index.js';
import { createRng } from '../../../src/codec/util/random.js';
import { tinyPatchConfig } from '../engine/fixtures.js';
import { smallModel } from './clips.js';

/** Frame f's pixel (x, y) has channels (x, y, 10·f + c) as bytes, so a sample tells where it came from. */
function labelledFrames(width: number, height: number, count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, f) => {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) data.set([x, y, 10 * f], (y * width + x) * 3);
    }
    return data;
  });
}

describe('batch sampling', () => {
  it('picks distinct frames from the pool', () => {
    const rng = createRng(1);
    for (let i = 0; i < 20; i++) {
      const picked = pickFrames([0, 2, 4, 6, 8], 3, rng);
      expect(new Set(picked).size).toBe(3);
      for (const f of picked) expect([0, 2, 4, 6, 8]).toContain(f);
    }
    expect(pickFrames([1, 3], 5, rng).sort()).toEqual([1, 3]);
  });

  it('per-pixel batches: pixel-centre coordinates with that pixel of that frame as target', () => {
    const clip = { frames: labelledFrames(7, 5, 4), width: 7, height: 5 };
    const config = smallModel(8);
    config.encoding = hashGrid(2, 2, 8, 2, 8);
    const batch = sampleBatch(config, clip, [0, 1, 3], 2, 50, createRng(3));
    expect(batch.frameIndex.length).toBe(2);
    expect(batch.pixelsPerFrame).toBe(50);
    for (let n = 0; n < 100; n++) {
      const f = batch.frameIndex[Math.floor(n / 50)];
      const x = batch.coords[2 * n] * 7 - 0.5;
      const y = batch.coords[2 * n + 1] * 5 - 0.5;
      expect(Math.abs(x - Math.round(x))).toBeLessThan(1e-5);
      expect(batch.target[3 * n]).toBeCloseTo(Math.round(x) / 255, 6);
      expect(batch.target[3 * n + 1]).toBeCloseTo(Math.round(y) / 255, 6);
      expect(batch.target[3 * n + 2]).toBeCloseTo((10 * f) / 255, 6);
    }
  });

  it('patch batches: whole centroid grid, targets in conv channel order, edge pixels repeated past the border', () => {
    const clip = { frames: labelledFrames(5, 3, 2), width: 5, height: 3 };
    const config = tinyPatchConfig(); // p = 2
    const batch = sampleBatch(config, clip, [1], 4, 999, createRng(1));
    expect([batch.tileWidth, batch.tileHeight, batch.pixelsPerFrame]).toEqual([3, 2, 6]);
    expect(Array.from(batch.coords.subarray(0, 4))).toEqual([1 / 6, 1 / 4, 0.5, 1 / 4].map(Math.fround));
    // Centroid (2, 1) covers pixels x 4..5, y 2..3; x = 5 and y = 3 lie outside and repeat x = 4, y = 2.
    const t = batch.target.subarray(5 * 12, 6 * 12);
    const channel = (c: number) => Array.from(t.subarray(c * 4, c * 4 + 4), (v) => Math.round(v * 255));
    expect(channel(0)).toEqual([4, 4, 4, 4]); // x of (dx, dy) = (0,0), (1,0), (0,1), (1,1)
    expect(channel(1)).toEqual([2, 2, 2, 2]);
    expect(channel(2)).toEqual([10, 10, 10, 10]);
    const first = batch.target.subarray(0, 12); // centroid (0, 0): pixels x 0..1, y 0..1
    expect(Array.from(first.subarray(0, 4), (v) => Math.round(v * 255))).toEqual([0, 1, 0, 1]);
    expect(Array.from(first.subarray(4, 8), (v) => Math.round(v * 255))).toEqual([0, 0, 1, 1]);
  });
});
