/**
 * Trained model → coded chunk: quantize + Huffman-code every parameter group into `lirW` groups, and the
 * latents into one sample per frame with their `lirL` coding parameters.
 */
import type { LirnChunk } from '../../container/lirn-file.js';
import { encodeLatents, encodeTensorGroup } from '../coding/index.js';
import type { ModelConfig } from '../model/config.js';
import { getParam, type ParamGroup, type ParamSet, paramSpecs } from '../model/params.js';
import { type BitAllocation, DEFAULT_BIT_ALLOCATION } from './bit-allocation.js';

export interface PackedChunk {
  chunk: LirnChunk;
  /** Coded latent of each frame of the chunk, in order. */
  samples: Uint8Array[];
}

export function packChunk(
  config: ModelConfig,
  params: ParamSet,
  frame: { width: number; height: number; firstFrame: number; frameCount: number },
  bits: BitAllocation = DEFAULT_BIT_ALLOCATION,
): PackedChunk {
  const specs = paramSpecs(config, frame.frameCount);
  const groups = new Map<
    ParamGroup,
    Array<{ name: string; tensor: { shape: number[]; data: Float32Array } }>
  >();
  for (const spec of specs) {
    if (spec.group === 'latents') continue;
    const tensor = getParam(params, spec.name);
    const list = groups.get(spec.group) ?? [];
    list.push({ name: spec.name, tensor: { shape: spec.shape, data: tensor.data } });
    groups.set(spec.group, list);
  }
  const weights = [...groups].map(([group, tensors]) =>
    encodeTensorGroup(group, tensors, bits[group].bits, bits[group].mode),
  );
  const latents = getParam(params, 'latents');
  const { coding, samples } = encodeLatents(
    { shape: [frame.frameCount, config.latent.dim], data: latents.data },
    bits.latents.bits,
    bits.latents.mode,
  );
  return {
    chunk: {
      width: frame.width,
      height: frame.height,
      config,
      firstFrame: frame.firstFrame,
      frameCount: frame.frameCount,
      weights,
      latentCoding: coding,
    },
    samples,
  };
}
