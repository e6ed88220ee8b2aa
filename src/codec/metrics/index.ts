export type { RgbFrame } from './frames.js';
export {
  type FrameMse,
  frameMse,
  PsnrMeter,
  type PsnrSummary,
  psnr,
  psnrFromMse,
  videoPsnr,
} from './psnr.js';
export { type FrameSsim, frameSsim, SsimMeter, type SsimSummary, ssim, ssimDb } from './ssim.js';
