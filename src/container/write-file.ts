/** LirnFile → bytes: the whole file, or its init segment (ftyp + moov) and media segments separately. */
import { writeBoxes } from './box-io.js';
import { fragmentBoxes, ftypBox, moovBox } from './build-tree.js';
import { ContainerError } from './errors.js';
import type { LirnFile, LirnHeader, LirnSegment } from './lirn-file.js';

function invalid(message: string): never {
  throw new ContainerError('bad-value', 'moof', 0, `cannot write: ${message}`);
}

/** ftyp, moov with one sample entry per chunk, then one moof + mdat per segment. */
export function writeLirnFile(file: LirnFile): Uint8Array {
  const boxes = [ftypBox(file), moovBox(file)];
  let nextFrame = file.chunks[0]?.firstFrame ?? 0;
  let lastSequence = 0;
  for (let i = 0; i < file.segments.length; i++) {
    const seg = file.segments[i];
    const sequence = seg.sequenceNumber ?? i + 1;
    // The reader's whole-file rules (spec §3.6), so a file this writes always reads back.
    if (seg.firstFrame !== nextFrame)
      invalid(`segment ${i} starts at frame ${seg.firstFrame}, expected ${nextFrame}`);
    if (sequence <= lastSequence)
      invalid(`segment ${i} has sequence number ${sequence} after ${lastSequence}`);
    boxes.push(...fragmentBoxes(file, seg, sequence, seg.chunkIndex + 1));
    nextFrame += seg.samples.length;
    lastSequence = sequence;
  }
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
export function writeMediaSegment(
  header: LirnHeader,
  seg: LirnSegment,
  sequenceNumber: number,
  sampleDescriptionIndex = seg.chunkIndex + 1,
): Uint8Array {
  return writeBoxes(fragmentBoxes(header, seg, sequenceNumber, sampleDescriptionIndex));
}
