/**
 * Projection ↔ `lirA` box (src/container/boxes/lira.ts, spec/07-semantic-box.md), and finding the box in a
 * chunk. The projection is quantized per tensor at PROJECTION_BITS and Huffman-coded like model
 * weights (spec §5.2); the identity travels as a flag. Platform-neutral.
 */
import {
  LIRA_BIAS_TENSOR,
  LIRA_IDENTITY,
  LIRA_WEIGHT_TENSOR,
  type LiraBox,
} from '../../container/boxes/lira.js';
import { ContainerError } from '../../container/errors.js';
import type { LirnChunk } from '../../container/lirn-file.js';
import { decodeTensorGroup, encodeTensorGroup } from '../coding/index.js';
import { PROJ_BIAS, PROJ_WEIGHT, type Projection, validateProjection } from './projection.js';

/**
 * Projection coding: 6 bits, one range for each tensor. Measured on a trained 160×32 projection (built-in
 * features, profile S): 3.6 kB per chunk and projected latents within cosine 0.9997 of the float projection's
 * (10 bits per row: 8.1 kB, 0.999999; 6 bits per row: 5.3 kB, 0.99986; 4 bits: 2.2 kB, 0.9946). Neighbouring
 * frames' features differ by far more (cosine ≈ 0.98), so retrieval does not notice.
 */
export const PROJECTION_BITS = 6;

/** What a chunk's latents were aligned with and how to map them there. */
export interface ChunkAlignment {
  featureSpace: string;
  lambda: number;
  projection: Projection;
}

export function alignmentBox(a: ChunkAlignment, bits = PROJECTION_BITS): LiraBox {
  const p = validateProjection(a.projection);
  const box: LiraBox = {
    type: 'lirA',
    version: 0,
    flags: p.identity ? LIRA_IDENTITY : 0,
    feature_dim: p.featureDim,
    latent_dim: p.latentDim,
    lambda: a.lambda,
    feature_space: a.featureSpace,
  };
  if (!p.identity) {
    box.projection = encodeTensorGroup(
      'hyper',
      [
        { name: PROJ_WEIGHT, tensor: { shape: [p.featureDim, p.latentDim], data: p.weight } },
        { name: PROJ_BIAS, tensor: { shape: [p.featureDim], data: p.bias } },
      ],
      bits,
      'tensor',
    );
  }
  return box;
}

export function projectionFromBox(box: LiraBox): ChunkAlignment {
  const identity = ((box.flags ?? 0) & LIRA_IDENTITY) !== 0;
  const base = { featureSpace: box.feature_space, lambda: box.lambda };
  if (identity) {
    const d = box.latent_dim;
    return {
      ...base,
      projection: {
        featureDim: d,
        latentDim: d,
        identity,
        weight: new Float32Array(0),
        bias: new Float32Array(0),
      },
    };
  }
  if (!box.projection)
    throw new ContainerError('bad-value', 'lirA', box.offset ?? 0, 'no projection tensors');
  const tensors = new Map(decodeTensorGroup(box.projection).map((t) => [t.name, t.tensor.data]));
  return {
    ...base,
    projection: {
      featureDim: box.feature_dim,
      latentDim: box.latent_dim,
      identity,
      weight: tensors.get(LIRA_WEIGHT_TENSOR)!,
      bias: tensors.get(LIRA_BIAS_TENSOR)!,
    },
  };
}

/** The chunk's `lirA` box, if it has one (it rides in LirnChunk.extraBoxes, after lirL); at most one (spec §7.1). */
export function findAlignmentBox(chunk: LirnChunk): LiraBox | undefined {
  const boxes = (chunk.extraBoxes ?? []).filter((b): b is LiraBox => b.type === 'lirA');
  if (boxes.length > 1)
    throw new ContainerError(
      'wrong-order',
      'lirA',
      boxes[1].offset ?? 0,
      `the sample entry of the chunk at frame ${chunk.firstFrame} has ${boxes.length} lirA boxes`,
    );
  return boxes[0];
}

/** The chunk's alignment, checked against its model (latent dim); undefined when it has no `lirA`. */
export function chunkAlignment(chunk: LirnChunk): ChunkAlignment | undefined {
  const box = findAlignmentBox(chunk);
  if (!box) return undefined;
  if (box.latent_dim !== chunk.config.latent.dim)
    throw new ContainerError(
      'bad-value',
      'lirA',
      box.offset ?? 0,
      `latent_dim ${box.latent_dim} ≠ the model's latent dim ${chunk.config.latent.dim}`,
    );
  return projectionFromBox(box);
}

/** The chunk with `a` as its `lirA` box (replacing an existing one). */
export function withAlignmentBox(chunk: LirnChunk, a: ChunkAlignment): LirnChunk {
  const others = (chunk.extraBoxes ?? []).filter((b) => b.type !== 'lirA');
  return { ...chunk, extraBoxes: [...others, alignmentBox(a)] };
}
