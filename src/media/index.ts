/** Media in and out through node-av: probing, decoding to RGB24, encoding to MP4, synthetic clips. */
export type { ColourMatrix, ColourRange } from './colour.js';
export { type DecodedClip, type DecodedFrame, decodeVideo, readFrames } from './decode.js';
export {
  type EncodeOptions,
  type EncodePixelFormat,
  type EncodeResult,
  encodeVideo,
  type VideoCodec,
} from './encode.js';
export { isMediaError, MAX_DIMENSION, MediaError, type MediaErrorDetails } from './errors.js';
export { type ProbeOptions, probeVideo } from './probe.js';
export { type SyntheticOptions, type SyntheticScene, syntheticClip, syntheticScene } from './synthetic.js';
export { type SyntheticMp4Options, writeSyntheticMp4 } from './synthetic-mp4.js';
export type { CropRect, DecodeOptions, Rational, RgbFrame, ScaleFilter, VideoInfo } from './types.js';
