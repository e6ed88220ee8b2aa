/**
 * One training of a benchmark clip on the native engine for a wall-time budget (TrainOptions.timeBudgetMs), its
 * iterations only a cap: the exploration scripts' common call.
 */
import { chooseTrainEngine } from '../../src/cli/engines.js';
import type { ModelConfig } from '../../src/codec/model/config.js';
import { MAX_ITERATIONS, type TrainOptions, type TrainResult, train } from '../../src/codec/train/trainer.js';
import type { MemoryClip } from './peers.js';

export async function trainOnClock(
  clip: MemoryClip,
  config: ModelConfig,
  minutes: number,
  seed: number,
  extra: Partial<TrainOptions> = {},
): Promise<TrainResult> {
  return train({
    frames: clip.frames,
    width: clip.width,
    height: clip.height,
    config,
    iterations: MAX_ITERATIONS,
    timeBudgetMs: minutes * 60_000,
    engine: await chooseTrainEngine('native', config),
    seed,
    ...extra,
  });
}
