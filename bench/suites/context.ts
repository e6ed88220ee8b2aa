/**
 * What every suite gets from the runner, and the steps they share: a wall-time training budget for our encoder,
 * and scoring frames with the same FFmpeg filters the peers are scored with.
 */
import type { RendererFactory } from '../../src/codec/decoder/stream-decoder.js';
import type { EngineFactory } from '../../src/codec/engine/types.js';
import type { ProfileName } from '../../src/codec/model/config.js';
import { MAX_ITERATIONS } from '../../src/codec/train/trainer.js';
import { type ClipScore, ffmpegScores } from '../lib/ffmpeg-metrics.js';
import type { RunInfo } from '../lib/run-info.js';

export interface SuiteContext {
  quick: boolean;
  /** Training wall time per RD point (rd suite), minutes. */
  minutes: number;
  /** Training wall time per model in the interp and anyres suites, minutes. */
  auxMinutes: number;
  /** Fixed iteration count instead of budgets (tests, smoke runs). */
  iterations?: number;
  engine: EngineFactory;
  renderer: { factory: RendererFactory; label: string };
  seed: number;
  /** Where result JSON and SVG files go. */
  outDir: string;
  profiles: ProfileName[];
  bits: number[];
  /**
   * rd: depths that fine-tune each profile's plain training straight-through (TUNE_SHARE of its time each, the
   * profile's `minutes` split between them) instead of being re-packed or trained on their own. Default: none.
   */
  tuneBits?: number[];
  /** Run the FFmpeg peers (x264, x265, SVT-AV1, minterpolate, lanczos). */
  peers: boolean;
  /** Run info for a suite starting now. */
  runInfo(): RunInfo;
  log(line: string): void;
}

/**
 * A training budget for our encoder: `minutes` of wall time on the clock (EncodeOptions.timeBudgetMs, iterations
 * only a cap), or the fixed iterations of tests and smoke runs. On the clock a training ends on its schedule
 * however the machine's speed drifts, and its iterations are what the budget gave (the tables list them). Until
 * this was so, minutes became iterations through a step time measured just before each training, and the speed
 * drifted enough over minutes that trainings ran 0.78–1.28× their budget.
 */
export function trainingBudget(
  ctx: SuiteContext,
  minutes: number,
): { iterations: number; timeBudgetMs?: number } {
  if (ctx.iterations !== undefined) return { iterations: ctx.iterations };
  return { iterations: MAX_ITERATIONS, timeBudgetMs: minutes * 60_000 };
}

export async function score(
  reference: readonly Uint8Array[],
  distorted: readonly Uint8Array[],
  width: number,
  height: number,
): Promise<ClipScore> {
  return ffmpegScores(reference, distorted, width, height);
}

/** Summary of a score without its per-frame list. */
export function scoreSummary(s: ClipScore): { psnr: number; psnrOfMeanMse: number; ssim: number } {
  return { psnr: s.psnr, psnrOfMeanMse: s.psnrOfMeanMse, ssim: s.ssim };
}
