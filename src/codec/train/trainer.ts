/**
 * The training loop: sample a batch, one engine step at the scheduled rates, report progress, checkpoint.
 * Everything that shapes the trajectory is a function of the seed and the iteration number — initial parameters
 * (initParams(seed)), each iteration's batch (its own RNG stream, derived from seed and iteration), the schedule —
 * so the same seed on the same engine gives the same loss curve, and a run resumed from a checkpoint (parameters +
 * Adam state + iteration) continues bit-identically. No Node APIs: checkpoints are handed to a caller's `save`.
 */
import { Aligner, type AlignmentOptions } from '../align/aligner.js';
import { splitAlignParams } from '../align/checkpoint.js';
import type { Projection } from '../align/projection.js';
import { selectEngine } from '../engine/index.js';
import type {
  AdamConfig,
  EngineFactory,
  GroupRates,
  OptimizerState,
  PixelBatch,
  StepExtras,
  TrainEngine,
} from '../engine/types.js';
import { type ModelConfig, sceneStarts } from '../model/config.js';
import { initParams } from '../model/init.js';
import type { ParamSet } from '../model/params.js';
import { zeroWarpLatents } from '../model/warp.js';
import { createRng, type Rng } from '../util/random.js';
import { CheckpointError, type TrainCheckpoint } from './checkpoint-format.js';
import {
  type FreezeQuantized,
  freezeIteration,
  frozenRates,
  type QuantAware,
  QuantAwareSwap,
  quantAwareIteration,
  snapToQuantized,
  validateFreeze,
  validateQuantAware,
} from './freeze.js';
import { measureMotion, motionWarpRows, setWarpLatents, warpMoves } from './global-motion.js';
import { fillHeldOutLatents, temporalLatents, trainedFrameIndices } from './heldout.js';
import {
  ErrorMap,
  type ImportanceBatch,
  type ImportanceSampling,
  type PendingErrors,
  resolveImportance,
} from './importance.js';
import { resolveRates, scaleRates } from './rates.js';
import { type Clip, type FrameData, pickFrames, sampleBatch, validateClip } from './sampler.js';
import {
  DEFAULT_SCHEDULE,
  type LrSchedule,
  learningRateFactor,
  learningRateFactorAtProgress,
  validateSchedule,
} from './schedule.js';
import { sameValue, setupDifferences, type TrainSetup } from './setup.js';

export interface TrainProgress {
  /** Completed iterations. */
  iteration: number;
  /** The run's iterations; on a time budget, the estimate from this call's pace. */
  iterations: number;
  /** This iteration's batch MSE. */
  loss: number;
  /** PSNR (dB) of an exponential moving average of the batch MSE: a cheap estimate of the fit. */
  psnr: number;
  /** Rate factor from the schedule at this iteration. */
  lrFactor: number;
  /** Milliseconds since this call started (a resumed run counts from its resumption). */
  elapsedMs: number;
  /** With `alignment`: mean cosine between projected latents and their features in this iteration's batch. */
  alignCosine?: number;
  /** Estimated milliseconds to the last iteration, from this call's pace. */
  etaMs: number;
}

