/**
 * What every suite gets from the runner, and the steps they share: turning a wall-time budget into iterations
 * for a model on a clip, and scoring frames with the same FFmpeg filters the peers are scored with.
 */
import type { RendererFactory } from '../../src/codec/decoder/stream-decoder.js';
import type { EngineFactory } from '../../src/codec/engine/types.js';
import type { ProfileName } from '../../src/codec/model/config.js';
import { chunkShape, iterationsForBudget, measureStepRate, type StepRate } from '../lib/budget.js';
import { type ClipScore, ffmpegScores } from '../lib/ffmpeg-metrics.js';
import { oursConfig } from '../lib/ours.js';
import type { RunInfo } from '../lib/run-info.js';
import type { SuiteClip } from '../lib/suite-clips.js';

export interface SuiteContext {
  quick: boolean;
  /** Training wall time per RD point (rd suite), minutes. */
  minutes: number;
  /** Training wall time per model in the interp, anyres and speed suites, minutes. */
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
  /** Run the FFmpeg peers (x264, x265, SVT-AV1, minterpolate, lanczos). */
  peers: boolean;
  /** Run info for a suite starting now. */
  runInfo(): RunInfo;
  log(line: string): void;
}

export interface Budgeted {
  iterations: number;
  /** Null when iterations were fixed by the caller. */
  stepRate: StepRate | null;
  budgetSeconds: number | null;
}

/**
 * Steps timed for a budget (after 3 untimed), about 3–5 s. With 25 the medians swung ±20% between profiles of one
 * run (vtest M at 14.9 ms/step, the larger L at 12.2); 250 did not cure it, as this machine's speed drifts over
 * minutes (bunny trainings then ran 0.78–1.28× their budget). Each point reports the iterations and encode
 * seconds it actually got. The rd suite no longer measures: its trainings run on the clock (timeBudgetMs).
 */
const STEP_RATE_STEPS = 250;

/** Cold-chunk iterations for `profile` on this clip so that training takes about `minutes`. */
export async function budgetIterations(
  ctx: SuiteContext,
  sc: SuiteClip,
  profile: ProfileName,
  minutes: number,
  holdOut = 1,
): Promise<Budgeted> {
  if (ctx.iterations !== undefined)
    return { iterations: ctx.iterations, stepRate: null, budgetSeconds: null };
  const config = oursConfig(profile, sc.clip);
  const stepRate = await measureStepRate(sc.clip, config, ctx.engine, {
    holdOut,
    steps: ctx.quick ? 6 : STEP_RATE_STEPS,
  });
  const shape = chunkShape(sc.clip);
  const iterations = iterationsForBudget(minutes * 60, stepRate.stepSeconds, shape);
  ctx.log(
    `${sc.name} ${profile}: ${(stepRate.stepSeconds * 1000).toFixed(1)} ms/step on ${stepRate.engine}, ` +
      `${shape.cold} cold + ${shape.warm} warm chunk(s) → ${iterations} iterations for ${minutes} min`,
  );
  return { iterations, stepRate, budgetSeconds: minutes * 60 };
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
