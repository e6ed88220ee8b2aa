/**
 * PSNR on RGB frames, defined as FFmpeg's `psnr` filter on gbrp input:
 * - per frame: MSE_frame = Σ_c w_c·MSE_c with plane weights w_c = 1/3 (equal-size planes), i.e. the mean squared
 *   difference over all samples; PSNR = 10·log10(peak² / MSE_frame) (Infinity for identical frames);
 * - over a video, FFmpeg's summary line "average" is 10·log10(peak² / mean_frames(MSE_frame)): the PSNR of the
 *   mean MSE, not the mean of per-frame PSNRs (that one is reported separately as `meanOfFrames`); "min" and
 *   "max" are the PSNRs of the largest and smallest frame MSE, and each channel's value is the PSNR of that
 *   channel's mean MSE.
 * Float frames are compared as they are (no 8-bit rounding), with peak 1 by default.
 */
import { checkPair, defaultPeak, type RgbFrame } from './frames.js';

export interface FrameMse {
  /** Mean squared difference over all samples (= FFmpeg's mse_avg). */
  mse: number;
  /** Per channel in R, G, B order. */
  channels: [number, number, number];
}

export function frameMse(a: RgbFrame, b: RgbFrame): FrameMse {
  checkPair(a, b, 'psnr');
  let r = 0;
  let g = 0;
  let bl = 0;
  for (let k = 0; k < a.length; k += 3) {
    const dr = a[k] - b[k];
    const dg = a[k + 1] - b[k + 1];
    const db = a[k + 2] - b[k + 2];
    r += dr * dr;
    g += dg * dg;
    bl += db * db;
  }
  const n = a.length / 3;
  const channels: [number, number, number] = [r / n, g / n, bl / n];
  return { mse: (channels[0] + channels[1] + channels[2]) / 3, channels };
}

export function psnrFromMse(mse: number, peak: number): number {
  return 10 * Math.log10((peak * peak) / mse);
}

/** PSNR of one frame pair (dB); peak defaults to 255 for Uint8Array, 1 for Float32Array. */
export function psnr(a: RgbFrame, b: RgbFrame, peak = defaultPeak(a)): number {
  return psnrFromMse(frameMse(a, b).mse, peak);
}

export interface PsnrSummary {
  frames: number;
  /** FFmpeg's "average": PSNR of the mean frame MSE. */
  average: number;
  /** FFmpeg's "min"/"max": PSNR of the worst/best frame. */
  min: number;
  max: number;
  /** PSNR of each channel's mean MSE (FFmpeg's r:, g:, b:). */
  channels: [number, number, number];
  /** Mean of per-frame PSNRs (not what FFmpeg prints; Infinity if any frame is identical). */
  meanOfFrames: number;
}

/** Accumulates frames one at a time (videos need not fit in memory) and summarizes like FFmpeg. */
export class PsnrMeter {
  private frames = 0;
  private mseSum = 0;
  private psnrSum = 0;
  private minMse = Number.POSITIVE_INFINITY;
  private maxMse = Number.NEGATIVE_INFINITY;
  private readonly channelSums = [0, 0, 0];

  /** `peak` defaults to that of the first frame's type (255 for Uint8Array, 1 for Float32Array). */
  constructor(private peak?: number) {}

  /** Adds a frame pair and returns its PSNR. */
  add(a: RgbFrame, b: RgbFrame): number {
    const { mse, channels } = frameMse(a, b);
    this.peak ??= defaultPeak(a);
    const value = psnrFromMse(mse, this.peak);
    this.frames++;
    this.mseSum += mse;
    this.psnrSum += value;
    this.minMse = Math.min(this.minMse, mse);
    this.maxMse = Math.max(this.maxMse, mse);
    for (let c = 0; c < 3; c++) this.channelSums[c] += channels[c];
    return value;
  }

  summary(): PsnrSummary {
    if (this.frames === 0 || this.peak === undefined) throw new RangeError('psnr: no frames were added');
    const p = this.peak;
    const n = this.frames;
    const [r, g, b] = this.channelSums.map((sum) => psnrFromMse(sum / n, p));
    return {
      frames: n,
      average: psnrFromMse(this.mseSum / n, p),
      min: psnrFromMse(this.maxMse, p),
      max: psnrFromMse(this.minMse, p),
      channels: [r, g, b],
      meanOfFrames: this.psnrSum / n,
    };
  }
}

/** FFmpeg-style PSNR summary of a whole sequence of frame pairs. */
export function videoPsnr(pairs: Iterable<readonly [RgbFrame, RgbFrame]>, peak?: number): PsnrSummary {
  const meter = new PsnrMeter(peak);
  for (const [a, b] of pairs) meter.add(a, b);
  return meter.summary();
}
