import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { readFrames } from '../../src/media/decode.js';
import { openMediaSource } from '../../src/media/source.js';
import { writeSyntheticMp4 } from '../../src/media/synthetic-mp4.js';
import { meanPsnr, withTempDir } from './helpers.js';

const W = 32;
const H = 32;
// More packets than the demuxer's read-ahead queue (100) holds.
const N = 240;

describe('openMediaSource', () => {
  it('reads frame ranges in order and backwards, matching a straight decode', async () => {
    await withTempDir(async (dir) => {
      const { path } = await writeSyntheticMp4({
        path: join(dir, 'a.mp4'),
        width: W,
        height: H,
        frames: 30,
        crf: 0,
        pixelFormat: 'yuv444p',
        preset: 'ultrafast',
      });
      const source = await openMediaSource(path);
      try {
        expect([source.width, source.height, source.frameCount]).toEqual([W, H, 30]);
        const straight = (await readFrames(path)).frames;
        const all = await source.read(0, 30);
        const tail = await source.read(20, 10);
        const head = await source.read(0, 5);
        expect(meanPsnr(all, straight)).toBe(Number.POSITIVE_INFINITY);
        expect(meanPsnr(tail, straight.slice(20))).toBe(Number.POSITIVE_INFINITY);
        expect(meanPsnr(head, straight.slice(0, 5))).toBe(Number.POSITIVE_INFINITY);
        // The clip moves: a source that returned the wrong frames would not match.
        expect(meanPsnr(tail, straight.slice(0, 10))).toBeLessThan(40);
        await expect(source.read(25, 10)).rejects.toThrow(/outside 0\.\.29/);
      } finally {
        await source.close();
      }
    });
  });

  it('uses no CPU while the encoder trains between two chunk reads', async () => {
    await withTempDir(async (dir) => {
      const { path } = await writeSyntheticMp4({
        path: join(dir, 'long.mp4'),
        width: W,
        height: H,
        frames: N,
        crf: 30,
        preset: 'ultrafast',
      });
      const source = await openMediaSource(path);
      try {
        await source.read(0, 10);
        // node-av's async packet reader kept reading ahead and, its queue full, polled on setImmediate at 100% of
        // a core for as long as the suspended decoder waited: half the training speed of a file encode.
        const before = process.cpuUsage();
        const wall = performance.now();
        await sleep(400);
        const used = process.cpuUsage(before);
        const cpuMs = (used.user + used.system) / 1000;
        expect(cpuMs).toBeLessThan(0.25 * (performance.now() - wall));
        expect((await source.read(10, 5)).length).toBe(5);
      } finally {
        await source.close();
      }
    });
  });
});
