/** The `lirn` ISO-BMFF container: public entry point (platform-neutral). */
export type { Box, BoxSizeForm, OpaqueBox } from './box.js';
export { readBoxes, writeBoxes } from './box-io.js';
export { type ByteBreakdown, byteBreakdown } from './breakdown.js';
export { ContainerError, type ContainerErrorDetails } from './errors.js';
export { initSegmentForChunk, isInitSegment, joinHlsPieces, mediaSegment } from './hls.js';
export { type ChunkConfiguration, decodeLircPayload, encodeLircPayload } from './lirc-payload.js';
export {
  DEFAULT_COMPATIBLE_BRANDS,
  LIRN_BRAND,
  type LirnChunk,
  type LirnFile,
  type LirnHeader,
  type LirnSegment,
} from './lirn-file.js';
export { formatFields, printBoxTree } from './print.js';
export { readInitSegment, readLirnFile, readMediaSegment } from './read-file.js';
export { writeInitSegment, writeLirnFile, writeMediaSegment } from './write-file.js';
