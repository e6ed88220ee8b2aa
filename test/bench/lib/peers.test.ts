import { describe, expect, it } from 'vitest';
import { compareMetrics } from '../../../bench/lib/crosscheck-metrics.js';
import { ffmpegScores } from '../../../bench/lib/ffmpeg-metrics.js';
import { minterpolateHeldOut, resizeFrames } from '../../../bench/lib/peer-filters.js';
import { type MemoryClip, PEERS, runPeer } from '../../../bench/lib/peers.js';
import { syntheticClip } from '../../../src/media/synthetic.js';
import { meanPsnr } from '../../media/helpers.js';

function tinyClip(width = 64, height = 48, frames = 10): MemoryClip {
  return { width, height, fps: { num: 24, den: 1 }, frames: syntheticClip({ width, height, frames }) };
}

describe('codec peers', () => {
  it('give sane RD points: more bytes buy more PSNR and SSIM', async () => {
    const clip = tinyClip();
    for (const peer of [PEERS.x264, PEERS.x265_444, PEERS.svtav1]) {
      const points = await runPeer(clip, peer, [{ crf: 45 }, { crf: 32 }, { crf: 18 }]);
      expect(points).toHaveLength(3);
      for (const p of points) {
        expect(p.bpp).toBeCloseTo((p.bytes * 8) / (64 * 48 * 10), 12);
        expect(p.frames).toBe(10);
        expect(p.encodeSeconds).toBeGreaterThan(0);
        expect(p.decodeFps).toBeGreaterThan(0);
        expect(p.ssim).toBeLessThanOrEqual(1);
        expect(p.psnrOfMeanMse).toBeLessThanOrEqual(p.psnr + 1e-9); // Jensen: log of a mean ≥ mean of logs
      }
      for (let i = 1; i < points.length; i++) {
        expect(points[i].bytes, peer.name).toBeGreaterThan(points[i - 1].bytes);
        expect(points[i].psnr, peer.name).toBeGreaterThan(points[i - 1].psnr);
        expect(points[i].ssim, peer.name).toBeGreaterThan(points[i - 1].ssim);
      }
      expect(points[2].psnr, peer.name).toBeGreaterThan(30);
    }
  });

  it('accept a bitrate target instead of a CRF', async () => {
    const clip = tinyClip();
    const [low, high] = await runPeer(clip, PEERS.x264, [{ bitrate: 40_000 }, { bitrate: 400_000 }]);
    expect(high.bytes).toBeGreaterThan(low.bytes);
    expect(high.psnr).toBeGreaterThan(low.psnr);
  });
});

describe('FFmpeg psnr/ssim scores', () => {
  it('agree with src/codec/metrics to well under 0.01 dB', async () => {
    const { frames } = tinyClip(64, 48, 6);
    const noisy = frames.map((f, i) =>
      f.map((v, j) => Math.min(255, Math.max(0, v + ((j * 7 + i * 3) % 9) - 4))),
    );
    const r = await compareMetrics(frames, noisy, 64, 48);
    expect(Math.abs(r.ffmpeg.psnr - r.ours.psnr)).toBeLessThan(0.001);
    expect(Math.abs(r.ffmpeg.psnrOfMeanMse - r.ours.psnrOfMeanMse)).toBeLessThan(0.001);
    expect(Math.abs(r.ffmpeg.ssim - r.ours.ssim)).toBeLessThan(1e-5);
    expect(r.maxFramePsnrDiff).toBeLessThan(0.001);
    expect(r.ffmpeg.psnr).toBeCloseTo(meanPsnr(frames, noisy), 3);
  });

  it('score identical frames as infinite PSNR and SSIM 1', async () => {
    const { frames } = tinyClip(32, 24, 2);
    const s = await ffmpegScores(frames, frames, 32, 24);
    expect(s.psnr).toBe(Number.POSITIVE_INFINITY);
    expect(s.ssim).toBe(1);
  });
});

describe('minterpolate and lanczos peers', () => {
  it('rebuild every held-out frame; motion compensation beats blending on moving shapes', async () => {
    const W = 160;
    const H = 120;
    const frames = syntheticClip({ width: W, height: H, frames: 9 });
    const mci = await minterpolateHeldOut(frames, W, H, { num: 24, den: 1 }, 2, 'mci');
    const blend = await minterpolateHeldOut(frames, W, H, { num: 24, den: 1 }, 2, 'blend');
    expect(mci.frames).toHaveLength(9);
    expect(mci.heldOut).toEqual([1, 3, 5, 7]);
    for (const i of [0, 2, 4, 6, 8]) expect(mci.frames[i]).toBe(frames[i]);
    const truth = mci.heldOut.map((i) => frames[i]);
    const mciPsnr = meanPsnr(
      truth,
      mci.heldOut.map((i) => mci.frames[i]),
    );
    const blendPsnr = meanPsnr(
      truth,
      blend.heldOut.map((i) => blend.frames[i]),
    );
    expect(blendPsnr).toBeGreaterThan(18);
    expect(mciPsnr).toBeGreaterThan(blendPsnr + 1);
  });

  it('stop at the last kept frame and need two kept frames', async () => {
    const frames = syntheticClip({ width: 64, height: 48, frames: 10 });
    const r = await minterpolateHeldOut(frames, 64, 48, { num: 24, den: 1 }, 4, 'blend');
    expect(r.frames).toHaveLength(9); // kept 0, 4, 8
    expect(r.heldOut).toEqual([1, 2, 3, 5, 6, 7]);
    await expect(minterpolateHeldOut(frames.slice(0, 3), 64, 48, { num: 24, den: 1 }, 4)).rejects.toThrow(
      /two kept/,
    );
  });

  it('resize with lanczos to the requested size', async () => {
    const frames = syntheticClip({ width: 64, height: 48, frames: 2 });
    const small = await resizeFrames(frames, 64, 48, 32, 24);
    expect(small.map((f) => f.length)).toEqual([32 * 24 * 3, 32 * 24 * 3]);
    const back = await resizeFrames(small, 32, 24, 64, 48);
    const psnr = meanPsnr(frames, back);
    expect(psnr).toBeGreaterThan(24);
    expect(psnr).toBeLessThan(45);
  });
});