export interface TrainOptions {
  /** RGB frames, HWC, width × height × 3 values each; Uint8Array in 0…255 or Float32Array in [0, 1]. */
  frames: readonly FrameData[];
  width: number;
  height: number;
  config: ModelConfig;
  iterations: number;
  /**
   * Train for this many milliseconds of wall time (summed over resumed runs) instead of a fixed count: `iterations`
   * becomes the most the run may take. The cosine schedule and the straight-through / freeze phases follow the
   * share of the budget spent, so the run ends on its schedule however fast the machine turns out to be; it is not
   * reproducible step for step (the iterations it gets depend on the machine's speed).
   */
  timeBudgetMs?: number;
  /** Milliseconds clock for the time budget (tests); default `performance.now`. */
  clock?: () => number;
  /** Engine to train on; default: the registry's first available (src/codec/engine/index.ts). */
  engine?: EngineFactory;
  /** Frames per batch (F); capped by the number of trained frames. Default DEFAULT_FRAMES_PER_BATCH (32). */
  framesPerBatch?: number;
  /** Random pixels per frame (P) for per-pixel models; patch models always use whole frames. Default 16384 / F. */
  pixelsPerFrame?: number;
  schedule?: LrSchedule;
  /** Base rate per parameter group; missing groups take DEFAULT_GROUP_RATES (rates.ts). */
  rates?: Partial<GroupRates>;
  /** Adam settings over TRAIN_ADAM. */
  adam?: Partial<AdamConfig>;
  seed?: number;
  /** Hold-out stride α ≥ 1: train only frames 0, α, 2α, … (see heldout.ts). Default 1 (all frames). */
  holdOut?: number;
  /** Starting parameters instead of initParams(config, frames, seed). */
  initialParams?: ParamSet;
  /**
   * Latent rows at the start: 'random' keeps initParams' N(0, σ²) (the paper's); 'temporal' replaces them with a
   * smooth cosine basis over time (heldout.ts), which makes interpolated latents of held-out frames decode better.
   * Ignored with `initialParams` or `resume`. Default 'random'.
   */
  latentInit?: 'random' | 'temporal';
  /**
   * The warp's latent components at the start: 'motion' follows the clip's global motion, measured on the trained
   * frames (global-motion.ts), so that every frame of a scene reads one picture from the start; 'zero' starts
   * every frame unwarped. Ignored with `initialParams` or `resume`, and without a warp. Default 'motion'.
   */
  warpInit?: 'motion' | 'zero';
  /**
   * Quantize-then-freeze fine-tuning (freeze.ts): for the last `fraction` of the iterations the chosen groups sit
   * on their packing quantization grid, frozen, while the rest trains on. Default: none.
   */
  freezeQuantized?: FreezeQuantized;
  /**
   * Straight-through quantization-aware training (freeze.ts): for the last `fraction` of the iterations each step
   * sees the chosen groups quantized at their depths while their float values keep learning. Inside the step on
   * engines with `setFakeQuant`, else swapped around it by the trainer (QuantAwareSwap). Default: none.
   */
  quantAware?: QuantAware;
  /**
   * Error-driven pixel sampling (importance.ts): pixels are drawn more often where recent steps saw larger errors,
   * with loss weights that keep the batch loss an estimate of the frame MSE. Per-pixel models only. Default: off
   * (uniform pixels).
   */
  importance?: Partial<ImportanceSampling>;
  /** Continue this checkpoint's run; options must describe the same run (same config, frames, setup, seed). */
  resume?: TrainCheckpoint;
  /**
   * Feature alignment (paper eq. 6): adds λ·(1 − cos(proj(z_t), f_t)) to the loss and trains the projection
   * (src/codec/align). Its weights and Adam state travel in checkpoints as `align.*` tensors.
   */
  alignment?: AlignmentOptions;
  onProgress?: (p: TrainProgress) => void;
  /** Call onProgress every this many iterations (default 10; the last iteration always reports). */
  progressEvery?: number;
  /** Save a checkpoint every `every` iterations, when stopped early, and after the last iteration. */
  checkpoint?: { every: number; save: (c: TrainCheckpoint) => Promise<void> | void };
  /** Stop after this many completed iterations (of `iterations`), e.g. to split a run across processes. */
  stopAt?: number;
  signal?: AbortSignal;
}

export interface TrainResult {
  /** Final parameters, held-out latent rows filled by interpolation. */
  params: ParamSet;
  /** Batch loss of every completed iteration (including those before a resume). */
  losses: Float32Array;
  /** Completed iterations; less than `iterations` when stopped early or when the time budget ran out. */
  iteration: number;
  /** All iterations ran, or the time budget was spent. */
  completed: boolean;
  trainedFrames: number[];
  /** `name on backend` of the engine that ran. */
  engine: string;
  elapsedMs: number;
  /** With `alignment`: the trained projection and the alignment loss (λ·mean(1 − cos)) of every iteration run. */
  alignment?: { projection: Projection; losses: Float32Array };
}

const PSNR_EMA = 0.9;

/**
 * Adam as the trainer runs it. β₂ = 0.99 (Instant-NGP's choice) rather than 0.999: the second moment forgets faster,
 * which suits hash-table entries whose gradient comes and goes with the pixels drawn. On bunny 640×360 (profile M,
 * 5000 iterations, bench/explore.ts --beta2) it gains 0.27 dB over 0.999 at 3% more bits; 0.95 gains 0.18.
 */
