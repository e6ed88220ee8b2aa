import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeVideo, readFrames } from '../../src/media/decode.js';
import { syntheticClip } from '../../src/media/synthetic.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';
import { meanPsnr } from './helpers.js';

const W = 64;
const H = 48;
const N = 20;
let dir: string;
let path: string;
let source: Uint8Array[];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lirn-media-options-'));
  path = join(dir, 'clip.mp4');
  source = syntheticClip({ width: W, height: H, frames: N });
  // Lossless 4:4:4 so geometry checks can compare pixels with the source.
  await writeSyntheticMp4({ path, width: W, height: H, frames: N, pixelFormat: 'yuv444p', crf: 0 });
});
afterAll(() => rm(dir, { recursive: true, force: true }));

function cropOf(frame: Uint8Array, x: number, y: number, w: number, h: number): Uint8Array {
  const out = new Uint8Array(w * h * 3);
  for (let row = 0; row < h; row++) {
    out.set(frame.subarray(((y + row) * W + x) * 3, ((y + row) * W + x + w) * 3), row * w * 3);
  }
  return out;
}

describe('decode options', () => {
  it('fps 24 → 12 halves the count at 1/12 s steps; 24 → 48 doubles it', async () => {
    const half = await readFrames(path, { fps: 12 });
    expect(half.frames).toHaveLength(N / 2);
    expect(half.fps).toEqual({ num: 12, den: 1 });
    for (const [i, t] of half.pts.entries()) expect(t).toBeCloseTo(i / 12, 6);
    // Frame k at 12 fps is source frame 2k (exact timestamps, nothing to round).
    expect(meanPsnr([half.frames[3]], [source[6]])).toBeGreaterThan(48);
    const double = await readFrames(path, { fps: 48 });
    expect(double.frames).toHaveLength(2 * N);
  });

  it('resizes to the requested size, or keeps the aspect ratio with one side given', async () => {
    const small = await readFrames(path, { width: 32, height: 16, frames: 2 });
    expect([small.width, small.height, small.frames[0].length]).toEqual([32, 16, 32 * 16 * 3]);
    const tall = await readFrames(path, { height: 96, frames: 1 });
    expect([tall.width, tall.height]).toEqual([128, 96]);
    const halfSize = await readFrames(path, { width: 32, frames: 1 });
    expect([halfSize.width, halfSize.height]).toEqual([32, 24]);
  });

  it('crops exactly (odd offsets too) before scaling', async () => {
    const crop = { x: 3, y: 5, width: 31, height: 21 };
    const cropped = await readFrames(path, { crop, frames: 3 });
    expect([cropped.width, cropped.height]).toEqual([31, 21]);
    const expected = source.slice(0, 3).map((f) => cropOf(f, crop.x, crop.y, crop.width, crop.height));
    const exact = meanPsnr(expected, cropped.frames);
    expect(exact).toBeGreaterThan(45);
    // A one-pixel shift of the reference must score far worse: the crop offset is exact.
    const shifted = source.slice(0, 3).map((f) => cropOf(f, crop.x + 1, crop.y, crop.width, crop.height));
    expect(meanPsnr(shifted, cropped.frames)).toBeLessThan(exact - 6);
    const scaled = await readFrames(path, { crop, width: 62, height: 42, frames: 1 });
    expect([scaled.width, scaled.height]).toEqual([62, 42]);
  });

  it('trims by start and count, by end, and anchors fps conversion at start', async () => {
    const middle = await readFrames(path, { start: 0.25, frames: 5 });
    expect(middle.frames).toHaveLength(5);
    expect(middle.pts[0]).toBeCloseTo(0.25, 6);
    expect(meanPsnr([middle.frames[0]], [source[6]])).toBeGreaterThan(48);
    const head = await readFrames(path, { end: 0.5 });
    expect(head.frames).toHaveLength(12);
    const resampled = await readFrames(path, { start: 0.25, fps: 12 });
    expect(resampled.pts[0]).toBeCloseTo(0.25, 6);
    expect(resampled.frames).toHaveLength(7);
  });

  it('streams frames with index, time and size, and stops early without decoding the rest', async () => {
    const seen: number[] = [];
    for await (const frame of decodeVideo(path, { width: 16, height: 12 })) {
      expect(frame.data).toHaveLength(16 * 12 * 3);
      expect(frame.index).toBe(seen.length);
      seen.push(frame.pts);
      if (seen.length === 4) break;
    }
    expect(seen).toHaveLength(4);
  });

  it('refuses a start beyond the end of the clip', async () => {
    await expect(readFrames(path, { start: 5 })).rejects.toMatchObject({
      type: 'media',
      details: 'bad-option',
    });
  });
});
