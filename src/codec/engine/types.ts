/**
 * The one interface every numeric back end implements (reference / tfjs / native).
 * Engines own forward, backward and the Adam update; the trainer (src/codec/train) owns sampling,
 * schedules, checkpoints and progress. Data crosses this boundary as plain typed arrays.
 */
import type { ModelConfig } from '../model/config.js';
import type { ParamGroup, ParamSet } from '../model/params.js';

/**
 * A training batch: `frameIndex.length` frames (F) with `pixelsPerFrame` samples each (P).
 * For the patch variant a "sample" is a patch centroid and the target holds its p×p×3 pixels; patch batches are
 * whole tiles of `tileWidth × tileHeight` centroids (row-major) so the 3×3 conv sees its neighbours.
 */
export interface PixelBatch {
  /** Row of `latents` used by each frame group, length F. */
  frameIndex: Int32Array;
  /** Latent weights for interpolated frames are not used in training; integer frames only. */
  pixelsPerFrame: number;
  /** (x, y) in (0, 1) per sample, length F·P·2. */
  coords: Float32Array;
  /**
   * RGB in [0, 1] per sample (per pixel of the patch for patch models), length F·P·3 (·p² for patches).
   * A patch sample's 3·p² values follow the conv's output channels: value c·p² + dy·p + dx is channel c of pixel
   * (dx, dy) of the patch (spec §4.3.7).
   */
  target: Float32Array;
  /**
   * Optional loss weight per sample, length F·P (importance sampling, src/codec/train/importance.ts): the loss
   * becomes Σ w·Σ_c (out − target)² / (F·P·C). Absent means every weight is 1.
   */
  weight?: Float32Array;
  /** Patch models only: tile shape in centroids; P = tileWidth·tileHeight. */
  tileWidth?: number;
  tileHeight?: number;
}

export interface AdamConfig {
  beta1: number;
  beta2: number;
  epsilon: number;
  weightDecay: 0;
}

export const DEFAULT_ADAM: AdamConfig = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, weightDecay: 0 };

/** Learning rate per parameter group for one step (the schedule is applied by the trainer). */
export type GroupRates = Record<ParamGroup, number>;

export interface OptimizerState {
  step: number;
  m: ParamSet;
  v: ParamSet;
}

/**
 * Extra loss terms a caller adds to the batch MSE (e.g. feature alignment, src/codec/align: paper eq. 6). The
 * caller computes their gradient with respect to the batch's latent rows; the engine adds it to the MSE gradient
 * of those rows before the update, so Adam sees the gradient of the combined loss.
 */
export interface StepExtras {
  /**
   * d(extra loss)/dz for each batch frame: F rows of D values (F·D, row-major), row f for `batch.frameIndex[f]`.
   * Rows of a frame index that appears twice add up.
   */
  latentGrad?: Float32Array;
  /**
   * Output, length F·P: the engine writes each sample's unweighted squared error Σ_c (out − target)² here
   * (summed over a patch sample's 3·p² values), for the importance sampler.
   */
  sampleErrors?: Float32Array;
}

export interface TrainEngine {
  /** 'tfjs', 'native', 'reference'. */
  readonly name: string;
  /** What actually runs underneath, e.g. 'tfjs-wasm (SIMD)', 'native avx2 x2 threads'. */
  readonly backend: string;
  /**
   * One forward+backward+Adam step; resolves to the batch MSE (mean over all target values, each sample scaled by
   * its `batch.weight` when given). `extras` adds gradients of further loss terms (see StepExtras); the resolved
   * value stays the (weighted) MSE alone.
   */
  step(batch: PixelBatch, rates: GroupRates, extras?: StepExtras): Promise<number>;
  /**
   * Optional pair: the engine draws the trainer's uniform pixel batches itself, off the JS thread, so drawing
   * does not compete with the step for the cores. `attachFrames` hands over the clip (8-bit RGB) once;
   * `stepDrawing` fills `batch.coords` and `batch.target` exactly as the trainer's sampleBatch would, continuing
   * the Rng whose state is given (after it picked `batch.frameIndex`), then steps as `step` does.
   */
  attachFrames?(frames: readonly Uint8Array[], width: number, height: number): void;
  stepDrawing?(
    batch: PixelBatch,
    rngState: Uint32Array,
    rates: GroupRates,
    extras?: StepExtras,
  ): Promise<number>;
  /**
   * Optional: straight-through quantization-aware training. From this call on, every step computes its forward
   * and backward pass with each tensor of the given groups quantized min–max at the given depth (one range per
   * tensor, as the packer's 'tensor' mode), and Adam updates the float values underneath. `{}` turns it off.
   */
  setFakeQuant?(bits: Partial<Record<ParamGroup, number>>): Promise<void>;
  /** Gradients of the batch MSE (plus `extras`) without updating anything (tests, gradient checks). */
  gradients(batch: PixelBatch, extras?: StepExtras): Promise<{ loss: number; grads: ParamSet }>;
  /**
   * The current latent rows `frameIndex` (F·D values, row-major), cheaper than getParams() for callers that
   * need them every step (alignment). Optional: callers fall back to getParams().
   */
  readLatentRows?(frameIndex: Int32Array): Promise<Float32Array>;
  /** Current parameters (copies). */
  getParams(): Promise<ParamSet>;
  setParams(params: ParamSet): Promise<void>;
  getOptimizerState(): Promise<OptimizerState>;
  setOptimizerState(state: OptimizerState): Promise<void>;
  dispose(): void;
}

export interface EngineOptions {
  config: ModelConfig;
  frames: number;
  params: ParamSet;
  adam?: AdamConfig;
  threads?: number;
}

export interface EngineFactory {
  readonly name: string;
  /** Resolves false (never throws) when this engine cannot run here; `reason` says why. */
  available(): Promise<{ ok: boolean; reason?: string }>;
  create(options: EngineOptions): Promise<TrainEngine>;
}
