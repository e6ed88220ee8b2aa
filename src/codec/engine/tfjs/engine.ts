/**
 * TrainEngine on tfjs: autodiff through the graph of forward.ts, Adam from adam.ts, parameters held as tfjs
 * variables (variables.ts). Besides the interface it can evaluate the model at arbitrary coordinates and render
 * whole frames at any size and fractional time, which tests use to compare against the reference decoder.
 *
 * Measured on the 2-core dev machine, tfjs-wasm (SIMD, 1 thread: Node has no wasm threads), one step of
 * 8 frames × 2048 pixels, median of 5 (best): profile S 180 (173) ms = 5.6 steps/s ≈ 91k px/s; M 160 (156) ms;
 * L 337 (318) ms = 3.0 steps/s ≈ 49k px/s. The hash lookup in the graph instead of host JS costs +30 % (S: 234 ms,
 * L: 450 ms). tfjs-cpu (plain JS kernels): S 1.13 s. What made the difference on wasm:
 * - matMul with transposeA/B flags is ~8x slower than a transpose + plain matMul (16k × 128 · 128 × 128: 160 vs
 *   16 ms); a plain 4-layer w=128 MLP step on 16k samples went from 870 ms (stock gradients) to 345 ms (ops.ts);
 * - the bias gradient as ones·dy instead of sum over axis 0: 14 ms → 0.3 ms per 16k × 64 layer;
 * - per-frame 2D matMuls for a modulated layer beat one batched 3D matMul ~2x (55–70 vs 125–135 ms);
 * - GatherV2 costs ~75 ns per 2-float row (58 ms for a profile-S batch), hence the host hash lookup.
 * What is left is ~40 % matMul and ~25 % transposes (a 16k × 128 transpose takes 36 ms in tfjs-wasm, 18 ms in JS).
 */
import * as tf from '@tensorflow/tfjs';
import { MAX_DIMENSION, type ModelConfig, sceneOf } from '../../model/config.js';
import { frameTau } from '../../model/encoding.js';
import type { ParamGroup, ParamSet } from '../../model/params.js';
import { warpCoords, warpParams } from '../../model/warp.js';
import {
  type AdamConfig,
  DEFAULT_ADAM,
  type EngineOptions,
  type GroupRates,
  type OptimizerState,
  type PixelBatch,
  type StepExtras,
  type TrainEngine,
} from '../types.js';
import { adamUpdate } from './adam.js';
import { forwardModel, type ModelTensors } from './forward.js';
import type { HashEncodingMode } from './hash-encoding.js';
import { encodingInput, outputChannels, validateBatch } from './inputs.js';
import { gatherRows } from './ops.js';
import {
  assignSlots,
  createSlotVariables,
  readSlots,
  type VariableSlot,
  variableSlots,
} from './variables.js';
import { warpBatch } from './warp.js';

const RENDER_CHUNK = 1 << 15;

export interface TfjsEngineOptions extends EngineOptions {
  /** Description of the tfjs backend underneath (from backend.ts). */
  backend: string;
  /** How the hash-grid lookup runs; see hash-encoding.ts. */
  hashMode: HashEncodingMode;
}

export class TfjsEngine implements TrainEngine {
  readonly name = 'tfjs';
  private readonly slots: VariableSlot[];
  private readonly vars: tf.Variable[];
  private readonly m: tf.Variable[];
  private readonly v: tf.Variable[];
  private readonly tensors: ModelTensors;
  private readonly adam: AdamConfig;
  private readonly hashMode: HashEncodingMode;
  private stepCount = 0;
  private disposed = false;
  readonly backend: string;
  readonly config: ModelConfig;
  readonly frames: number;

  constructor(options: TfjsEngineOptions) {
    const { config, frames, params } = options;
    this.backend = options.backend;
    this.config = config;
    this.frames = frames;
    this.hashMode = options.hashMode;
    this.slots = variableSlots(config, frames);
    this.vars = createSlotVariables(this.slots, params, true);
    this.m = createSlotVariables(this.slots, null, false);
    this.v = createSlotVariables(this.slots, null, false);
    this.adam = options.adam ?? DEFAULT_ADAM;
    const byName = new Map<string, tf.Variable>();
    for (let i = 0; i < this.slots.length; i++) {
      const slot = this.slots[i];
      byName.set(slot.group === 'encoding' ? 'encoding' : slot.parts[0].spec.name, this.vars[i]);
    }
    this.tensors = {
      get(name: string) {
        const t = byName.get(name);
        if (!t) throw new Error(`tfjs engine: no variable '${name}'`);
        return t;
      },
    };
  }

