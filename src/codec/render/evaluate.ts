/**
 * Runs the base network on batches of coordinates for several frame times at once. With a static encoding, the
 * encoding and the base layers before the first modulated one do not depend on the frame time, so they are
 * computed once per batch and shared by every frame time; a spatio-temporal grid or a warp (each frame samples
 * its own positions) is encoded per frame time.
 */
import { encodingOutputDim } from '../model/config.js';
import { encodePositions, encodingIsTemporal } from '../model/encoding.js';
import { baseForward, createMlpScratch, denseForward, type MlpScratch } from '../model/mlp.js';
import type { PreparedModel } from '../model/model.js';
import { warpCoords } from '../model/warp.js';

/** Activation floats per scratch buffer; bounds memory whatever the layer widths. */
const SCRATCH_FLOATS = 1 << 20;
const MAX_BATCH = 4096;

export interface BatchEvaluator {
  /** Most coordinates one `evaluate` call takes. */
  readonly batchSize: number;
  /** Width of each output row (3 for RGB, patch.channels for patch models). */
  readonly outDim: number;
  /**
   * Base-network output for `n ≤ batchSize` coordinates (interleaved x, y) under each entry of `frameWeights`
   * (from `frameWeights`) at frame time `times[k]`; writes `outs[k]` as [n, outDim] starting at float offset
   * `outOffset`. `warps[k]` (warp.ts `warpParams`, null for none) moves frame k's coordinates first.
   */
  evaluate(
    coords: Float32Array,
    n: number,
    frameWeights: readonly Float32Array[][],
    outs: Float32Array[],
    outOffset: number,
    times: readonly number[],
    warps?: readonly (Float64Array | null)[],
  ): void;
}

/** `maxBatch` caps the coordinates per call (default 4096; smaller values only matter for tests). */
export function createBatchEvaluator(model: PreparedModel, maxBatch = MAX_BATCH): BatchEvaluator {
  const layers = model.base;
  const last = layers.length - 1;
  const widest = Math.max(encodingOutputDim(model.config.encoding), ...layers.map((l) => l.outDim));
  const batchSize = Math.max(4, Math.min(maxBatch, Math.floor(SCRATCH_FLOATS / widest) & ~3));
  const firstModulated = Math.min(last, ...model.config.modulation.layers);

  const encoded = new Float32Array(batchSize * encodingOutputDim(model.config.encoding));
  const shared = [new Float32Array(batchSize * widest), new Float32Array(batchSize * widest)];
  const scratch: MlpScratch = createMlpScratch(layers, batchSize);
  const outDim = layers[last].outDim;
  const result = new Float32Array(batchSize * outDim);
  const temporal = encodingIsTemporal(model.config.encoding);
  const warped = new Float32Array(2 * batchSize);

  return {
    batchSize,
    outDim,
    evaluate(coords, n, frameWeights, outs, outOffset, times, warps) {
      if (n > batchSize)
        throw new RangeError(`evaluate: ${n} coordinates exceed the batch size ${batchSize}`);
      // Latent-independent prefix: encoding, then layers 0 … firstModulated − 1 (never the output layer).
      const prefix = (t: number, warp: Float64Array | null = null): Float32Array => {
        encodePositions(model, warp ? warpCoords(warp, coords, n, warped) : coords, n, encoded, t);
        let x = encoded;
        for (let i = 0; i < firstModulated; i++) {
          const y = shared[i % 2];
          denseForward(x, n, layers[i].inDim, layers[i].weight, layers[i].bias, layers[i].outDim, y, true);
          x = y;
        }
        return x;
      };
      const perFrame = temporal || (warps?.some((w) => w) ?? false);
      let x = perFrame ? encoded : prefix(0);
      for (let k = 0; k < frameWeights.length; k++) {
        if (perFrame) x = prefix(times[k], warps?.[k] ?? null);
        baseForward(layers, frameWeights[k], x, n, result, scratch, firstModulated);
        outs[k].set(result.subarray(0, n * outDim), outOffset);
      }
    },
  };
}
