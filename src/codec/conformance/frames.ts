/**
 * Stage 3 conformance (spec/06 §6.3): a decoder's 8-bit RGB frame against the reference decoder's, by PSNR over
 * all samples (peak 255, FFmpeg's definition on gbrp) and the largest per-sample difference.
 */
import { sha256Hex } from './sha256.js';

export interface FrameComparison {
  /** sha256 of the candidate's 8-bit frame equals the reference checksum. */
  exact: boolean;
  sha256: string;
  /** PSNR in dB (Infinity for identical frames). */
  psnr: number;
  /** Largest |candidate − reference| over all samples, in 8-bit levels. */
  maxDiff: number;
  /** Samples that differ. */
  differing: number;
}

export interface FrameBound {
  /** Smallest PSNR (dB) a conforming decoder may reach on any checked frame. */
  minPsnr: number;
  /** Largest per-sample difference (8-bit levels) a conforming decoder may show. */
  maxDiff: number;
}

export function compareFrames8(
  candidate: Uint8Array,
  reference: Uint8Array,
  referenceSha256: string,
): FrameComparison {
  if (candidate.length !== reference.length) {
    throw new RangeError(`frame has ${candidate.length} samples, the reference ${reference.length}`);
  }
  let sum = 0;
  let maxDiff = 0;
  let differing = 0;
  for (let i = 0; i < candidate.length; i++) {
    const d = candidate[i] - reference[i];
    if (d !== 0) {
      differing++;
      sum += d * d;
      const a = d < 0 ? -d : d;
      if (a > maxDiff) maxDiff = a;
    }
  }
  const mse = sum / candidate.length;
  const sha256 = sha256Hex(candidate);
  return {
    exact: sha256 === referenceSha256,
    sha256,
    psnr: mse === 0 ? Number.POSITIVE_INFINITY : 10 * Math.log10((255 * 255) / mse),
    maxDiff,
    differing,
  };
}

export function withinBound(c: FrameComparison, bound: FrameBound): boolean {
  return c.psnr >= bound.minPsnr && c.maxDiff <= bound.maxDiff;
}
