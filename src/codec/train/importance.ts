/**
 * Error-driven importance sampling of training pixels. Each frame is split into cells of `cell`×`cell` pixels;
 * every cell keeps a running estimate of the squared error its pixels had in recent steps (the engine reports
 * each sample's error, StepExtras.sampleErrors). A batch draws each frame's pixels from the mixture
 *
 *   p(pixel in cell c) = uniform / N + (1 − uniform) · e_c / Σ_c' n_c' · e_c'      (N pixels, n_c in cell c)
 *
 * and weights each sample's loss by (1 / (N · p))^alpha, normalized to mean 1 over the batch: alpha = 1 keeps the
 * loss an unbiased estimate of the frame MSE (the variance drops where the error is), alpha = 0 trains on the
 * emphasized distribution as such. Cells not yet seen count at their frame's mean estimate.
 *
 * The map is state that shapes the trajectory, so it travels in checkpoints (ImportanceState): the trainer applies
 * a step's errors only after sampling the next batch, so batch i always sees the errors of steps ≤ i − 2, whether
 * it was prefetched or sampled after a resume.
 */
import type { PixelBatch } from '../engine/types.js';
import type { Rng } from '../util/random.js';
import { type Clip, pickFrames } from './sampler.js';

export interface ImportanceSampling {
  /** Cell edge in pixels. */
  cell: number;
  /** Share of the uniform component of the mixture, in (0, 1]. */
  uniform: number;
  /** Exponent of the loss weight (1 / (N·p))^alpha, in [0, 1]. */
  alpha: number;
  /** Rate of a cell's running error per observed sample, in (0, 1]. */
  rate: number;
}

export const DEFAULT_IMPORTANCE: ImportanceSampling = { cell: 8, uniform: 0.5, alpha: 1, rate: 0.25 };

/** Full settings from partial ones; throws a RangeError naming the bad setting. */
export function resolveImportance(o: Partial<ImportanceSampling>): ImportanceSampling {
  const s = { ...DEFAULT_IMPORTANCE, ...o };
  if (!Number.isInteger(s.cell) || s.cell < 1 || s.cell > 4096)
    throw new RangeError(`importance.cell must be an integer in 1..4096, got ${s.cell}`);
  if (!(s.uniform > 0 && s.uniform <= 1))
    throw new RangeError(`importance.uniform must be in (0, 1], got ${s.uniform}`);
  if (!(s.alpha >= 0 && s.alpha <= 1)) throw new RangeError(`importance.alpha must be in [0, 1], got ${s.alpha}`);
  if (!(s.rate > 0 && s.rate <= 1)) throw new RangeError(`importance.rate must be in (0, 1], got ${s.rate}`);
  return s;
}

/** A batch with the cell of every sample, which the map needs to take the step's errors back. */
export interface ImportanceBatch extends PixelBatch {
  weight: Float32Array;
  /** Cell index within its frame, per sample (F·P). */
  cells: Uint32Array;
}

/** One step's errors waiting to be applied (see the module comment). */
export interface PendingErrors {
  frameIndex: Int32Array;
  cells: Uint32Array;
  errors: Float32Array;
}

/** What a checkpoint stores: the map (frames × cells, −1 = not seen) and the errors not applied yet. */
export interface ImportanceState {
  values: Float32Array;
  pending: PendingErrors | null;
}

export class ErrorMap {
  readonly columns: number;
  readonly rows: number;
  readonly cellsPerFrame: number;
  /** Running squared error per cell, frame-major; −1 where a cell has not been seen. */
  readonly values: Float32Array;
  private readonly cdf: Float64Array;
  private readonly cellPixels: Float64Array;

  constructor(
    readonly settings: ImportanceSampling,
    readonly frames: number,
    readonly width: number,
    readonly height: number,
  ) {
    const c = settings.cell;
    this.columns = Math.ceil(width / c);
    this.rows = Math.ceil(height / c);
    this.cellsPerFrame = this.columns * this.rows;
    this.values = new Float32Array(frames * this.cellsPerFrame).fill(-1);
    this.cdf = new Float64Array(this.cellsPerFrame);
    this.cellPixels = new Float64Array(this.cellsPerFrame);
    for (let j = 0; j < this.rows; j++) {
      const h = Math.min(c, height - j * c);
      for (let i = 0; i < this.columns; i++) this.cellPixels[j * this.columns + i] = h * Math.min(c, width - i * c);
    }
  }

  state(pending: PendingErrors | null): ImportanceState {
    return { values: this.values.slice(), pending };
  }

  restore(state: ImportanceState): void {
    if (state.values.length !== this.values.length)
      throw new RangeError(`importance map holds ${state.values.length} cells, expected ${this.values.length}`);
    this.values.set(state.values);
  }

