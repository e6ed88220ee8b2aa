import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeVideo, probeVideo, readFrames } from '../../src/media/decode.js';
import { encodeVideo } from '../../src/media/encode.js';
import { syntheticClip } from '../../src/media/synthetic.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';
import { meanPsnr, withTempDir } from './helpers.js';

const W = 64;
const H = 48;
const N = 20;

describe('encode → probe → decode round trip', () => {
  it('keeps size, frame count and rate, and a high-quality 4:4:4 encode is near-lossless', async () => {
    await withTempDir(async (dir) => {
      const source = syntheticClip({ width: W, height: H, frames: N });
      const first = await encodeVideo(source, {
        path: join(dir, 'a.mp4'),
        width: W,
        height: H,
        fps: 24,
        codec: 'h264',
        crf: 0,
        pixelFormat: 'yuv444p',
        preset: 'ultrafast',
      });
      expect(first.frames).toBe(N);
      const info = await probeVideo(first.path);
      expect(info).toMatchObject({
        width: W,
        height: H,
        frameCount: N,
        frameCountExact: true,
        codec: 'h264',
      });
      expect(info.fps).toEqual({ num: 24, den: 1 });
      expect(info.pixelFormat).toBe('yuv444p');
      expect(info.duration).toBeCloseTo(N / 24, 3);
      expect(info.hasAudio).toBe(false);
      expect([info.colourMatrix, info.colourRange]).toEqual(['bt601', 'tv']);

      const decoded = await readFrames(first.path);
      expect(decoded).toMatchObject({ width: W, height: H, fps: { num: 24, den: 1 } });
      expect(decoded.frames).toHaveLength(N);
      expect(decoded.pts[1]).toBeCloseTo(1 / 24, 6);
      // Lossless YUV: only the 8-bit RGB→YUV→RGB rounding remains (same BT.601 matrix both ways).
      expect(meanPsnr(source, decoded.frames)).toBeGreaterThan(48);

      // decode → encode → decode: the second generation keeps geometry and timing and loses almost nothing.
      const second = await encodeVideo(decoded.frames, {
        path: join(dir, 'b.mp4'),
        width: decoded.width,
        height: decoded.height,
        fps: decoded.fps,
        codec: 'h264',
        crf: 0,
        pixelFormat: 'yuv444p',
        preset: 'ultrafast',
      });
      const again = await readFrames(second.path);
      expect(again).toMatchObject({ width: W, height: H, fps: { num: 24, den: 1 } });
      expect(again.frames).toHaveLength(N);
      expect(meanPsnr(decoded.frames, again.frames)).toBeGreaterThan(48);
    });
  });

  it('4:2:0 at a high quality stays close to the source; lower quality costs fewer bytes', async () => {
    await withTempDir(async (dir) => {
      const source = syntheticClip({ width: W, height: H, frames: N });
      const good = await writeSyntheticMp4({
        path: join(dir, 'good.mp4'),
        width: W,
        height: H,
        frames: N,
        crf: 8,
      });
      const poor = await writeSyntheticMp4({
        path: join(dir, 'poor.mp4'),
        width: W,
        height: H,
        frames: N,
        crf: 40,
      });
      const goodPsnr = meanPsnr(source, (await readFrames(good.path)).frames);
      const poorPsnr = meanPsnr(source, (await readFrames(poor.path)).frames);
      // Small saturated shapes lose chroma detail in 4:2:0, so "high" here is ~33 dB, not 45+.
      expect(goodPsnr).toBeGreaterThan(31);
      expect(poorPsnr).toBeLessThan(goodPsnr - 3);
      expect(poor.bytes).toBeLessThan(good.bytes / 2);
    });
  });

  it('HD sizes use BT.709 both ways (colour survives a lossless encode)', async () => {
    await withTempDir(async (dir) => {
      const source = syntheticClip({ width: 1280, height: 720, frames: 2 });
      const file = await encodeVideo(source, {
        path: join(dir, 'hd.mp4'),
        width: 1280,
        height: 720,
        fps: 24,
        codec: 'h264',
        crf: 0,
        pixelFormat: 'yuv444p',
        preset: 'ultrafast',
      });
      expect(await probeVideo(file.path)).toMatchObject({ colourMatrix: 'bt709', colourRange: 'tv' });
      const frames: Uint8Array[] = [];
      for await (const frame of decodeVideo(file.path)) frames.push(frame.data);
      expect(meanPsnr(source, frames)).toBeGreaterThan(48);
    });
  });

  it('writes HEVC, VP9 and AV1 too', async () => {
    await withTempDir(async (dir) => {
      const source = syntheticClip({ width: W, height: H, frames: 6 });
      for (const codec of ['hevc', 'vp9', 'av1'] as const) {
        const file = await encodeVideo(source, {
          path: join(dir, `${codec}.mp4`),
          width: W,
          height: H,
          fps: 24,
          codec,
          crf: 20,
        });
        const info = await probeVideo(file.path);
        expect(info.codec).toBe(codec);
        const decoded = await readFrames(file.path);
        expect(decoded.frames, codec).toHaveLength(6);
        expect(meanPsnr(source, decoded.frames), codec).toBeGreaterThan(26);
      }
    });
  });
});