export const TRAIN_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.99, epsilon: 1e-8, weightDecay: 0 };
/**
 * A step's samples, spread over as many frames as the chunk has, up to DEFAULT_FRAMES_PER_BATCH. Measured on
 * profile M, 5000 iterations, 6 bits (bench/explore.ts --fpb/--ppf), frames × pixels per frame:
 *   bunny 640×360:  8 × 2048 27.51 dB, 16 × 1024 27.60, 32 × 512 27.67, 64 × 256 27.72 (23% slower steps)
 *   vtest 640×480:  8 × 2048 31.24 dB, 16 × 1024 31.36, 32 × 512 31.53;   4 × 4096 on bunny 27.11
 * at the same bits: more frames per step keep every frame's latent and time slices moving together, for ~5% more
 * time per step up to 32 frames (the per-frame hypernetwork and mask work grows with F).
 */
export const DEFAULT_BATCH_SAMPLES = 16384;
export const DEFAULT_FRAMES_PER_BATCH = 32;

/**
 * The batch a run of `trainedCount` frames takes: F (default DEFAULT_FRAMES_PER_BATCH) capped by the trained
 * frames, P (default DEFAULT_BATCH_SAMPLES over those F frames).
 */
export function batchShape(
  trainedCount: number,
  framesPerBatch = DEFAULT_FRAMES_PER_BATCH,
  pixelsPerFrame?: number,
): { framesPerBatch: number; pixelsPerFrame: number } {
  const frames = Math.min(framesPerBatch, trainedCount);
  return {
    framesPerBatch: frames,
    pixelsPerFrame: pixelsPerFrame ?? Math.ceil(DEFAULT_BATCH_SAMPLES / frames),
  };
}

/** A step's batch; with `rngState` its pixels are still to be drawn by the engine (stepDrawing). */
interface Drawn {
  batch: PixelBatch;
  rngState?: Uint32Array;
}

function drawsOnEngine(
  engine: TrainEngine,
  errorMap: ErrorMap | null,
  config: ModelConfig,
  clip: Clip,
): boolean {
  return (
    !errorMap &&
    !config.patch &&
    typeof engine.attachFrames === 'function' &&
    typeof engine.stepDrawing === 'function' &&
    clip.frames.every((f) => f instanceof Uint8Array)
  );
}

/** The frames of a uniform batch, picked as sampleBatch picks them, and room for the pixels the engine draws. */
function emptyPixelBatch(trained: readonly number[], frames: number, pixels: number, rng: Rng): Drawn {
  const picked = pickFrames(trained, frames, rng);
  const count = picked.length * pixels;
  return {
    batch: {
      frameIndex: Int32Array.from(picked),
      pixelsPerFrame: pixels,
      coords: new Float32Array(count * 2),
      target: new Float32Array(count * 3),
    },
    rngState: rng.state(),
  };
}

/** iterationRng keeps seed + (i + 1)·2^32 below 2^53. */
export const MAX_ITERATIONS = 2 ** 21 - 1;

