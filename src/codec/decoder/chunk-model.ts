/**
 * Decoding process stages 1–2 for one chunk (spec §4.1–4.2): coded weight groups and latent samples → the
 * float32 parameters of a Model. Platform-neutral; the player's worker runs this same module.
 */

import { ContainerError } from '../../container/errors.js';
import type { LirnChunk, LirnSegment } from '../../container/lirn-file.js';
import { decodeLatentSample, decodeTensorGroup } from '../coding/index.js';
import type { Model } from '../model/model.js';
import { createParamSet, type ParamSet, paramSpecs } from '../model/params.js';

/** Dequantized weights of a chunk, every parameter but `latents` (which arrive with the media segments). */
export function decodeChunkWeights(chunk: LirnChunk): ParamSet {
  const decoded = new Map<string, Float32Array>();
  for (const group of chunk.weights) {
    for (const { name, tensor } of decodeTensorGroup(group)) {
      if (decoded.has(name))
        throw new ContainerError(
          'bad-value',
          'lirW',
          group.payloadOffset ?? 0,
          `chunk at frame ${chunk.firstFrame}: parameter '${name}' is coded twice`,
        );
      decoded.set(name, tensor.data);
    }
  }
  const params = createParamSet(paramSpecs(chunk.config, chunk.frameCount));
  for (const [name, tensor] of params) {
    if (name === 'latents') continue;
    const data = decoded.get(name);
    if (!data)
      throw new ContainerError(
        'wrong-order',
        'lirW',
        0,
        `chunk at frame ${chunk.firstFrame}: parameter '${name}' is missing`,
      );
    if (data.length !== tensor.data.length) {
      throw new ContainerError(
        'bad-size',
        'lirW',
        0,
        `parameter '${name}' has ${data.length} values, the model needs ${tensor.data.length}`,
      );
    }
    tensor.data = data;
  }
  return params;
}

/**
 * Fills `latents` rows from a media segment of this chunk (one sample per frame). `input`, the file's bytes, is
 * used only to report a bad sample at its absolute offset (samples read from it are views into it).
 */
export function decodeSegmentLatents(
  chunk: LirnChunk,
  segment: LirnSegment,
  latents: Float32Array,
  input?: Uint8Array,
): void {
  const dim = chunk.config.latent.dim;
  const row0 = segment.firstFrame - chunk.firstFrame;
  if (row0 < 0 || row0 + segment.samples.length > chunk.frameCount) {
    throw new ContainerError(
      'bad-value',
      'moof',
      0,
      `segment frames ${segment.firstFrame}..${segment.firstFrame + segment.samples.length - 1} are outside its chunk (${chunk.firstFrame}..${chunk.firstFrame + chunk.frameCount - 1})`,
    );
  }
  for (let i = 0; i < segment.samples.length; i++) {
    const sample = segment.samples[i];
    const site = { box: 'mdat', offset: sampleOffset(sample, input) };
    latents.set(decodeLatentSample(chunk.latentCoding, sample, site), (row0 + i) * dim);
  }
}

function sampleOffset(sample: Uint8Array, input: Uint8Array | undefined): number {
  if (!input || sample.buffer !== input.buffer) return 0;
  return sample.byteOffset - input.byteOffset;
}

/** A complete model for a chunk: its weights plus the latents of every segment that belongs to it. */
export function decodeChunkModel(
  chunk: LirnChunk,
  segments: readonly LirnSegment[],
  input?: Uint8Array,
): Model {
  const params = decodeChunkWeights(chunk);
  const latents = params.get('latents')!;
  const covered = new Uint8Array(chunk.frameCount);
  for (const seg of segments) {
    decodeSegmentLatents(chunk, seg, latents.data, input);
    covered.fill(
      1,
      seg.firstFrame - chunk.firstFrame,
      seg.firstFrame - chunk.firstFrame + seg.samples.length,
    );
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
