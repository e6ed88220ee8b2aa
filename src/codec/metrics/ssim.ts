/**
 * SSIM on RGB frames, defined as FFmpeg's `ssim` filter on gbrp (8-bit) input, which is x264's SSIM: per plane,
 * 8×8 windows on a 4-pixel grid (built from 4×4 block sums), no Gaussian weighting, integer sums with
 * C1 = ⌊(0.01·255)²·64 + 0.5⌋ and C2 = ⌊(0.03·255)²·64·63 + 0.5⌋, each window's value computed in float32;
 * the plane value is the mean over the (⌊W/4⌋ − 1)·(⌊H/4⌋ − 1) windows (pixels past the last multiple of 4
 * are not looked at), and the frame value "All" is the mean of the three planes (equal plane weights). Over a
 * video, All is the mean of per-frame values. Frames must be at least 8×8.
 * Float frames are first converted to 8 bits as the renderer does (clamp, round(255·v)), since the metric is
 * defined on 8-bit samples. Sums are accumulated in float64 where FFmpeg uses float (differences ≲ 1e-6).
 */
import { checkPair, type RgbFrame } from './frames.js';

const C1 = Math.trunc(0.01 * 0.01 * 255 * 255 * 64 + 0.5);
const C2 = Math.trunc(0.03 * 0.03 * 255 * 255 * 64 * 63 + 0.5);
const f32 = Math.fround;

/** x264/FFmpeg ssim_end1 on the sums of one 8×8 window (64 samples); float32 arithmetic as in C. */
function windowSsim(s1: number, s2: number, ss: number, s12: number): number {
  const vars = ss * 64 - s1 * s1 - s2 * s2;
  const covar = s12 * 64 - s1 * s2;
  const num = f32(f32(2 * s1 * s2 + C1) * f32(2 * covar + C2));
  const den = f32(f32(s1 * s1 + s2 * s2 + C1) * f32(vars + C2));
  return f32(num / den);
}

function to8bit(frame: RgbFrame): Uint8Array {
  if (frame instanceof Uint8Array) return frame;
  const out = new Uint8Array(frame.length);
  for (let k = 0; k < frame.length; k++) {
    const v = frame[k];
    out[k] = Math.floor(255 * (v > 0 ? Math.min(v, 1) : 0) + 0.5);
  }
  return out;
}

/** SSIM of one channel (0, 1, 2) of interleaved RGB frames. */
function planeSsim(a: Uint8Array, b: Uint8Array, width: number, height: number, channel: number): number {
  const bw = width >> 2;
  const bh = height >> 2;
  // 4×4 block sums (s1, s2, ss, s12) for two block rows: the previous and the current.
  let prev = new Float64Array(bw * 4);
  let cur = new Float64Array(bw * 4);
  const blockRow = (by: number, out: Float64Array) => {
    for (let bx = 0; bx < bw; bx++) {
      let s1 = 0;
      let s2 = 0;
      let ss = 0;
      let s12 = 0;
      for (let y = 0; y < 4; y++) {
        let k = ((by * 4 + y) * width + bx * 4) * 3 + channel;
        for (let x = 0; x < 4; x++, k += 3) {
          const p = a[k];
          const q = b[k];
          s1 += p;
          s2 += q;
          ss += p * p + q * q;
          s12 += p * q;
        }
      }
      const o = bx * 4;
      out[o] = s1;
      out[o + 1] = s2;
      out[o + 2] = ss;
      out[o + 3] = s12;
    }
  };
  let total = 0;
  blockRow(0, cur);
  for (let by = 1; by < bh; by++) {
    [prev, cur] = [cur, prev];
    blockRow(by, cur);
    for (let bx = 0; bx + 1 < bw; bx++) {
      const i = bx * 4;
      const j = i + 4;
      total += windowSsim(
        prev[i] + prev[j] + cur[i] + cur[j],
        prev[i + 1] + prev[j + 1] + cur[i + 1] + cur[j + 1],
        prev[i + 2] + prev[j + 2] + cur[i + 2] + cur[j + 2],
        prev[i + 3] + prev[j + 3] + cur[i + 3] + cur[j + 3],
      );
    }
  }
  return total / ((bh - 1) * (bw - 1));
}

export interface FrameSsim {
  /** FFmpeg's "All": mean of the three channel values. */
  all: number;
  /** R, G, B. */
  channels: [number, number, number];
}

export function frameSsim(a: RgbFrame, b: RgbFrame, width: number, height: number): FrameSsim {
  checkPair(a, b, 'ssim');
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 8 || height < 8) {
    throw new RangeError(`ssim: frames must be at least 8×8 with integer sizes, got ${width}×${height}`);
  }
  if (a.length !== width * height * 3) {
    throw new RangeError(`ssim: frame length ${a.length} does not match ${width}×${height}×3`);
  }
  const a8 = to8bit(a);
  const b8 = to8bit(b);
  const channels: [number, number, number] = [0, 1, 2].map((c) => planeSsim(a8, b8, width, height, c)) as [
    number,
    number,
    number,
  ];
  return { all: (channels[0] + channels[1] + channels[2]) / 3, channels };
}

/** SSIM ("All") of one frame pair. */
export function ssim(a: RgbFrame, b: RgbFrame, width: number, height: number): number {
  return frameSsim(a, b, width, height).all;
}

/** FFmpeg's dB form of an SSIM value: 10·log10(1 / (1 − ssim)). */
export function ssimDb(value: number): number {
  return 10 * Math.log10(1 / (1 - value));
}

export interface SsimSummary {
  frames: number;
  /** Mean of per-frame All values (FFmpeg's "All"). */
  all: number;
  channels: [number, number, number];
}

/** Accumulates frames one at a time and summarizes like FFmpeg's ssim filter. */
export class SsimMeter {
  private frames = 0;
  private allSum = 0;
  private readonly channelSums = [0, 0, 0];

  constructor(
    private readonly width: number,
    private readonly height: number,
  ) {}

  /** Adds a frame pair and returns its SSIM ("All"). */
  add(a: RgbFrame, b: RgbFrame): number {
    const s = frameSsim(a, b, this.width, this.height);
    this.frames++;
    this.allSum += s.all;
    for (let c = 0; c < 3; c++) this.channelSums[c] += s.channels[c];
    return s.all;
  }

  summary(): SsimSummary {
    if (this.frames === 0) throw new RangeError('ssim: no frames were added');
    const n = this.frames;
    const [r, g, b] = this.channelSums.map((s) => s / n);
    return { frames: n, all: this.allSum / n, channels: [r, g, b] };
  }
}
