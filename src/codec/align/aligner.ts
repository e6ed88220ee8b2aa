/**
 * The alignment term of the training loss (paper eq. 6): L = MSE + λ · mean_f (1 − cos(proj(z_f), f_f)) over the
 * batch's frames that have a feature. Per step the trainer hands the batch's latent rows to `gradient`, which
 * returns ∂(λ·L_cos)/∂z for the engine (StepExtras.latentGrad) and keeps ∂/∂W, ∂/∂b for `update`, the
 * projection's own Adam step. Cheap: F·D multiply-adds per batch frame. Platform-neutral.
 */
import type { ParamSet } from '../model/params.js';
import { adamStep } from './adam.js';
import { cosineLossGrad } from './cosine.js';
import { AlignError } from './errors.js';
import { type FeatureTable, validateFeatures } from './features.js';
import {
  cloneProjection,
  initProjection,
  PROJ_BIAS,
  PROJ_WEIGHT,
  type Projection,
  type ProjectionKind,
  projectInto,
  validateProjection,
} from './projection.js';

export const DEFAULT_ALIGN_LAMBDA = 0.01;

export interface AlignmentOptions {
  /** Targets: one row per latent row of the clip being trained (rows = its frames). */
  features: FeatureTable;
  /** λ of eq. 6; default 0.01 (the paper's). 0 trains the projection but leaves the latents alone. */
  lambda?: number;
  /** 'auto' (default): identity when feature dim = latent dim, else a trainable linear map. */
  projection?: ProjectionKind;
  /** Base learning rate of the projection, scaled by the schedule; default: the trainer's `hyper` rate. */
  rate?: number;
  /** Start from this projection (warm start) instead of a fresh one. */
  initial?: Projection;
}

export interface AlignmentStep {
  /** λ · mean(1 − cos) over the batch frames with a feature (0 when none has one). */
  loss: number;
  /** Mean cosine over those frames (NaN when none). */
  cosine: number;
  /** ∂loss/∂z, batch frames × latent dim. */
  latentGrad: Float32Array;
}

export class Aligner {
  readonly lambda: number;
  readonly features: FeatureTable;
  readonly rate: number | undefined;
  private readonly proj: Projection;
  private readonly gradW: Float64Array;
  private readonly gradB: Float64Array;
  private mW: Float32Array;
  private vW: Float32Array;
  private mB: Float32Array;
  private vB: Float32Array;
  private steps = 0;
  private y: Float32Array;
  private dy: Float64Array;
  private hasFeature: Uint8Array;

  constructor(options: AlignmentOptions, latentDim: number, seed: number) {
    this.features = validateFeatures(options.features, 'alignment features');
    this.lambda = options.lambda ?? DEFAULT_ALIGN_LAMBDA;
    if (!Number.isFinite(this.lambda) || this.lambda < 0)
      throw new AlignError(`alignment λ must be a finite number ≥ 0, got ${options.lambda}`);
    if (options.rate !== undefined && !(Number.isFinite(options.rate) && options.rate >= 0))
      throw new AlignError(`alignment rate must be a finite number ≥ 0, got ${options.rate}`);
    this.rate = options.rate;
    const F = this.features.dim;
    this.proj = options.initial
      ? cloneProjection(validateProjection(options.initial))
      : initProjection(F, latentDim, options.projection ?? 'auto', seed);
    if (this.proj.featureDim !== F || this.proj.latentDim !== latentDim)
      throw new AlignError(
        `the projection maps ${this.proj.latentDim} → ${this.proj.featureDim}, the run needs ${latentDim} → ${F}`,
      );
    if (options.projection === 'identity' && !this.proj.identity)
      throw new AlignError('an identity projection was asked for but the initial projection is linear');
    this.gradW = new Float64Array(this.proj.weight.length);
    this.gradB = new Float64Array(this.proj.bias.length);
    this.mW = new Float32Array(this.proj.weight.length);
    this.vW = new Float32Array(this.proj.weight.length);
    this.mB = new Float32Array(this.proj.bias.length);
    this.vB = new Float32Array(this.proj.bias.length);
    this.y = new Float32Array(F);
    this.dy = new Float64Array(F);
    this.hasFeature = new Uint8Array(this.features.rows);
    for (let r = 0; r < this.features.rows; r++) {
      for (let i = 0; i < F; i++) {
        if (this.features.data[r * F + i] !== 0) {
          this.hasFeature[r] = 1;
          break;
        }
      }
    }
  }

  get projection(): Projection {
    return this.proj;
  }