export async function train(options: TrainOptions): Promise<TrainResult> {
  const clip: Clip = { frames: options.frames, width: options.width, height: options.height };
  validateClip(clip);
  const { config } = options;
  const frameCount = options.frames.length;
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff)
    throw new RangeError(`seed must be an integer in 0..2^32−1, got ${seed}`);
  const setup = resolveSetup(options, frameCount);
  const trained = trainedFrameIndices(frameCount, setup.holdOut);
  const stopAt = Math.min(options.stopAt ?? setup.iterations, setup.iterations);
  const progressEvery = options.progressEvery ?? 10;

  const aligner = options.alignment ? new Aligner(options.alignment, config.latent.dim, seed) : null;
  if (aligner && aligner.features.rows !== frameCount)
    throw new RangeError(`alignment features have ${aligner.features.rows} rows for ${frameCount} frames`);
  if (aligner)
    setup.alignment = { lambda: aligner.lambda, featureDim: aligner.features.dim, linear: aligner.linear };
  const resume = options.resume ? splitAlignState(options.resume) : undefined;
  if (resume) checkResume(resume.checkpoint, config, frameCount, seed, setup);
  if (setup.importance && config.patch)
    throw new RangeError('importance sampling needs a per-pixel model: patch models train on whole frames');
  const errorMap = setup.importance
    ? new ErrorMap(setup.importance, frameCount, options.width, options.height)
    : null;
  let pending: PendingErrors | null = null;
  if (resume && errorMap) {
    const state = resume.checkpoint.sampler;
    if (!state)
      throw new CheckpointError(
        'sampler',
        'the run samples by importance but the checkpoint has no error map',
      );
    errorMap.restore(state);
    pending = state.pending;
  }
  const factory = options.engine ?? (await selectEngine());
  const engine = await factory.create({
    config,
    frames: frameCount,
    adam: setup.adam,
    params:
      resume?.checkpoint.params ??
      options.initialParams ??
      startingParams(config, clip, trained, seed, options.latentInit, options.warpInit),
  });
  try {
    if (resume) await engine.setOptimizerState(resume.checkpoint.optimizer);
    if (resume && aligner) aligner.restore(resume.align);
    const alignLosses = new Float32Array(aligner ? setup.iterations : 0);
    const losses = new Float32Array(setup.iterations);
    let iteration = resume?.checkpoint.iteration ?? 0;
    if (resume) losses.set(resume.checkpoint.losses);
    let ema = iteration > 0 ? emaOf(losses.subarray(0, iteration)) : Number.NaN;
    const start = performance.now();
    const startIteration = iteration;
    const budget = setup.timeBudgetMs;
    const clock = options.clock ?? (() => performance.now());
    const clockStart = clock();
    const spentBefore = resume?.checkpoint.trainedMs ?? 0;
    const spentMs = () => spentBefore + clock() - clockStart;
    /** Share of the time budget spent (budgeted runs only). */
    const budgetShare = () => Math.min(1, spentMs() / (budget ?? Number.NaN));
    const outOfTime = () => budget !== undefined && spentMs() >= budget;
    /**
     * Whether a phase over the last `fraction` of the run (straight-through, freeze) has begun at iteration `i`: from
     * its iteration `at`, or on a time budget from the share 1 − fraction of the budget spent.
     */
    const phaseBegun = (i: number, at: number, fraction: number) =>
      budget === undefined ? i >= at : budgetShare() >= 1 - fraction;
    let lastSaved = iteration;

    const snapshot = async (): Promise<TrainCheckpoint> =>
      withAlignState(
        {
          iteration,
          seed,
          config,
          frames: frameCount,
          setup,
          params: await engine.getParams(),
          optimizer: await engine.getOptimizerState(),
          losses: losses.slice(0, iteration),
          ...(errorMap ? { sampler: errorMap.state(pending) } : {}),
          ...(budget === undefined ? {} : { trainedMs: spentMs() }),
        },
        aligner,
      );

    const freeze = setup.freezeQuantized;
    const freezeAt = freeze ? freezeIteration(freeze, setup.iterations) : Number.POSITIVE_INFINITY;
    // A resumed run past the freeze has its groups on the grid already.
    let frozen = freeze !== undefined && phaseBegun(iteration, freezeAt, freeze.fraction);
    // Uniform pixel batches of 8-bit frames are drawn by the engine when it can (off this thread, so drawing does
    // not compete with the step for the cores): this thread picks the frames, the engine continues the same Rng.
    const engineDraws = drawsOnEngine(engine, errorMap, config, clip);
    if (engineDraws) engine.attachFrames!(clip.frames as Uint8Array[], clip.width, clip.height);
    const batchAt = (i: number): Drawn => {
      const rng = iterationRng(seed, i);
      if (errorMap)
        return { batch: errorMap.sample(clip, trained, setup.framesPerBatch, setup.pixelsPerFrame, rng) };
      if (engineDraws) return emptyPixelBatch(trained, setup.framesPerBatch, setup.pixelsPerFrame, rng);
      return {
        batch: sampleBatch(config, clip, trained, setup.framesPerBatch, setup.pixelsPerFrame, rng),
      };
    };
    const quantAware = setup.quantAware;
    const quantAwareAt = quantAware
      ? quantAwareIteration(quantAware, setup.iterations)
      : Number.POSITIVE_INFINITY;
    const swap =
      quantAware && !engine.setFakeQuant ? new QuantAwareSwap(config, frameCount, quantAware) : null;
    let fakeQuantOn = false;
    let next: { iteration: number; drawn: Drawn } | null = null;
    while (iteration < stopAt && !options.signal?.aborted && !outOfTime()) {
      if (quantAware && !fakeQuantOn && phaseBegun(iteration, quantAwareAt, quantAware.fraction)) {
        await engine.setFakeQuant?.(quantAware.groups);
        fakeQuantOn = true;
      }
      if (freeze && !frozen && phaseBegun(iteration, freezeAt, freeze.fraction)) {
        const params = await engine.getParams();
        snapToQuantized(config, frameCount, params, freeze);
        await engine.setParams(params);
        frozen = true;
      }
      const factor =
        budget === undefined
          ? learningRateFactor(setup.schedule, iteration, setup.iterations)
          : learningRateFactorAtProgress(setup.schedule, iteration, budgetShare());
      const drawn = next?.iteration === iteration ? next.drawn : batchAt(iteration);
      const batch = drawn.batch;
      let extras: StepExtras | undefined;
      let alignCosine: number | undefined;
      if (aligner) {
        const a = aligner.gradient(batch.frameIndex, await latentRows(engine, batch.frameIndex, config));
        extras = { latentGrad: a.latentGrad };
        alignLosses[iteration] = a.loss;
        alignCosine = a.cosine;
      }
      const sampleErrors = errorMap
        ? new Float32Array(batch.frameIndex.length * batch.pixelsPerFrame)
        : undefined;
      if (sampleErrors) extras = { ...extras, sampleErrors };
      const rates = freeze && frozen ? frozenRates(setup.rates, freeze) : setup.rates;
      const stepRates = scaleRates(rates, factor);
      if (swap && fakeQuantOn) await swap.enter(engine);
      const stepping = drawn.rngState
        ? engine.stepDrawing!(batch, drawn.rngState, stepRates, extras)
        : engine.step(batch, stepRates, extras);
      // The previous step's errors go in only now, after this batch was drawn and before the next one is: batch
      // i always sees the errors of steps ≤ i − 2, prefetched or not (a resumed run draws the same batches).
      if (errorMap && pending) {
        errorMap.observe(pending);
        pending = null;
      }
      // The next batch is a function of (seed, iteration) alone: draw it while the engine steps (when the engine
      // draws the pixels itself, this only picks the next frames).
      next = iteration + 1 < stopAt ? { iteration: iteration + 1, drawn: batchAt(iteration + 1) } : null;
      const loss = await stepping;
      if (swap && fakeQuantOn) await swap.leave(engine);
      if (sampleErrors)
        pending = {
          frameIndex: batch.frameIndex,
          cells: (batch as ImportanceBatch).cells,
          errors: sampleErrors,
        };
      aligner?.update((aligner.rate ?? setup.rates.hyper) * factor);
      if (!Number.isFinite(loss))
        throw new Error(`training diverged at iteration ${iteration + 1}: loss ${loss}`);
      losses[iteration] = loss;
      iteration++;
      ema = Number.isNaN(ema) ? loss : PSNR_EMA * ema + (1 - PSNR_EMA) * loss;
      if (options.onProgress && (iteration % progressEvery === 0 || iteration === stopAt)) {
        const elapsedMs = performance.now() - start;
        const pace = elapsedMs / (iteration - startIteration);
        const left =
          budget === undefined
            ? { iterations: setup.iterations, etaMs: pace * (setup.iterations - iteration) }
            : budgetLeft(
                budget,
                spentMs(),
                spentBefore,
                iteration - startIteration,
                iteration,
                setup.iterations,
              );
        options.onProgress({
          iteration,
          iterations: left.iterations,
          loss,
          psnr: psnrOf(ema),
          lrFactor: factor,
          elapsedMs,
          etaMs: left.etaMs,
          ...(alignCosine === undefined ? {} : { alignCosine }),
        });
      }
      if (options.checkpoint && iteration % options.checkpoint.every === 0 && iteration < stopAt) {
        await options.checkpoint.save(await snapshot());
        lastSaved = iteration;
      }
    }
    if (options.checkpoint && lastSaved !== iteration) await options.checkpoint.save(await snapshot());

    const params = await engine.getParams();
    if (trained.length < frameCount)
      fillHeldOutLatents(params.get('latents')!.data, config.latent.dim, trained);
    return {
      params,
      losses: losses.slice(0, iteration),
      iteration,
      completed: iteration === setup.iterations || (outOfTime() && !options.signal?.aborted),
      trainedFrames: trained,
      engine: `${engine.name} on ${engine.backend}`,
      elapsedMs: performance.now() - start,
      ...(aligner
        ? {
            alignment: {
              projection: aligner.projection,
              losses: alignLosses.slice(startIteration, iteration),
            },
          }
        : {}),
    };
  } finally {
    engine.dispose();
  }
}

