/**
 * Wall-time budgets for our encoder: the iteration count is what the codec takes, so a budget in minutes becomes
 * iterations through a measured step time — a short training run of the very model, clip and engine first — and
 * the chunk plan the encoder will use (cold chunks train `iterations`, warm ones half).
 */
import type { EngineFactory } from '../../src/codec/engine/types.js';
import type { ModelConfig } from '../../src/codec/model/config.js';
import { planSegments } from '../../src/codec/segmenter/plan.js';
import { detectSceneCuts, lumaHistogram } from '../../src/codec/segmenter/scene.js';
import { batchShape, train } from '../../src/codec/train/trainer.js';
import { frameTiming } from '../../src/media/source.js';
import type { MemoryClip } from './peers.js';

export interface StepRate {
  /** Median seconds per training step after the warm-up steps. */
  stepSeconds: number;
  steps: number;
  /** Samples per step (frames per batch × pixels per frame). */
  samplesPerStep: number;
  engine: string;
}

/** Times `steps` training iterations (after `warmup` untimed ones) on `clip` with `engine`. */
export async function measureStepRate(
  clip: MemoryClip,
  config: ModelConfig,
  engine: EngineFactory,
  { steps = 12, warmup = 3, holdOut = 1 }: { steps?: number; warmup?: number; holdOut?: number } = {},
): Promise<StepRate> {
  const stamps: number[] = [];
  const result = await train({
    frames: clip.frames,
    width: clip.width,
    height: clip.height,
    config,
    iterations: warmup + steps,
    engine,
    holdOut,
    progressEvery: 1,
    onProgress: () => stamps.push(performance.now()),
  });
  const perStep = stamps.slice(warmup).map((t, i) => t - stamps[warmup + i - 1]);
  perStep.sort((a, b) => a - b);
  const shape = batchShape(result.trainedFrames.length);
  return {
    stepSeconds: perStep[Math.floor(perStep.length / 2)] / 1000,
    steps,
    samplesPerStep: shape.framesPerBatch * shape.pixelsPerFrame,
    engine: result.engine,
  };
}

/** Cold and warm chunks the encoder will train for this clip (same scene-cut detection and plan). */
export function chunkShape(clip: MemoryClip): { cold: number; warm: number } {
  const cuts = detectSceneCuts(clip.frames.map((f) => lumaHistogram(f, clip.width, clip.height)));
  const { timescale, sampleDuration } = frameTiming(clip.fps);
  const plan = planSegments({
    frameCount: clip.frames.length,
    fps: timescale / sampleDuration,
    sceneCuts: cuts,
  });
  const cold = plan.chunks.filter((c, i) => i === 0 || c.sceneStart).length;
  return { cold, warm: plan.chunks.length - cold };
}

/** Cold-chunk iterations so that all chunks together train for about `seconds`. */
export function iterationsForBudget(
  seconds: number,
  stepSeconds: number,
  shape: { cold: number; warm: number },
): number {
  if (!(seconds > 0) || !(stepSeconds > 0))
    throw new RangeError(`budget ${seconds} s at ${stepSeconds} s/step`);
  const steps = seconds / stepSeconds;
  return Math.max(1, Math.floor(steps / (shape.cold + shape.warm / 2)));
}
