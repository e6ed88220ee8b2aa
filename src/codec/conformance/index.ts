/** Conformance checking (spec/06-conformance.md): platform-neutral, shared by `lirn conform`, tests and the player. */
export {
  type CheckKind,
  type CheckResult,
  type CheckStatus,
  checkMalformed,
  checkVector,
  type DecoderUnderTest,
  type OpenedRenderer,
  referenceDecoder,
  rejectionOf,
  summarize,
  type VectorInput,
} from './check.js';
export { describeMalformed, describeVector, type FrameRequest, type VectorDescription } from './describe.js';
export { compareFrames8, type FrameBound, type FrameComparison, withinBound } from './frames.js';
export {
  type ChunkEntry,
  type ConformanceManifest,
  type FrameEntry,
  findEntry,
  MANIFEST_FORMAT,
  MANIFEST_VERSION,
  type MalformedEntry,
  type MalformedStage,
  type ManifestBound,
  type ManifestEntry,
  ManifestError,
  parseManifest,
  type TensorEntry,
  type VectorEntry,
} from './manifest.js';
export { float32Sha256, Sha256, sha256Hex } from './sha256.js';
export { type DecodedTensor, decodeChunkForConformance, modelTensors, tensorHashes } from './tensors.js';
