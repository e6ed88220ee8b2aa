/**
 * Stages 1–2 of the decoding process (spec §4.1–4.2) for conformance: every dequantized tensor of a chunk,
 * named and in `paramSpecs` order (the latent table first), each with the SHA-256 of its float32 bit patterns.
 */

import { ContainerError } from '../../container/errors.js';
import type { LirnFile } from '../../container/lirn-file.js';
import { decodeLatentSample } from '../coding/index.js';
import { decodeChunkWeights } from '../decoder/chunk-model.js';
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
  const params = decodeChunkWeights(chunk);
  const latents = params.get('latents')!.data;
  const dim = chunk.config.latent.dim;
  const covered = new Uint8Array(chunk.frameCount);
  for (const segment of file.segments) {
    if (segment.chunkIndex !== chunkIndex) continue;
    const row0 = segment.firstFrame - chunk.firstFrame;
    segment.samples.forEach((sample, i) => {
      const row = row0 + i;
      if (row < 0 || row >= chunk.frameCount) {
        throw new ContainerError(
          'bad-value',
          'moof',
          0,
          `frame ${segment.firstFrame + i} is outside its chunk`,
        );
      }
      const site = { box: 'mdat', offset: sampleOffset(sample, input) };
      latents.set(decodeLatentSample(chunk.latentCoding, sample, site), row * dim);
      covered[row] = 1;
    });
  }
  const missing = covered.indexOf(0);
  if (missing >= 0) {
    throw new ContainerError(
      'wrong-order',
      'moof',
      0,
      `no sample carries the latent of frame ${chunk.firstFrame + missing}`,
    );
  }
  return { config: chunk.config, params };
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

function sampleOffset(sample: Uint8Array, input: Uint8Array | undefined): number {
  if (!input || sample.buffer !== input.buffer) return 0;
  return sample.byteOffset - input.byteOffset;
}