  async step(batch: PixelBatch, rates: GroupRates, extras?: StepExtras): Promise<number> {
    this.checkAlive();
    validateBatch(this.config, this.frames, batch);
    this.validateExtras(batch, extras);
    const slotRates = this.slots.map((s) => groupRate(rates, s.group));
    const step = this.stepCount + 1;
    const latents = await this.warpLatents(batch);
    const errors: { tensor?: tf.Tensor } | undefined = extras?.sampleErrors ? {} : undefined;
    const loss = tf.tidy(() => {
      const { value, grads } = this.lossAndGradients(batch, latents, extras, errors);
      adamUpdate(this.vars, grads, this.m, this.v, slotRates, step, this.adam);
      return value;
    });
    this.stepCount = step;
    if (errors?.tensor) {
      extras!.sampleErrors!.set((await errors.tensor.data()) as Float32Array);
      errors.tensor.dispose();
    }
    const out = (await loss.data())[0];
    loss.dispose();
    return out;
  }

  async gradients(batch: PixelBatch, extras?: StepExtras): Promise<{ loss: number; grads: ParamSet }> {
    this.checkAlive();
    validateBatch(this.config, this.frames, batch);
    this.validateExtras(batch, extras);
    const latents = await this.warpLatents(batch);
    const errors: { tensor?: tf.Tensor } | undefined = extras?.sampleErrors ? {} : undefined;
    const { value, grads } = tf.tidy(() => this.lossAndGradients(batch, latents, extras, errors));
    try {
      if (errors?.tensor) extras!.sampleErrors!.set((await errors.tensor.data()) as Float32Array);
      return { loss: (await value.data())[0], grads: await readSlots(this.slots, grads) };
    } finally {
      tf.dispose([value, ...grads, ...(errors?.tensor ? [errors.tensor] : [])]);
    }
  }

  /** Batch MSE without gradients. */
  async loss(batch: PixelBatch): Promise<number> {
    this.checkAlive();
    validateBatch(this.config, this.frames, batch);
    const latents = await this.warpLatents(batch);
    const value = tf.tidy(() => this.batchLoss(batch, latents));
    const out = (await value.data())[0];
    value.dispose();
    return out;
  }

  async readLatentRows(frameIndex: Int32Array): Promise<Float32Array> {
    this.checkAlive();
    for (const row of frameIndex) {
      if (row < 0 || row >= this.frames)
        throw new RangeError(`tfjs engine: latent row ${row} is outside 0..${this.frames - 1}`);
    }
    const rows = tf.tidy(() => tf.gather(this.vars[0], tf.tensor1d(frameIndex, 'int32')));
    const out = (await rows.data()) as Float32Array;
    rows.dispose();
    return out;
  }

  async getParams(): Promise<ParamSet> {
    this.checkAlive();
    return readSlots(this.slots, this.vars);
  }

  async setParams(params: ParamSet): Promise<void> {
    this.checkAlive();
    assignSlots(this.slots, this.vars, params, 'setParams');
  }

  async getOptimizerState(): Promise<OptimizerState> {
    this.checkAlive();
    return {
      step: this.stepCount,
      m: await readSlots(this.slots, this.m),
      v: await readSlots(this.slots, this.v),
    };
  }

  async setOptimizerState(state: OptimizerState): Promise<void> {
    this.checkAlive();
    if (!Number.isInteger(state.step) || state.step < 0)
      throw new RangeError(`optimizer step must be a non-negative integer, got ${state.step}`);
    assignSlots(this.slots, this.m, state.m, 'setOptimizerState (m)');
    assignSlots(this.slots, this.v, state.v, 'setOptimizerState (v)');
    this.stepCount = state.step;
  }

