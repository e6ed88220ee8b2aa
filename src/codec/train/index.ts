/** Trainer: turns frames into a trained Latent-INR model on a TrainEngine (platform-neutral parts). */
export {
  CHECKPOINT_FORMAT,
  CheckpointError,
  decodeCheckpoint,
  encodeCheckpoint,
  type TrainCheckpoint,
} from './checkpoint-format.js';
export {
  type FreezeQuantized,
  freezeIteration,
  type QuantAware,
  quantAwareIteration,
  snapToQuantized,
} from './freeze.js';
export { fillHeldOutLatents, temporalLatents, trainedFrameIndices } from './heldout.js';
export {
  DEFAULT_IMPORTANCE,
  ErrorMap,
  type ImportanceSampling,
  type ImportanceState,
  resolveImportance,
} from './importance.js';
export { DEFAULT_GROUP_RATES, PAPER_GROUP_RATES, resolveRates, scaleRates } from './rates.js';
export { type Clip, type FrameData, pickFrames, sampleBatch } from './sampler.js';
export { DEFAULT_SCHEDULE, type LrSchedule, learningRateFactor } from './schedule.js';
export type { TrainSetup } from './setup.js';
export {
  iterationRng,
  psnrOf,
  type TrainOptions,
  type TrainProgress,
  TRAIN_ADAM,
  type TrainResult,
  train,
} from './trainer.js';
