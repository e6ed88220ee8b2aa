/**
 * Trainer checkpoints as MessagePack (msgpackr with typed arrays): parameters, Adam state, the iteration reached,
 * the seed the batches derive from (sampling needs no other RNG state: each iteration's stream is a function of
 * seed and iteration) and the run's setup, so a resumed run continues bit-identically or refuses to start.
 * Platform-neutral; checkpoint.ts writes and reads the files.
 */
import { Packr } from 'msgpackr';
import type { OptimizerState } from '../engine/types.js';
import type { ModelConfig } from '../model/config.js';
import { type ParamSet, tensorSize } from '../model/params.js';
import type { ImportanceState } from './importance.js';
import type { TrainSetup } from './setup.js';

export const CHECKPOINT_FORMAT = 'lirn-train-checkpoint';
export const CHECKPOINT_VERSION = 1;

export interface TrainCheckpoint {
  /** Completed iterations. */
  iteration: number;
  seed: number;
  config: ModelConfig;
  /** Latent rows (source frames, held-out ones included). */
  frames: number;
  setup: TrainSetup;
  params: ParamSet;
  optimizer: OptimizerState;
  /** Batch loss of every completed iteration. */
  losses: Float32Array;
  /** Runs with importance sampling: the error map and the last step's errors not yet applied. */
  sampler?: ImportanceState;
  /** Runs on a wall-time budget (setup.timeBudgetMs): milliseconds of training spent so far. */
  trainedMs?: number;
}

export class CheckpointError extends Error {
  constructor(
    /** Where in the checkpoint, e.g. `params[3].data`, or the file path. */
    readonly where: string,
    readonly detail: string,
  ) {
    super(`checkpoint ${where}: ${detail}`);
    this.name = 'CheckpointError';
  }
}

const packr = new Packr({ moreTypes: true, useRecords: false });

type TensorEntry = [string, number[], Float32Array];

function packSet(set: ParamSet): TensorEntry[] {
  return [...set].map(([name, t]) => [name, t.shape, t.data]);
}

export function encodeCheckpoint(c: TrainCheckpoint): Uint8Array {
  return packr.pack({
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    iteration: c.iteration,
    seed: c.seed,
    config: c.config,
    frames: c.frames,
    setup: c.setup,
    params: packSet(c.params),
    optimizer: { step: c.optimizer.step, m: packSet(c.optimizer.m), v: packSet(c.optimizer.v) },
    losses: c.losses,
    ...(c.sampler ? { sampler: c.sampler } : {}),
    ...(c.trainedMs === undefined ? {} : { trainedMs: c.trainedMs }),
  });
}

export function decodeCheckpoint(bytes: Uint8Array): TrainCheckpoint {
  let raw: unknown;
  try {
    raw = packr.unpack(bytes);
  } catch (err) {
    throw new CheckpointError('(bytes)', `not a readable MessagePack document (${(err as Error).message})`);
  }
  const o = record(raw, '(root)');
  if (o.format !== CHECKPOINT_FORMAT)
    throw new CheckpointError('format', `expected '${CHECKPOINT_FORMAT}', got ${JSON.stringify(o.format)}`);
  if (o.version !== CHECKPOINT_VERSION)
    throw new CheckpointError('version', `unsupported version ${JSON.stringify(o.version)}`);
  const optimizer = record(o.optimizer, 'optimizer');
  const losses = o.losses;
  if (!(losses instanceof Float32Array)) throw new CheckpointError('losses', 'expected a Float32Array');
  const iteration = count(o.iteration, 'iteration');
  if (losses.length !== iteration)
    throw new CheckpointError('losses', `${losses.length} losses for ${iteration} iterations`);
  const seed = o.seed;
  if (typeof seed !== 'number' || !Number.isFinite(seed))
    throw new CheckpointError('seed', 'expected a finite number');
  return {
    iteration,
    seed,
    config: record(o.config, 'config') as unknown as ModelConfig,
    frames: count(o.frames, 'frames'),
    setup: record(o.setup, 'setup') as unknown as TrainSetup,
    params: unpackSet(o.params, 'params'),
    optimizer: {
      step: count(optimizer.step, 'optimizer.step'),
      m: unpackSet(optimizer.m, 'optimizer.m'),
      v: unpackSet(optimizer.v, 'optimizer.v'),
    },
    losses,
    ...(o.sampler === undefined ? {} : { sampler: samplerState(o.sampler) }),
    ...(o.trainedMs === undefined ? {} : { trainedMs: milliseconds(o.trainedMs, 'trainedMs') }),
  };
}

function milliseconds(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
    throw new CheckpointError(
      where,
      `expected a non-negative number of milliseconds, got ${JSON.stringify(v)}`,
    );
  return v;
}

function samplerState(v: unknown): ImportanceState {
  const o = record(v, 'sampler');
  if (!(o.values instanceof Float32Array))
    throw new CheckpointError('sampler.values', 'expected a Float32Array');
  if (o.pending === null || o.pending === undefined) return { values: o.values, pending: null };
  const p = record(o.pending, 'sampler.pending');
  if (!(p.frameIndex instanceof Int32Array))
    throw new CheckpointError('sampler.pending.frameIndex', 'expected an Int32Array');
  if (!(p.cells instanceof Uint32Array))
    throw new CheckpointError('sampler.pending.cells', 'expected a Uint32Array');
  if (!(p.errors instanceof Float32Array))
    throw new CheckpointError('sampler.pending.errors', 'expected a Float32Array');
  if (
    p.cells.length !== p.errors.length ||
    p.frameIndex.length === 0 ||
    p.cells.length % p.frameIndex.length !== 0
  )
    throw new CheckpointError(
      'sampler.pending',
      `${p.cells.length} cells, ${p.errors.length} errors for ${p.frameIndex.length} frames`,
    );
  return { values: o.values, pending: { frameIndex: p.frameIndex, cells: p.cells, errors: p.errors } };
}

function record(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v))
    throw new CheckpointError(where, 'expected a map');
  return v as Record<string, unknown>;
}

function count(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0)
    throw new CheckpointError(where, `expected a non-negative integer, got ${JSON.stringify(v)}`);
  return v;
}

function unpackSet(v: unknown, where: string): ParamSet {
  if (!Array.isArray(v)) throw new CheckpointError(where, 'expected a list of tensors');
  const set: ParamSet = new Map();
  v.forEach((entry, i) => {
    const at = `${where}[${i}]`;
    if (!Array.isArray(entry) || entry.length !== 3)
      throw new CheckpointError(at, 'expected [name, shape, data]');
    const [name, shape, data] = entry as unknown[];
    if (typeof name !== 'string') throw new CheckpointError(`${at}.name`, 'expected a string');
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw new CheckpointError(`${at}.shape`, 'expected a list of non-negative integers');
    }
    if (!(data instanceof Float32Array)) throw new CheckpointError(`${at}.data`, 'expected a Float32Array');
    if (data.length !== tensorSize(shape))
      throw new CheckpointError(`${at}.data`, `${data.length} values for shape [${shape}]`);
    if (set.has(name)) throw new CheckpointError(`${at}.name`, `duplicate tensor '${name}'`);
    set.set(name, { shape: shape as number[], data });
  });
  return set;
}