  /**
   * Raw model output (no clamping) at `count` (x, y) pairs for the latent of frame time `t` (interpolated as in
   * spec §4.3.1): [count, 3] or [count, 3p²] for patch models, whose coords must form a `tile` (row-major).
   */
  async evaluate(
    t: number,
    coords: ArrayLike<number>,
    count: number,
    tile?: { width: number; height: number },
  ): Promise<Float32Array> {
    this.checkAlive();
    if (coords.length !== count * 2)
      throw new RangeError(`evaluate: ${coords.length} coordinate values for ${count} samples`);
    const z = await this.latentAt(t);
    const warp = warpParams(this.config, z);
    const at = warp
      ? warpCoords(warp, Float32Array.from(coords), count, new Float32Array(2 * count))
      : coords;
    const out = tf.tidy(() =>
      forwardModel(this.config, this.tensors, {
        z: tf.tensor2d(z, [1, z.length]),
        perFrame: count,
        encoding: encodingInput(this.config, at, count, this.hashMode, {
          tau: [frameTau(t, this.frames)],
          perGroup: count,
          scene: [sceneOf(this.config.encoding, t, this.frames)],
        }),
        tile,
      }),
    );
    const data = (await out.data()) as Float32Array;
    out.dispose();
    return data;
  }

  /** Frame time `t` at width × height: HWC RGB clamped to [0, 1], the reference decoder's layout. */
  async render(t: number, width: number, height: number): Promise<Float32Array> {
    for (const [what, n] of [
      ['width', width],
      ['height', height],
    ] as const) {
      if (!Number.isInteger(n) || n < 1 || n > MAX_DIMENSION)
        throw new RangeError(`render: ${what} must be an integer in 1..${MAX_DIMENSION}, got ${n}`);
    }
    const image = this.config.patch
      ? await this.renderPatches(t, width, height)
      : await this.renderPixels(t, width, height);
    for (let i = 0; i < image.length; i++) image[i] = image[i] > 0 ? Math.min(image[i], 1) : 0; // NaN → 0 (spec §4.3.6)
    return image;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    tf.dispose([...this.vars, ...this.m, ...this.v]);
  }

  private async renderPixels(t: number, width: number, height: number): Promise<Float32Array> {
    const image = new Float32Array(width * height * 3);
    const rowsPerChunk = Math.max(1, Math.floor(RENDER_CHUNK / width));
    for (let y0 = 0; y0 < height; y0 += rowsPerChunk) {
      const rows = Math.min(rowsPerChunk, height - y0);
      const coords = new Float64Array(rows * width * 2);
      for (let j = 0; j < rows; j++) {
        for (let i = 0; i < width; i++) {
          coords[2 * (j * width + i)] = (i + 0.5) / width;
          coords[2 * (j * width + i) + 1] = (y0 + j + 0.5) / height;
        }
      }
      image.set(await this.evaluate(t, coords, rows * width), y0 * width * 3);
    }
    return image;
  }

