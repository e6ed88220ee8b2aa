/**
 * Stages 1–2 of the decoding process (spec §4.1–4.2) for conformance: every dequantized tensor of a chunk,
 * named and in `paramSpecs` order (the latent table first), each with the SHA-256 of its float32 bit patterns.
 */

import type { LirnFile } from '../../container/lirn-file.js';
import { decodeChunkModel } from '../decoder/chunk-model.js';
import type { Model } from '../model/model.js';
import { paramSpecs } from '../model/params.js';
import { float32Sha256 } from './sha256.js';

export interface DecodedTensor {
  name: string;
  shape: number[];
  data: Float32Array;
}

/**
 * The chunk's model: weights from `lirW`, latent rows from the samples of its segments. `input` is the file's
 * bytes, used only to report a bad sample at its absolute offset (samples are views into it).
 */
export function decodeChunkForConformance(file: LirnFile, chunkIndex: number, input?: Uint8Array): Model {
  const chunk = file.chunks[chunkIndex];
  if (!chunk) throw new RangeError(`no chunk ${chunkIndex} (the file has ${file.chunks.length})`);
  return decodeChunkModel(
    chunk,
    file.segments.filter((s) => s.chunkIndex === chunkIndex),
    input,
  );
}

/** Every tensor of a decoded chunk model in `paramSpecs` order. */
export function modelTensors(model: Model): DecodedTensor[] {
  const frames = model.params.get('latents')?.shape[0] ?? 0;
  return paramSpecs(model.config, frames).map((spec) => {
    const t = model.params.get(spec.name)!;
    return { name: spec.name, shape: [...t.shape], data: t.data };
  });
}

export function tensorHashes(model: Model): Array<{ name: string; shape: number[]; sha256: string }> {
  return modelTensors(model).map((t) => ({ name: t.name, shape: t.shape, sha256: float32Sha256(t.data) }));
}