/**
 * Time and iterations left of a budgeted run, at the pace of this call's `ran` iterations on the budget's clock
 * (capped by the run's most iterations).
 */
function budgetLeft(
  budget: number,
  spent: number,
  spentBefore: number,
  ran: number,
  iteration: number,
  most: number,
): { iterations: number; etaMs: number } {
  const leftMs = Math.max(0, budget - spent);
  const pace = (spent - spentBefore) / ran;
  const more = Math.min(most - iteration, pace > 0 ? Math.ceil(leftMs / pace) : most - iteration);
  return { iterations: iteration + more, etaMs: Math.min(leftMs, pace * (most - iteration)) };
}

/** The batch's current latent rows, from the engine's cheap path when it has one. */
async function latentRows(
  engine: TrainEngine,
  frameIndex: Int32Array,
  config: ModelConfig,
): Promise<Float32Array> {
  if (engine.readLatentRows) return engine.readLatentRows(frameIndex);
  const all = (await engine.getParams()).get('latents')!.data;
  const dim = config.latent.dim;
  const out = new Float32Array(frameIndex.length * dim);
  for (let f = 0; f < frameIndex.length; f++) {
    const row = frameIndex[f];
    out.set(all.subarray(row * dim, (row + 1) * dim), f * dim);
  }
  return out;
}

