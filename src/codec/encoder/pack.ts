/**
 * Trained model → coded chunk: quantize + Huffman-code every parameter group into `lirW` groups, and the
 * latents into one sample per frame with their `lirL` coding parameters.
 */
import type { LirnChunk } from '../../container/lirn-file.js';
import { encodeLatents, encodeTensorGroup } from '../coding/index.js';
import type { ModelConfig } from '../model/config.js';
import { getParam, type ParamGroup, type ParamSet, paramSpecs } from '../model/params.js';
import type { QuantMode } from '../quant/index.js';
import { type BitAllocation, DEFAULT_BIT_ALLOCATION } from './bit-allocation.js';
import type { TensorBits, TensorModes } from './rd-allocation.js';

export interface PackedChunk {
  chunk: LirnChunk;
  /** Coded latent of each frame of the chunk, in order. */
  samples: Uint8Array[];
}

/**
 * How Huffman tables are shared (spec §5.2: a `lirW` box may hold several coded groups of one parameter group):
 * 'group' codes each parameter group with one table; 'tensor' gives every tensor of at least
 * SEPARATE_TABLE_MIN_ELEMENTS elements its own table (its symbols' distribution is its own: hash levels differ,
 * and per-tensor depths would otherwise share a table made for another depth), the smaller ones sharing one.
 */
export type TableSharing = 'group' | 'tensor';

export const SEPARATE_TABLE_MIN_ELEMENTS = 1024;
/** group_count is a u8; the rest of a parameter group shares the last table. */
const MAX_CODED_GROUPS = 255;

export interface PackOptions {
  /** Per-tensor depths overriding their group's (rd-allocation.ts). */
  tensorBits?: TensorBits;
  /** Per-tensor quantization modes overriding the group's policy (rd-allocation.ts). */
  tensorModes?: TensorModes;
  /** Default 'group' (the layout of files before per-tensor tables, and of the conformance vectors). */
  tables?: TableSharing;
}

export function packChunk(
  config: ModelConfig,
  params: ParamSet,
  frame: { width: number; height: number; firstFrame: number; frameCount: number },
  bits: BitAllocation = DEFAULT_BIT_ALLOCATION,
  options: PackOptions = {},
): PackedChunk {
  const tensorBits = options.tensorBits ?? {};
  const tensorModes = options.tensorModes ?? {};
  const specs = paramSpecs(config, frame.frameCount);
  const groups = new Map<ParamGroup, CodedInput[]>();
  for (const spec of specs) {
    if (spec.group === 'latents') continue;
    const tensor = getParam(params, spec.name);
    const list = groups.get(spec.group) ?? [];
    list.push({
      name: spec.name,
      tensor: { shape: spec.shape, data: tensor.data },
      bits: tensorBits[spec.name],
      mode: tensorModes[spec.name],
    });
    groups.set(spec.group, list);
  }
  const weights = tableRuns(groups, options.tables ?? 'group').map(([group, tensors]) =>
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

type CodedInput = {
  name: string;
  tensor: { shape: number[]; data: Float32Array };
  bits?: number;
  mode?: QuantMode;
};

/** The coded groups to write: one per parameter group, or one per large tensor plus one for the rest. */
function tableRuns(
  groups: Map<ParamGroup, CodedInput[]>,
  sharing: TableSharing,
): Array<[ParamGroup, CodedInput[]]> {
  if (sharing === 'group') return [...groups];
  const runs: Array<[ParamGroup, CodedInput[]]> = [];
  let budget = MAX_CODED_GROUPS - groups.size;
  for (const [group, tensors] of groups) {
    const rest: CodedInput[] = [];
    for (const t of tensors) {
      if (t.tensor.data.length >= SEPARATE_TABLE_MIN_ELEMENTS && budget > 0) {
        runs.push([group, [t]]);
        budget--;
      } else rest.push(t);
    }
    if (rest.length) runs.push([group, rest]);
  }
  return runs;
}
