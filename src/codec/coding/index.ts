/** Coded payloads of the bitstream: the public entry point of src/codec/coding (spec/05-coding-payloads.md). */
export {
  decodeLatentSample,
  encodeLatents,
  type LatentCoding,
  type LatentPredictor,
  latentCodingSyntax,
} from './latents.js';
export {
  type CodedTensor,
  type CodedTensorGroup,
  codedTensorGroupSyntax,
  codedTensorMode,
  decodeTensorGroup,
  encodeTensorGroup,
  MIN_CHANNEL_ROW_ELEMENTS,
  PARAM_GROUP_CODES,
} from './tensor-group.js';
