/**
 * Where alignment targets come from. A provider names its feature space (written into `lirA`, so queries are
 * embedded the same way) and turns source frames into one feature row each. Implementations: the built-in
 * extractor (here), a file of precomputed embeddings (feature-file.ts), CLIP through a local model
 * (src/search/clip.ts, Node only).
 */
import { BUILTIN_DIM, BUILTIN_FEATURE_SPACE, builtinFeatures } from './builtin.js';
import { AlignError } from './errors.js';
import { type FeatureTable, sliceFeatures, validateFeatures } from './features.js';

export interface FeatureProvider {
  /** Names the embedding space, e.g. 'lirn-builtin-v1'; stored in lirA. */
  readonly space: string;
  readonly dim: number;
  /**
   * Features of source frames [first, first + frames.length) (RGB24, width × height), one row per frame.
   * Rows of zeros mark frames without a feature.
   */
  frameFeatures(
    frames: readonly Uint8Array[],
    first: number,
    width: number,
    height: number,
  ): Promise<FeatureTable>;
  /** Providers whose rows depend on the source's length (tokenProvider) bind it here; the encoder calls it first. */
  forSource?(frameCount: number): FeatureProvider;
}

export function builtinProvider(): FeatureProvider {
  return {
    space: BUILTIN_FEATURE_SPACE,
    dim: BUILTIN_DIM,
    async frameFeatures(frames, _first, width, height) {
      const data = new Float32Array(frames.length * BUILTIN_DIM);
      for (let i = 0; i < frames.length; i++)
        data.set(builtinFeatures(frames[i], width, height), i * BUILTIN_DIM);
      return { rows: frames.length, dim: BUILTIN_DIM, data };
    },
  };
}

/**
 * A token sequence for the whole video (paper appendix D: e.g. Video-LLaMA's k_v query tokens): the latents are
 * treated as a sequence too, frame t of T aligning with token ⌊t·K/T⌋ of K, so each token is matched by the
 * frames of its stretch of time. Returns one row per frame.
 */
export function expandTokens(tokens: FeatureTable, frames: number): FeatureTable {
  validateFeatures(tokens, 'token features');
  if (tokens.rows < 1) throw new AlignError('the token sequence is empty');
  const data = new Float32Array(frames * tokens.dim);
  for (let t = 0; t < frames; t++) {
    const k = Math.floor((t * tokens.rows) / frames);
    data.set(tokens.data.subarray(k * tokens.dim, (k + 1) * tokens.dim), t * tokens.dim);
  }
  return { rows: frames, dim: tokens.dim, data };
}

/** Token features for the whole source, spread over its frames by expandTokens once its length is known. */
export function tokenProvider(tokens: FeatureTable, space = 'tokens'): FeatureProvider {
  validateFeatures(tokens, 'token features');
  const unbound = async (): Promise<FeatureTable> => {
    throw new AlignError('a token provider must be bound to the source length first (forSource)');
  };
  return {
    space,
    dim: tokens.dim,
    frameFeatures: unbound,
    forSource: (frameCount) => tableProvider(expandTokens(tokens, frameCount), space),
  };
}

/** Precomputed features, one row per source frame (the pixels are not looked at). */
export function tableProvider(table: FeatureTable, space = 'file'): FeatureProvider {
  validateFeatures(table);
  return {
    space,
    dim: table.dim,
    async frameFeatures(frames, first) {
      if (first + frames.length > table.rows)
        throw new AlignError(
          `the feature file has ${table.rows} rows but the source has frame ${first + frames.length - 1}`,
        );
      return sliceFeatures(table, first, frames.length);
    },
  };
}