type AlignState = ReturnType<Aligner['state']>;

/** A checkpoint with the projection's tensors and Adam moments added under their `align.*` names. */
function withAlignState(c: TrainCheckpoint, aligner: Aligner | null): TrainCheckpoint {
  if (!aligner) return c;
  const s = aligner.state();
  const merge = (a: ParamSet, b: ParamSet): ParamSet => new Map([...a, ...b]);
  const optimizer: OptimizerState = {
    step: c.optimizer.step,
    m: merge(c.optimizer.m, s.m),
    v: merge(c.optimizer.v, s.v),
  };
  return { ...c, params: merge(c.params, s.params), optimizer };
}

/** Splits `align.*` tensors (withAlignState) off a checkpoint, leaving what the engine holds. */
function splitAlignState(c: TrainCheckpoint): { checkpoint: TrainCheckpoint; align: AlignState } {
  const params = splitAlignParams(c.params);
  const m = splitAlignParams(c.optimizer.m);
  const v = splitAlignParams(c.optimizer.v);
  return {
    checkpoint: { ...c, params: params.model, optimizer: { step: c.optimizer.step, m: m.model, v: v.model } },
    align: { params: params.align, m: m.align, v: v.align, step: c.optimizer.step },
  };
}

function startingParams(
  config: ModelConfig,
  clip: Clip,
  trained: readonly number[],
  seed: number,
  latentInit = 'random',
  warpInit = 'motion',
): ParamSet {
  const frames = clip.frames.length;
  const params = initParams(config, frames, seed);
  const latents = params.get('latents')!.data;
  if (latentInit === 'temporal') {
    temporalLatents(latents, config.latent.dim, config.latent.init_std);
    zeroWarpLatents(config, latents);
  } else if (latentInit !== 'random')
    throw new RangeError(`latentInit must be 'random' or 'temporal', got '${latentInit}'`);
  if (warpInit === 'motion') {
    if (config.warp && frames > 1) {
      const starts = sceneStarts(config.encoding);
      const motion = measureMotion(clip.frames, clip.width, clip.height, starts, trained);
      const rows = motionWarpRows(config, motion, clip.width, clip.height, starts);
      if (warpMoves(rows)) setWarpLatents(config, rows, latents);
    }
  } else if (warpInit !== 'zero')
    throw new RangeError(`warpInit must be 'motion' or 'zero', got '${warpInit}'`);
  return params;
}

/** Iteration i's sampling stream: createRng folds the high word into the seed, so (seed, i) pairs never collide for i < 2^21. */
export function iterationRng(seed: number, iteration: number): Rng {
  return createRng(seed + (iteration + 1) * 4294967296);
}

