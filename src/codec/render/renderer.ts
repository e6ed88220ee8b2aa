/**
 * The reference decoder's reconstruction (spec §4.3): a model, a frame time and an output size in, RGB float
 * frames out (row-major HWC, clamped to [0, 1]). Pixels are processed in bounded batches, so memory stays
 * proportional to the output whatever its size.
 */
import { MAX_DIMENSION } from '../model/config.js';
import { ModelError } from '../model/errors.js';
import { frameWeights } from '../model/hypernet.js';
import { latentAt } from '../model/latent.js';
import { type Model, type PreparedModel, prepareModel } from '../model/model.js';
import { conv3x3Rows, conv3x3WeightHWC, pixelShuffle } from '../model/patch.js';
import { warpParams } from '../model/warp.js';
import { gridCoords } from './coords.js';
import { type BatchEvaluator, createBatchEvaluator } from './evaluate.js';
import { type FrameBuffer, writeOutput } from './output.js';

/** Floats of conv output per patch band (bounds memory for large patch sizes at large widths). */
const BAND_FLOATS = 1 << 22;

export interface Renderer {
  readonly model: PreparedModel;
  /** Number of latent rows; valid frame times are [0, frames − 1]. */
  readonly frames: number;
  renderFrame(t: number, width: number, height: number): Float32Array;
  renderFrameRgb8(t: number, width: number, height: number): Uint8Array;
  /** Frames for several times; shares the latent-independent work (encoding, unmodulated first layers). */
  renderFrames(times: readonly number[], width: number, height: number): Float32Array[];
}

export interface RendererOptions {
  /** Most coordinates evaluated per batch (default 4096); memory per batch scales with it. */
  batchSize?: number;
}

/** Validates the model once (ModelError on any mismatch with its config) and returns a renderer for it. */
export function createRenderer(model: Model, options: RendererOptions = {}): Renderer {
  const batch = options.batchSize;
  if (batch !== undefined && !(Number.isInteger(batch) && batch >= 1)) {
    throw new ModelError('bad-argument', 'batchSize', `must be a positive integer, got ${String(batch)}`);
  }
  const prepared = prepareModel(model);
  let evaluator: BatchEvaluator | null = null;
  const render = <T extends FrameBuffer>(
    times: readonly number[],
    width: number,
    height: number,
    allocate: (size: number) => T,
  ): T[] => {
    checkDimension('width', width);
    checkDimension('height', height);
    if (!Array.isArray(times))
      throw new ModelError('bad-argument', 'times', 'expected an array of frame times');
    const latents = times.map((t) => {
      if (typeof t !== 'number' || !Number.isFinite(t)) {
        throw new ModelError('bad-argument', 't', `frame time must be a finite number, got ${String(t)}`);
      }
      return latentAt(prepared.latents, prepared.frames, prepared.latentDim, t);
    });
    const weights = latents.map((z) => frameWeights(prepared, z));
    const warps = latents.map((z) => warpParams(prepared.config, z));
    evaluator ??= createBatchEvaluator(prepared, options.batchSize);
    const frames = weights.map(() => allocate(width * height * 3));
    if (prepared.patch) renderPatchFrames(prepared, evaluator, weights, warps, times, width, height, frames);
    else renderPixelFrames(evaluator, weights, warps, times, width, height, frames);
    return frames;
  };
  const float = (size: number) => new Float32Array(size);
  const bytes = (size: number) => new Uint8Array(size);
  return {
    model: prepared,
    frames: prepared.frames,
    renderFrames: (times, width, height) => render(times, width, height, float),
    renderFrame: (t, width, height) => render([t], width, height, float)[0],
    renderFrameRgb8: (t, width, height) => render([t], width, height, bytes)[0],
  };
}

export function renderFrame(model: Model, t: number, width: number, height: number): Float32Array {
  return createRenderer(model).renderFrame(t, width, height);
}

export function renderFrameRgb8(model: Model, t: number, width: number, height: number): Uint8Array {
  return createRenderer(model).renderFrameRgb8(t, width, height);
}

export function renderFrames(
  model: Model,
  times: readonly number[],
  width: number,
  height: number,
): Float32Array[] {
  return createRenderer(model).renderFrames(times, width, height);
}

function checkDimension(name: string, value: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > MAX_DIMENSION) {
    throw new ModelError(
      'bad-argument',
      name,
      `must be an integer in 1..${MAX_DIMENSION}, got ${String(value)}`,
    );
  }
}

/** One network evaluation per pixel. */
function renderPixelFrames(
  evaluator: BatchEvaluator,
  weights: Float32Array[][],
  warps: (Float64Array | null)[],
  times: readonly number[],
  width: number,
  height: number,
  frames: FrameBuffer[],
): void {
  const total = width * height;
  const batch = evaluator.batchSize;
  const results = weights.map(() => new Float32Array(batch * 3));
  const coords = new Float32Array(2 * batch);
  for (let start = 0; start < total; start += batch) {
    const n = Math.min(batch, total - start);
    gridCoords(start, n, width, height, coords);
    evaluator.evaluate(coords, n, weights, results, 0, times, warps);
    for (let k = 0; k < frames.length; k++) writeOutput(results[k], 0, n * 3, frames[k], start * 3);
  }
}

/**
 * Patch models: bands of centroid rows. Each band evaluates its rows plus one halo row above and below (the
 * conv's neighbours), convolves, and pixel-shuffles into the frame.
 */
function renderPatchFrames(
  model: PreparedModel,
  evaluator: BatchEvaluator,
  weights: Float32Array[][],
  warps: (Float64Array | null)[],
  times: readonly number[],
  width: number,
  height: number,
  frames: FrameBuffer[],
): void {
  const { size: p, channels: C, weight, bias } = model.patch!;
  const convC = 3 * p * p;
  const convWeight = conv3x3WeightHWC(weight, convC, C);
  const wg = Math.ceil(width / p);
  const hg = Math.ceil(height / p);
  // Rows per band: about one batch of centroids, fewer when large patches make the conv output wide.
  const bandRows = Math.max(
    1,
    Math.min(Math.floor(evaluator.batchSize / wg), Math.floor(BAND_FLOATS / (wg * convC))),
  );
  const featureRows = Math.min(hg, bandRows + 2);
  const features = weights.map(() => new Float32Array(featureRows * wg * C));
  const conv = new Float32Array(bandRows * wg * convC);
  const pixels = new Float32Array(bandRows * p * width * 3);
  const coords = new Float32Array(2 * evaluator.batchSize);

  for (let r0 = 0; r0 < hg; r0 += bandRows) {
    const rows = Math.min(bandRows, hg - r0);
    const f0 = Math.max(0, r0 - 1);
    const f1 = Math.min(hg, r0 + rows + 1);
    const cells = (f1 - f0) * wg;
    for (let done = 0; done < cells; done += evaluator.batchSize) {
      const n = Math.min(evaluator.batchSize, cells - done);
      gridCoords(f0 * wg + done, n, wg, hg, coords);
      evaluator.evaluate(coords, n, weights, features, done * C, times, warps);
    }
    for (let k = 0; k < weights.length; k++) {
      conv3x3Rows(features[k], f0, f1 - f0, hg, wg, C, convWeight, bias, convC, r0, rows, conv);
      const pixelRows = pixelShuffle(conv, r0, rows, wg, p, pixels, width, height);
      writeOutput(pixels, 0, pixelRows * width * 3, frames[k], r0 * p * width * 3);
    }
  }
}
