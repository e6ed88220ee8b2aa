/**
 * Cross-checks FFmpeg's psnr/ssim filters (the peer scores) against src/codec/metrics (our codec's scores) on a
 * benchmark clip encoded with x264: both must agree to ~0.01 dB, or the RD comparison would be skewed.
 * Usage: npx tsx bench/lib/crosscheck-metrics.ts [bunny|vtest] [crf]
 */
import { PsnrMeter, SsimMeter, ssimDb } from '../../src/codec/metrics/index.js';
import { encodeVideo, readFrames } from '../../src/media/index.js';
import { type ClipName, loadClip } from './clips.js';
import { ffmpegScores } from './ffmpeg-metrics.js';

export interface MetricsComparison {
  ffmpeg: { psnr: number; psnrOfMeanMse: number; ssim: number };
  ours: { psnr: number; psnrOfMeanMse: number; ssim: number };
  maxFramePsnrDiff: number;
  maxFrameSsimDiff: number;
}

export async function compareMetrics(
  reference: readonly Uint8Array[],
  distorted: readonly Uint8Array[],
  width: number,
  height: number,
): Promise<MetricsComparison> {
  const ff = await ffmpegScores(reference, distorted, width, height);
  const psnr = new PsnrMeter(255);
  const ssim = new SsimMeter(width, height);
  let maxFramePsnrDiff = 0;
  let maxFrameSsimDiff = 0;
  reference.forEach((ref, i) => {
    const p = psnr.add(ref, distorted[i]);
    const s = ssim.add(ref, distorted[i]);
    maxFramePsnrDiff = Math.max(maxFramePsnrDiff, Math.abs(p - ff.perFrame[i].psnr));
    maxFrameSsimDiff = Math.max(maxFrameSsimDiff, Math.abs(s - ff.perFrame[i].ssim));
  });
  const p = psnr.summary();
  const s = ssim.summary();
  return {
    ffmpeg: { psnr: ff.psnr, psnrOfMeanMse: ff.psnrOfMeanMse, ssim: ff.ssim },
    ours: { psnr: p.meanOfFrames, psnrOfMeanMse: p.average, ssim: s.all },
    maxFramePsnrDiff,
    maxFrameSsimDiff,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const name = (process.argv[2] ?? 'bunny') as ClipName;
  const crf = Number(process.argv[3] ?? 28);
  const clip = await loadClip(name);
  const path = `${process.env.TMPDIR ?? '/tmp'}/lirn-crosscheck-${process.pid}.mp4`;
  await encodeVideo(clip.frames, {
    path,
    width: clip.width,
    height: clip.height,
    fps: clip.fps,
    codec: 'h264',
    crf,
  });
  const decoded = await readFrames(path);
  const r = await compareMetrics(clip.frames, decoded.frames, clip.width, clip.height);
  console.log(`${name} x264 crf ${crf}, ${clip.frames.length} frames`);
  console.log(`  PSNR mean of frames  ffmpeg ${r.ffmpeg.psnr.toFixed(4)}  ours ${r.ours.psnr.toFixed(4)}`);
  console.log(
    `  PSNR of mean MSE     ffmpeg ${r.ffmpeg.psnrOfMeanMse.toFixed(4)}  ours ${r.ours.psnrOfMeanMse.toFixed(4)}`,
  );
  console.log(
    `  SSIM                 ffmpeg ${r.ffmpeg.ssim.toFixed(6)}  ours ${r.ours.ssim.toFixed(6)} (${ssimDb(r.ours.ssim).toFixed(3)} dB)`,
  );
  console.log(
    `  worst frame: PSNR diff ${r.maxFramePsnrDiff.toExponential(2)} dB, SSIM diff ${r.maxFrameSsimDiff.toExponential(2)}`,
  );
  const { rm } = await import('node:fs/promises');
  await rm(path, { force: true });
}
