/** Semantic latents: feature alignment during encoding (paper §3.6, eq. 6) and the projection's bitstream form. */
export { Aligner, type AlignmentOptions, type AlignmentStep, DEFAULT_ALIGN_LAMBDA } from './aligner.js';
export {
  alignmentBox,
  type ChunkAlignment,
  chunkAlignment,
  findAlignmentBox,
  projectionFromBox,
  withAlignmentBox,
} from './box.js';
export { BUILTIN_DIM, BUILTIN_FEATURE_SPACE, builtinFeatures } from './builtin.js';
export { cosine, cosineLossGrad, normalizeRows } from './cosine.js';
export { AlignError } from './errors.js';
export { encodeNpy, type FeatureFile, parseFeatureFile } from './feature-file.js';
export { type FeatureTable, sliceFeatures, stackFeatures, validateFeatures } from './features.js';
export {
  cloneProjection,
  initProjection,
  PROJ_BIAS,
  PROJ_WEIGHT,
  type Projection,
  type ProjectionKind,
  projectRows,
  validateProjection,
} from './projection.js';
export { builtinProvider, type FeatureProvider, tableProvider } from './provider.js';