  /** Folds one step's per-sample errors into the cells they fell in. */
  observe(p: PendingErrors): void {
    const perFrame = p.cells.length / p.frameIndex.length;
    const rate = this.settings.rate;
    for (let f = 0; f < p.frameIndex.length; f++) {
      const base = p.frameIndex[f] * this.cellsPerFrame;
      for (let s = f * perFrame; s < (f + 1) * perFrame; s++) {
        const e = p.errors[s];
        if (!Number.isFinite(e)) continue;
        const at = base + p.cells[s];
        const v = this.values[at];
        this.values[at] = v < 0 ? e : v + rate * (e - v);
      }
    }
  }

  /** Random distinct frames of `trainedFrames`, then `perFrame` pixels of each from the mixture. */
  sample(clip: Clip, trainedFrames: readonly number[], framesPerBatch: number, perFrame: number, rng: Rng) {
    const frames = pickFrames(trainedFrames, framesPerBatch, rng);
    const count = frames.length * perFrame;
    const coords = new Float32Array(count * 2);
    const target = new Float32Array(count * 3);
    const weight = new Float32Array(count);
    const cells = new Uint32Array(count);
    const { width, height } = clip;
    const total = width * height;
    const c = this.settings.cell;
    const { alpha } = this.settings;
    const cdf = this.cdf;
    const last = this.cellsPerFrame - 1;
    const columns = this.columns;
    const cellPixels = this.cellPixels;
    let weightSum = 0;
    let n = 0;
    for (const frame of frames) {
      this.buildCdf(frame);
      const mass = cdf[last];
      const data = clip.frames[frame];
      const divisor = data instanceof Uint8Array ? 255 : 1;
      for (let s = 0; s < perFrame; s++, n++) {
        const u = rng.next() * mass;
        let lo = 0;
        let hi = last;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (cdf[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        const cell = lo;
        const i = cell % columns;
        const j = (cell - i) / columns;
        const cw = Math.min(c, width - i * c);
        const k = rng.int(cellPixels[cell]);
        const x = i * c + (k % cw);
        const y = j * c + ((k / cw) | 0);
        // The pixel's probability is its cell's mass over the cell's pixel count.
        const p = (cell === 0 ? cdf[0] : cdf[cell] - cdf[cell - 1]) / (mass * cellPixels[cell]);
        const r = 1 / (total * p);
        const w = alpha === 1 ? r : alpha === 0.5 ? Math.sqrt(r) : alpha === 0 ? 1 : r ** alpha;
        weight[n] = w;
        weightSum += w;
        cells[n] = cell;
        coords[2 * n] = (x + 0.5) / width;
        coords[2 * n + 1] = (y + 0.5) / height;
        const at = 3 * (y * width + x);
        target[3 * n] = data[at] / divisor;
        target[3 * n + 1] = data[at + 1] / divisor;
        target[3 * n + 2] = data[at + 2] / divisor;
      }
    }
    const norm = count / weightSum;
    for (let s = 0; s < count; s++) weight[s] *= norm;
    const batch: ImportanceBatch = {
      frameIndex: Int32Array.from(frames),
      pixelsPerFrame: perFrame,
      coords,
      target,
      weight,
      cells,
    };
    return batch;
  }

  /** Cumulative cell masses of `frame`: the uniform share by pixel count, the error share by n_c · e_c. */
  private buildCdf(frame: number): void {
    const values = this.values;
    const cellPixels = this.cellPixels;
    const base = frame * this.cellsPerFrame;
    let seenSum = 0;
    let seenPixels = 0;
    for (let cell = 0; cell < this.cellsPerFrame; cell++) {
      const v = values[base + cell];
      if (v >= 0) {
        seenSum += v * cellPixels[cell];
        seenPixels += cellPixels[cell];
      }
    }
    const mean = seenPixels > 0 ? seenSum / seenPixels : 1;
    // Unseen cells count at the mean, so the error mass is the seen mass plus the unseen pixels at the mean.
    const errorMass = seenSum + (this.width * this.height - seenPixels) * mean;
    const { uniform } = this.settings;
    const total = this.width * this.height;
    // Error mass 0 (a perfect fit so far): the uniform component alone.
    const errorShare = errorMass > 0 ? (1 - uniform) / errorMass : 0;
    const uniformShare = (errorMass > 0 ? uniform : 1) / total;
    let acc = 0;
    for (let cell = 0; cell < this.cellsPerFrame; cell++) {
      const v = values[base + cell];
      acc += cellPixels[cell] * (uniformShare + errorShare * (v < 0 ? mean : v));
      this.cdf[cell] = acc;
    }
  }
}