  /** Spec §4.3.7: conv over the full centroid grid, pixel shuffle, crop to width × height. */
  private async renderPatches(t: number, width: number, height: number): Promise<Float32Array> {
    const p = this.config.patch!.size;
    const gw = Math.ceil(width / p);
    const gh = Math.ceil(height / p);
    const coords = new Float64Array(gw * gh * 2);
    for (let j = 0; j < gh; j++) {
      for (let i = 0; i < gw; i++) {
        coords[2 * (j * gw + i)] = (i + 0.5) / gw;
        coords[2 * (j * gw + i) + 1] = (j + 0.5) / gh;
      }
    }
    const channels = await this.evaluate(t, coords, gw * gh, { width: gw, height: gh });
    const perCentroid = 3 * p * p;
    const image = new Float32Array(width * height * 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const centroid = Math.floor(y / p) * gw + Math.floor(x / p);
        const sub = (y % p) * p + (x % p);
        for (let c = 0; c < 3; c++)
          image[(y * width + x) * 3 + c] = channels[centroid * perCentroid + c * p * p + sub];
      }
    }
    return image;
  }

  /** Spec §4.3.1: z = (1 − β)·latents[t0] + β·latents[t1]. */
  private async latentAt(t: number): Promise<Float32Array> {
    if (!Number.isFinite(t) || t < 0 || t > this.frames - 1)
      throw new RangeError(`frame time ${t} is outside [0, ${this.frames - 1}]`);
    const latents = (await this.vars[0].data()) as Float32Array;
    const dim = this.config.latent.dim;
    const t0 = Math.floor(t);
    const t1 = Math.min(t0 + 1, this.frames - 1);
    const beta = t - t0;
    const z = new Float32Array(dim);
    for (let k = 0; k < dim; k++) z[k] = (1 - beta) * latents[t0 * dim + k] + beta * latents[t1 * dim + k];
    return z;
  }

  /** With a warp, the current values of the batch's latent rows (the warp reads them); else null. */
  private async warpLatents(batch: PixelBatch): Promise<Float32Array | null> {
    return this.config.warp ? this.readLatentRows(batch.frameIndex) : null;
  }

  /** `latents`: from warpLatents, taken since the last change to the latents. */
  private batchLoss(
    batch: PixelBatch,
    latents: Float32Array | null,
    errors?: { tensor?: tf.Tensor },
  ): tf.Scalar {
    const frames = batch.frameIndex.length;
    const count = frames * batch.pixelsPerFrame;
    const z = rowsOf(this.vars[0] as tf.Tensor2D, batch.frameIndex);
    const warp = latents ? warpBatch(this.config, z, latents, batch.coords, batch.pixelsPerFrame) : undefined;
    const prediction = forwardModel(this.config, this.tensors, {
      z,
      perFrame: batch.pixelsPerFrame,
      encoding: encodingInput(
        this.config,
        warp?.coords ?? batch.coords,
        count,
        this.hashMode,
        {
          tau: Array.from(batch.frameIndex, (row) => frameTau(row, this.frames)),
          perGroup: batch.pixelsPerFrame,
          scene: Array.from(batch.frameIndex, (row) => sceneOf(this.config.encoding, row, this.frames)),
        },
        warp,
      ),
      tile:
        batch.tileWidth && batch.tileHeight
          ? { width: batch.tileWidth, height: batch.tileHeight }
          : undefined,
    });
    const channels = outputChannels(this.config);
    const target = tf.tensor2d(batch.target, [count, channels], 'float32');
    const squared = tf.squaredDifference(prediction, target);
    if (!batch.weight && !errors) return tf.mean(squared);
    const perSample = tf.sum(squared, 1);
    if (errors) errors.tensor = tf.keep(perSample);
    if (!batch.weight) return tf.mean(squared);
    const weighted = tf.mul(perSample, tf.tensor1d(batch.weight, 'float32'));
    return tf.div(tf.sum(weighted), count * channels) as tf.Scalar;
  }

  /** `errors.tensor` receives the per-sample squared errors (kept: the caller disposes it) when `errors` is given. */
  private lossAndGradients(
    batch: PixelBatch,
    latents: Float32Array | null,
    extras?: StepExtras,
    errors?: { tensor?: tf.Tensor },
  ): { value: tf.Scalar; grads: tf.Tensor[] } {
    const { value, grads } = tf.variableGrads(() => this.batchLoss(batch, latents, errors), this.vars);
    // Slots the loss does not reach (none today) get explicit zeros so Adam sees every slot.
    const all = this.vars.map((v) => grads[v.name] ?? tf.zerosLike(v));
    if (extras?.latentGrad) {
      // Extra loss terms on the batch's latent rows (slot 0 is `latents`); scatterND adds repeated rows up.
      const f = batch.frameIndex.length;
      const dim = this.config.latent.dim;
      const rows = tf.tensor2d(batch.frameIndex, [f, 1], 'int32');
      const extra = tf.scatterND(rows, tf.tensor2d(extras.latentGrad, [f, dim]), [this.frames, dim]);
      all[0] = tf.add(all[0], extra);
    }
    return { value, grads: all };
  }

  private validateExtras(batch: PixelBatch, extras?: StepExtras): void {
    const samples = batch.frameIndex.length * batch.pixelsPerFrame;
    const e = extras?.sampleErrors;
    if (e !== undefined && (!(e instanceof Float32Array) || e.length !== samples))
      throw new RangeError(
        `tfjs engine: extras.sampleErrors must be a Float32Array of F·P = ${samples} values`,
      );
    const g = extras?.latentGrad;
    if (g === undefined) return;
    if (!(g instanceof Float32Array))
      throw new TypeError('tfjs engine: extras.latentGrad must be a Float32Array');
    const want = batch.frameIndex.length * this.config.latent.dim;
    if (g.length !== want)
      throw new RangeError(
        `tfjs engine: extras.latentGrad holds ${g.length} values, expected frames × latent dim = ${want}`,
      );
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('tfjs engine used after dispose()');
  }
}

/** Latent rows for each frame group; its gradient scatter-adds into the latent table. */
function rowsOf(latents: tf.Tensor2D, frameIndex: Int32Array): tf.Tensor2D {
  return gatherRows(latents, tf.tensor1d(frameIndex, 'int32'));
}

function groupRate(rates: GroupRates, group: ParamGroup): number {
  const r = rates[group];
  if (!Number.isFinite(r) || r < 0)
    throw new RangeError(`learning rate for '${group}' must be a finite non-negative number, got ${r}`);
  return r;
}
