/** LirnFile → bytes: the whole file, or its init segment (ftyp + moov) and media segments separately. */
import { writeBoxes } from './box-io.js';
import { fragmentBoxes, ftypBox, moovBox } from './build-tree.js';
import type { LirnFile, LirnHeader, LirnSegment } from './lirn-file.js';

/** ftyp, moov with one sample entry per chunk, then one moof + mdat per segment. */
export function writeLirnFile(file: LirnFile): Uint8Array {
  const boxes = [ftypBox(file), moovBox(file)];
  file.segments.forEach((seg, i) => boxes.push(...fragmentBoxes(file, seg, seg.sequenceNumber ?? i + 1, seg.chunkIndex + 1)));
  return writeBoxes(boxes);
}

/** ftyp + moov describing every chunk of `header`. */
export function writeInitSegment(header: LirnHeader): Uint8Array {
  return writeBoxes([ftypBox(header), moovBox(header)]);
}

/**
 * moof + mdat of one segment. `sampleDescriptionIndex` defaults to the chunk's entry in `header`
 * (chunkIndex + 1); pass 1 for use with a per-chunk init segment.
 */
export function writeMediaSegment(header: LirnHeader, seg: LirnSegment, sequenceNumber: number, sampleDescriptionIndex = seg.chunkIndex + 1): Uint8Array {
  return writeBoxes(fragmentBoxes(header, seg, sequenceNumber, sampleDescriptionIndex));
}
