/**
 * The projection inside trainer checkpoints: the trainer stores it as `align.*` tensors beside the model's
 * parameters (src/codec/train/trainer.ts); the chunked encoder splits them off again when it restores a
 * finished chunk.
 */
import type { ParamSet } from '../model/params.js';
import type { TrainCheckpoint } from '../train/checkpoint-format.js';
import { AlignError } from './errors.js';
import { PROJ_BIAS, PROJ_WEIGHT, type Projection, validateProjection } from './projection.js';

export const ALIGN_PARAM_PREFIX = 'align.';

export function splitAlignParams(params: ParamSet): { model: ParamSet; align: ParamSet } {
  const model: ParamSet = new Map();
  const align: ParamSet = new Map();
  for (const [name, t] of params) (name.startsWith(ALIGN_PARAM_PREFIX) ? align : model).set(name, t);
  return { model, align };
}

/** The projection a finished aligned checkpoint holds (identity when its run had no projection weights). */
export function checkpointProjection(c: TrainCheckpoint, align: ParamSet, latentDim: number): Projection {
  const a = c.setup.alignment;
  if (!a)
    throw new AlignError(
      'the checkpoint was trained without alignment; delete the encode state to re-encode',
    );
  if (!a.linear) {
    return validateProjection({
      featureDim: a.featureDim,
      latentDim,
      identity: true,
      weight: new Float32Array(0),
      bias: new Float32Array(0),
    });
  }
  const w = align.get(PROJ_WEIGHT);
  const b = align.get(PROJ_BIAS);
  if (!w || !b) throw new AlignError('the aligned checkpoint lacks its projection tensors');
  return validateProjection({
    featureDim: a.featureDim,
    latentDim,
    identity: false,
    weight: w.data,
    bias: b.data,
  });
}
