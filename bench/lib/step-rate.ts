/**
 * Step time of our encoder's training: a short training run of the very model, clip and engine (the speed
 * suite's figures). Budgets in minutes no longer go through it: trainings run on the clock (trainingBudget).
 */
import type { EngineFactory } from '../../src/codec/engine/types.js';
import type { ModelConfig } from '../../src/codec/model/config.js';
import { batchShape, train } from '../../src/codec/train/trainer.js';
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