  /** Whether this run trains projection weights (false for the identity). */
  get linear(): boolean {
    return !this.proj.identity;
  }

  /**
   * Loss and ∂loss/∂z for the batch's latent rows `z` (frameIndex.length × D, current values); also stores
   * ∂loss/∂W and ∂loss/∂b for the next `update`.
   */
  gradient(frameIndex: Int32Array, z: Float32Array): AlignmentStep {
    const { featureDim: F, latentDim: D, identity, weight } = this.proj;
    const n = frameIndex.length;
    if (z.length !== n * D) throw new AlignError(`${z.length} latent values for ${n} frames of ${D}`);
    this.gradW.fill(0);
    this.gradB.fill(0);
    const latentGrad = new Float32Array(n * D);
    let count = 0;
    for (let f = 0; f < n; f++) {
      const row = frameIndex[f];
      if (row < 0 || row >= this.features.rows)
        throw new AlignError(
          `latent row ${row} has no feature row (features cover 0..${this.features.rows - 1})`,
        );
      if (this.hasFeature[row]) count++;
    }
    if (count === 0) return { loss: 0, cosine: Number.NaN, latentGrad };
    const scale = this.lambda / count;
    let loss = 0;
    let cosSum = 0;
    for (let f = 0; f < n; f++) {
      const row = frameIndex[f];
      if (!this.hasFeature[row]) continue;
      projectInto(this.proj, z, f * D, this.y);
      this.dy.fill(0);
      const l = cosineLossGrad(this.y, 0, this.features.data, row * F, F, 1, this.dy, 0);
      loss += l;
      cosSum += 1 - l;
      const g = latentGrad.subarray(f * D, (f + 1) * D);
      if (identity) {
        for (let k = 0; k < D; k++) g[k] = scale * this.dy[k];
        continue;
      }
      // z gradient Wᵀ·dy; W gradient dy·zᵀ; b gradient dy (all times λ / count).
      const zg = new Float64Array(D);
      for (let i = 0; i < F; i++) {
        const d = scale * this.dy[i];
        if (d === 0) continue;
        const rowW = i * D;
        for (let k = 0; k < D; k++) {
          zg[k] += weight[rowW + k] * d;
          this.gradW[rowW + k] += d * z[f * D + k];
        }
        this.gradB[i] += d;
      }
      for (let k = 0; k < D; k++) g[k] = zg[k];
    }
    return { loss: (this.lambda * loss) / count, cosine: cosSum / count, latentGrad };
  }

  /** One Adam step of the projection with the gradient of the last `gradient` call (a no-op for the identity). */
  update(rate: number): void {
    this.steps++;
    if (this.proj.identity) return;
    adamStep(this.proj.weight, this.gradW, this.mW, this.vW, rate, this.steps);
    adamStep(this.proj.bias, this.gradB, this.mB, this.vB, rate, this.steps);
  }

  /** Projection weights and Adam moments as named tensors (checkpoints); empty sets for the identity. */
  state(): { params: ParamSet; m: ParamSet; v: ParamSet; step: number } {
    const set = (w: Float32Array, b: Float32Array): ParamSet => {
      const s: ParamSet = new Map();
      if (this.proj.identity) return s;
      s.set(PROJ_WEIGHT, { shape: [this.proj.featureDim, this.proj.latentDim], data: w.slice() });
      s.set(PROJ_BIAS, { shape: [this.proj.featureDim], data: b.slice() });
      return s;
    };
    return {
      params: set(this.proj.weight, this.proj.bias),
      m: set(this.mW, this.mB),
      v: set(this.vW, this.vB),
      step: this.steps,
    };
  }

  /** Continues from `state()` output (a resumed run). */
  restore(state: { params: ParamSet; m: ParamSet; v: ParamSet; step: number }): void {
    this.steps = state.step;
    if (this.proj.identity) return;
    const take = (set: ParamSet, name: string, into: Float32Array, what: string) => {
      const t = set.get(name);
      if (!t || t.data.length !== into.length)
        throw new AlignError(`alignment state: ${what} '${name}' is missing or has the wrong size`);
      into.set(t.data);
    };
    take(state.params, PROJ_WEIGHT, this.proj.weight, 'parameter');
    take(state.params, PROJ_BIAS, this.proj.bias, 'parameter');
    take(state.m, PROJ_WEIGHT, this.mW, 'Adam m');
    take(state.m, PROJ_BIAS, this.mB, 'Adam m');
    take(state.v, PROJ_WEIGHT, this.vW, 'Adam v');
    take(state.v, PROJ_BIAS, this.vB, 'Adam v');
  }
}
