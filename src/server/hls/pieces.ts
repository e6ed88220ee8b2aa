/**
 * The Latent-INR rendition on disk: `init-<k>.mp4` per chunk and `seg-<i>.m4s` per segment (the container's HLS
 * pieces, spec §3.7), each written once, atomically. Pieces are immutable: publishing a piece that already exists
 * with the same bytes is a no-op, with other bytes an error (a client may have cached the old one forever).
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { initSegmentForChunk, mediaSegment } from '../../container/hls.js';
import type { LirnFile } from '../../container/lirn-file.js';
import { writeFileAtomic } from '../../media/files.js';
import type { PublishedSegment } from '../storage/meta.js';

export const initName = (chunk: number) => `init-${chunk}.mp4`;
export const segmentName = (index: number) => `seg-${index}.m4s`;

export class ImmutablePieceChanged extends Error {
  constructor(readonly piece: string) {
    super(`${piece} was already published with different bytes`);
    this.name = 'ImmutablePieceChanged';
  }
}

async function writeOnce(dir: string, name: string, bytes: Uint8Array): Promise<void> {
  const path = join(dir, name);
  const existing = await readFile(path).catch(() => null);
  if (existing) {
    if (Buffer.compare(existing, bytes) !== 0) throw new ImmutablePieceChanged(name);
    return;
  }
  await writeFileAtomic(path, bytes);
}

export interface PublishedChunk {
  initBytes: number;
  segments: PublishedSegment[];
}

/**
 * Writes chunk k's init segment and its media segments. `file` holds at least chunks 0..k and every segment up to
 * the chunk's last (segment indices are global, so they match the finished file's).
 */
export async function publishChunk(dir: string, file: LirnFile, k: number): Promise<PublishedChunk> {
  await mkdir(dir, { recursive: true });
  const init = initSegmentForChunk(file, k);
  const segments: PublishedSegment[] = [];
  const writes: Array<[string, Uint8Array]> = [];
  file.segments.forEach((seg, i) => {
    if (seg.chunkIndex !== k) return;
    const bytes = mediaSegment(file, i);
    writes.push([segmentName(i), bytes]);
    segments.push({ chunk: k, firstFrame: seg.firstFrame, frames: seg.samples.length, bytes: bytes.length });
  });
  for (const [name, bytes] of writes) await writeOnce(dir, name, bytes);
  // The init goes last: a chunk counts as published once its init exists.
  await writeOnce(dir, initName(k), init);
  return { initBytes: init.length, segments };
}
