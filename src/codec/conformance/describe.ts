/**
 * Builds manifest entries from vector bytes (the generator's side): the hashes a conforming decoder must
 * reproduce and the reference decoder's frames. Uses the same decoding code as the checks, so an entry describes
 * exactly what `checkVector` will compare.
 */
import { ContainerError } from '../../container/errors.js';
import { readLirnFile } from '../../container/read-file.js';
import { createRenderer } from '../render/renderer.js';
import { rejectionOf } from './check.js';
import type { MalformedEntry, TensorEntry, VectorEntry } from './manifest.js';
import { sha256Hex } from './sha256.js';
import { decodeChunkForConformance, tensorHashes } from './tensors.js';

export interface FrameRequest {
  chunk: number;
  t: number;
  width: number;
  height: number;
}

export interface VectorDescription {
  file: string;
  referenceFramesFile: string;
  description: string;
  covers: string[];
  frames: FrameRequest[];
}

export function describeVector(
  bytes: Uint8Array,
  d: VectorDescription,
): { entry: VectorEntry; referenceFrames: Uint8Array } {
  const file = readLirnFile(bytes);
  const models = file.chunks.map((_, k) => decodeChunkForConformance(file, k, bytes));
  const chunks = file.chunks.map((chunk, k) => {
    const quant = new Map<string, { bits: number; mode: 'tensor' | 'channel' }>();
    for (const g of chunk.weights)
      for (const t of g.tensors) quant.set(t.name, { bits: t.bits, mode: t.mode });
    quant.set('latents', { bits: chunk.latentCoding.bits, mode: chunk.latentCoding.mode });
    const tensors: TensorEntry[] = tensorHashes(models[k]).map((t) => ({
      name: t.name,
      shape: t.shape,
      ...quant.get(t.name)!,
      sha256: t.sha256,
    }));
    return {
      first_frame: chunk.firstFrame,
      frame_count: chunk.frameCount,
      width: chunk.width,
      height: chunk.height,
      tensors,
    };
  });
  const renderers = models.map((m) => createRenderer(m));
  const parts: Uint8Array[] = [];
  let offset = 0;
  const frames = d.frames.map((f) => {
    const rgb = renderers[f.chunk].renderFrameRgb8(f.t, f.width, f.height);
    parts.push(rgb);
    const at = offset;
    offset += rgb.length;
    return { ...f, offset: at, sha256: sha256Hex(rgb) };
  });
  const referenceFrames = new Uint8Array(offset);
  let at = 0;
  for (const p of parts) {
    referenceFrames.set(p, at);
    at += p.length;
  }
  return {
    entry: {
      file: d.file,
      sha256: sha256Hex(bytes),
      bytes: bytes.length,
      description: d.description,
      covers: d.covers,
      frame_count: file.frameCount,
      display_width: file.displayWidth,
      display_height: file.displayHeight,
      chunks,
      reference_frames: {
        file: d.referenceFramesFile,
        sha256: sha256Hex(referenceFrames),
        bytes: referenceFrames.length,
      },
      frames,
    },
    referenceFrames,
  };
}

/** The entry of a malformed vector: how stages 1–2 reject it. Throws if they accept it. */
export function describeMalformed(
  bytes: Uint8Array,
  file: string,
  derivedFrom: string,
  mutation: string,
): MalformedEntry {
  const { error } = rejectionOf(bytes);
  if (!error) throw new Error(`malformed vector ${file} (${mutation}) is accepted`);
  const e = error.error;
  if (!(e instanceof ContainerError))
    throw new Error(`malformed vector ${file} fails with a non-container error: ${String(e)}`);
  return {
    file,
    sha256: sha256Hex(bytes),
    bytes: bytes.length,
    derived_from: derivedFrom,
    mutation,
    stage: error.stage,
    error: { details: e.details, box: e.box, offset: e.offset },
  };
}
