/**
 * HLS pieces of a `.lirn` file (spec/03-semantics.md §3.6). Chunk k's init segment is ftyp + a moov whose stsd
 * holds only chunk k's sample entry; a media segment is its moof + mdat with sample_description_index 1, so
 * it pairs with its chunk's init (EXT-X-MAP). Joining the pieces in playback order rebuilds the file.
 */
import { ContainerError } from './errors.js';
import type { LirnChunk, LirnFile, LirnHeader, LirnSegment } from './lirn-file.js';
import { readInitSegment, readMediaSegment } from './read-file.js';
import { writeInitSegment, writeMediaSegment } from './write-file.js';

function chunkOf(file: LirnHeader, k: number): LirnChunk {
  const chunk = file.chunks[k];
  if (!chunk) throw new RangeError(`chunk ${k} does not exist (the file has ${file.chunks.length})`);
  return chunk;
}

/** Init segment (EXT-X-MAP) for the media segments of chunk k. */
export function initSegmentForChunk(file: LirnHeader, k: number): Uint8Array {
  return writeInitSegment({ ...file, chunks: [chunkOf(file, k)] });
}

/** Media segment i, to be used with `initSegmentForChunk(file, file.segments[i].chunkIndex)`. */
export function mediaSegment(file: LirnFile, segmentIndex: number): Uint8Array {
  const seg = file.segments[segmentIndex];
  if (!seg)
    throw new RangeError(`segment ${segmentIndex} does not exist (the file has ${file.segments.length})`);
  return writeMediaSegment(file, seg, seg.sequenceNumber ?? segmentIndex + 1, 1);
}

/** True when the piece starts with an `ftyp` box (an init segment); media segments start with moof/styp. */
export function isInitSegment(piece: Uint8Array): boolean {
  return (
    piece.length >= 8 && piece[4] === 0x66 && piece[5] === 0x74 && piece[6] === 0x79 && piece[7] === 0x70
  );
}

const SAME_HEADER_FIELDS = [
  'majorBrand',
  'minorVersion',
  'timescale',
  'sampleDuration',
  'frameCount',
  'displayWidth',
  'displayHeight',
] as const;

function joinFail(piece: number, message: string): never {
  throw new ContainerError('bad-value', `piece ${piece}`, 0, message);
}

/**
 * Rebuilds one file from HLS pieces in playback order: each init segment (chunk order, each once) followed by
 * the media segments that use it. Media segments are read against the most recent init segment.
 */
export function joinHlsPieces(pieces: readonly Uint8Array[]): LirnFile {
  let file: LirnFile | undefined;
  let current: LirnHeader | undefined;
  let chunkBase = 0;
  let nextFrame = 0;
  for (let i = 0; i < pieces.length; i++) {
    const piece = pieces[i];
    if (isInitSegment(piece)) {
      const h = readInitSegment(piece);
      if (!file) {
        file = { ...h, compatibleBrands: [...h.compatibleBrands], chunks: [], segments: [] };
        nextFrame = h.chunks[0].firstFrame;
      }
      for (const key of SAME_HEADER_FIELDS)
        if (h[key] !== file[key])
          joinFail(i, `${key} ${h[key]} differs from the first init segment's ${file[key]}`);
      if (h.compatibleBrands.join() !== file.compatibleBrands.join())
        joinFail(i, 'compatible brands differ from the first init segment');
      const last = file.chunks[file.chunks.length - 1];
      if (last && h.chunks[0].firstFrame !== last.firstFrame + last.frameCount)
        joinFail(
          i,
          `chunk starts at frame ${h.chunks[0].firstFrame}, expected ${last.firstFrame + last.frameCount}`,
        );
      chunkBase = file.chunks.length;
      file.chunks.push(...h.chunks);
      current = h;
      continue;
    }
    if (!file || !current) joinFail(i, 'a media segment comes before any init segment');
    const seg: LirnSegment = readMediaSegment(piece, current);
    if (seg.firstFrame !== nextFrame)
      joinFail(i, `segment starts at frame ${seg.firstFrame}, expected ${nextFrame}`);
    nextFrame += seg.samples.length;
    file.segments.push({ ...seg, chunkIndex: seg.chunkIndex + chunkBase });
  }
  if (!file) throw new ContainerError('wrong-order', '', 0, 'no init segment among the pieces');
  return file;
}