export function psnrOf(mse: number): number {
  return mse > 0 ? -10 * Math.log10(mse) : Number.POSITIVE_INFINITY;
}

function emaOf(losses: Float32Array): number {
  let ema = losses[0];
  for (let i = 1; i < losses.length; i++) ema = PSNR_EMA * ema + (1 - PSNR_EMA) * losses[i];
  return ema;
}

function resolveSetup(o: TrainOptions, frameCount: number): TrainSetup {
  const positive = (name: string, v: number) => {
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`${name} must be a positive integer, got ${v}`);
    return v;
  };
  const holdOut = positive('holdOut', o.holdOut ?? 1);
  if (positive('iterations', o.iterations) > MAX_ITERATIONS) {
    throw new RangeError(
      `iterations must be at most ${MAX_ITERATIONS} (per-iteration sampling seeds), got ${o.iterations}`,
    );
  }
  const trainedCount = trainedFrameIndices(frameCount, holdOut).length;
  const shape = batchShape(
    trainedCount,
    positive('framesPerBatch', o.framesPerBatch ?? DEFAULT_FRAMES_PER_BATCH),
    o.pixelsPerFrame === undefined ? undefined : positive('pixelsPerFrame', o.pixelsPerFrame),
  );
  const schedule = o.schedule ?? DEFAULT_SCHEDULE;
  validateSchedule(schedule);
  if (o.stopAt !== undefined) positive('stopAt', o.stopAt);
  if (o.checkpoint) positive('checkpoint.every', o.checkpoint.every);
  if (o.progressEvery !== undefined) positive('progressEvery', o.progressEvery);
  if (o.freezeQuantized) validateFreeze(o.freezeQuantized);
  if (o.quantAware) validateQuantAware(o.quantAware);
  if (o.timeBudgetMs !== undefined && !(o.timeBudgetMs > 0 && Number.isFinite(o.timeBudgetMs)))
    throw new RangeError(`timeBudgetMs must be a positive number of milliseconds, got ${o.timeBudgetMs}`);
  return {
    width: o.width,
    height: o.height,
    holdOut,
    ...shape,
    iterations: positive('iterations', o.iterations),
    ...(o.timeBudgetMs === undefined ? {} : { timeBudgetMs: o.timeBudgetMs }),
    schedule,
    rates: resolveRates(o.rates),
    adam: resolveAdam(o.adam),
    ...(o.freezeQuantized ? { freezeQuantized: o.freezeQuantized } : {}),
    ...(o.quantAware ? { quantAware: o.quantAware } : {}),
    ...(o.importance ? { importance: resolveImportance(o.importance) } : {}),
  };
}

function resolveAdam(o: Partial<AdamConfig> = {}): AdamConfig {
  const adam = { ...TRAIN_ADAM, ...o };
  for (const key of ['beta1', 'beta2'] as const) {
    if (!(adam[key] >= 0 && adam[key] < 1))
      throw new RangeError(`adam.${key} must be in [0, 1), got ${adam[key]}`);
  }
  if (!(adam.epsilon > 0 && Number.isFinite(adam.epsilon)))
    throw new RangeError(`adam.epsilon must be a positive number, got ${adam.epsilon}`);
  if (adam.weightDecay !== 0)
    throw new RangeError('adam.weightDecay must be 0 (decoupled decay is not implemented)');
  return adam;
}

function checkResume(
  c: TrainCheckpoint,
  config: ModelConfig,
  frames: number,
  seed: number,
  setup: TrainSetup,
): void {
  if (!sameValue(c.config, config))
    throw new CheckpointError('config', 'the checkpoint was trained with another model config');
  if (c.frames !== frames)
    throw new CheckpointError('frames', `the checkpoint has ${c.frames} frames, this clip ${frames}`);
  if (c.seed !== seed)
    throw new CheckpointError('seed', `the checkpoint's run used seed ${c.seed}, not ${seed}`);
  const diff = setupDifferences(c.setup, setup);
  if (diff.length)
    throw new CheckpointError('setup', `the run's settings differ from the checkpoint's: ${diff.join(', ')}`);
  if (c.iteration > setup.iterations)
    throw new CheckpointError(
      'iteration',
      `the checkpoint is at ${c.iteration}, past the run's ${setup.iterations}`,
    );
}
