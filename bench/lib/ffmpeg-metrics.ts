/**
 * Peer scores computed by FFmpeg itself: the `psnr` and `ssim` filters on gbrp (planar RGB, a lossless re-layout of
 * our RGB24), per frame, read from the frame metadata the filters attach (lavfi.psnr.*, lavfi.ssim.*).
 *
 * Summaries: `psnr` is the mean of per-frame PSNRs (per frame: 10·log10(255²/MSE), MSE over the three planes);
 * `psnrOfMeanMse` is what FFmpeg's psnr filter prints as "average" at the end (PSNR of the MSE averaged over frames);
 * `ssim` is the mean of per-frame "All" values (FFmpeg's ssim summary "All" is the same mean).
 */
import { FilterComplexAPI, type Frame } from '../../src/media/av.js';
import { frameFromRgb } from '../../src/media/frames.js';

export interface FrameScore {
  mse: number;
  psnr: number;
  ssim: number;
}

export interface ClipScore {
  psnr: number;
  psnrOfMeanMse: number;
  ssim: number;
  perFrame: FrameScore[];
}

const GRAPH = '[dist]format=gbrp[d];[ref]format=gbrp,split[r1][r2];[d][r1]psnr[p];[p][r2]ssim[out]';

export async function ffmpegScores(
  reference: readonly Uint8Array[],
  distorted: readonly Uint8Array[],
  width: number,
  height: number,
): Promise<ClipScore> {
  if (reference.length !== distorted.length || reference.length === 0) {
    throw new Error(`ffmpegScores: ${reference.length} reference vs ${distorted.length} distorted frames`);
  }
  const timeBase = { num: 1, den: 25 };
  const graph = FilterComplexAPI.create(GRAPH, {
    inputs: [{ label: 'ref' }, { label: 'dist' }],
    outputs: [{ label: 'out' }],
  });
  const perFrame: FrameScore[] = [];
  const collect = (frame: Frame) => {
    try {
      const meta = frame.getMetadata();
      const mse = Number(meta.get('lavfi.psnr.mse_avg'));
      const ssim = Number(meta.get('lavfi.ssim.All'));
      perFrame.push({
        mse,
        psnr: mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse),
        ssim,
      });
    } finally {
      frame.free();
    }
  };
  const drain = async () => {
    for (;;) {
      const out = await graph.receive('out');
      if (!out) return; // null: needs more input; undefined: end of stream
      collect(out);
    }
  };
  try {
    for (let i = 0; i < reference.length; i++) {
      const ref = frameFromRgb(reference[i], width, height, i, timeBase);
      const dist = frameFromRgb(distorted[i], width, height, i, timeBase);
      try {
        await graph.process('ref', ref);
        await graph.process('dist', dist);
      } finally {
        ref.free();
        dist.free();
      }
      await drain();
    }
    await graph.flush();
    for await (const f of graph.flushFrames('out')) collect(f);
  } finally {
    graph.close();
  }
  if (perFrame.length !== reference.length) {
    throw new Error(`ffmpegScores: FFmpeg scored ${perFrame.length} of ${reference.length} frames`);
  }
  const meanMse = perFrame.reduce((s, f) => s + f.mse, 0) / perFrame.length;
  return {
    psnr: perFrame.reduce((s, f) => s + f.psnr, 0) / perFrame.length,
    psnrOfMeanMse: meanMse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / meanMse),
    ssim: perFrame.reduce((s, f) => s + f.ssim, 0) / perFrame.length,
    perFrame,
  };
}
