/**
 * Small deterministic `.lirn` test vectors built from real coded payloads: a seeded model is quantized and
 * Huffman-coded by src/codec/coding, then laid out in chunks and segments. Used by the container tests and
 * bench/fuzz.ts.
 */
import { type CodedTensorGroup, encodeLatents, encodeTensorGroup } from '../../src/codec/coding/index.js';
import { hashGrid, type ModelConfig, profileConfig } from '../../src/codec/model/config.js';
import { initParams } from '../../src/codec/model/init.js';
import { type ParamGroup, paramSpecs, type Tensor } from '../../src/codec/model/params.js';
import {
  DEFAULT_COMPATIBLE_BRANDS,
  LIRN_BRAND,
  type LirnChunk,
  type LirnFile,
  type LirnSegment,
} from '../../src/container/index.js';

/** The smallest sensible model: 2 hash-grid levels, width 4, rank 1, latent dim 4. */
export function tinyConfig(): ModelConfig {
  return {
    version: 1,
    encoding: hashGrid(2, 2, 4, 2, 4),
    base: {
      otype: 'ModulatedMLP',
      n_neurons: 4,
      n_hidden_layers: 1,
      activation: 'ReLU',
      output_activation: 'None',
    },
    modulation: { layers: [1], rank: 1, hyper_hidden: [4], activation: 'Tanh' },
    latent: { dim: 4, init_std: 0.05 },
    patch: null,
  };
}

export interface ChunkPlan {
  /** Frames in each segment of this chunk. */
  segments: number[];
  config?: ModelConfig;
  width?: number;
  height?: number;
}

export interface VectorOptions {
  chunks: ChunkPlan[];
  seed?: number;
  bits?: number;
  timescale?: number;
  sampleDuration?: number;
}

function codeChunk(
  config: ModelConfig,
  frames: number,
  seed: number,
  bits: number,
): { weights: CodedTensorGroup[]; chunkLatents: ReturnType<typeof encodeLatents> } {
  const params = initParams(config, frames, seed);
  const byGroup = new Map<ParamGroup, Array<{ name: string; tensor: Tensor }>>();
  for (const spec of paramSpecs(config, frames)) {
    if (spec.group === 'latents') continue;
    const list = byGroup.get(spec.group) ?? [];
    list.push({ name: spec.name, tensor: params.get(spec.name) as Tensor });
    byGroup.set(spec.group, list);
  }
  const weights = [...byGroup].map(([group, tensors]) => encodeTensorGroup(group, tensors, bits, 'channel'));
  const chunkLatents = encodeLatents(params.get('latents') as Tensor, bits, 'channel');
  return { weights, chunkLatents };
}

export function buildVector(options: VectorOptions): LirnFile {
  const seed = options.seed ?? 1;
  const bits = options.bits ?? 8;
  const chunks: LirnChunk[] = [];
  const segments: LirnSegment[] = [];
  const sampleDuration = options.sampleDuration ?? 1000;
  let frame = 0;
  options.chunks.forEach((plan, k) => {
    const config = plan.config ?? tinyConfig();
    const frameCount = plan.segments.reduce((a, b) => a + b, 0);
    const { weights, chunkLatents } = codeChunk(config, frameCount, seed + k, bits);
    chunks.push({
      width: plan.width ?? 32,
      height: plan.height ?? 24,
      config,
      firstFrame: frame,
      frameCount,
      weights,
      latentCoding: chunkLatents.coding,
    });
    let at = 0;
    for (const n of plan.segments) {
      segments.push({
        chunkIndex: k,
        firstFrame: frame + at,
        baseMediaDecodeTime: (frame + at) * sampleDuration,
        samples: chunkLatents.samples.slice(at, at + n),
      });
      at += n;
    }
    frame += frameCount;
  });
  return {
    majorBrand: LIRN_BRAND,
    minorVersion: 0,
    compatibleBrands: [...DEFAULT_COMPATIBLE_BRANDS],
    timescale: options.timescale ?? 24000,
    sampleDuration,
    frameCount: frame,
    displayWidth: options.chunks[0]?.width ?? 32,
    displayHeight: options.chunks[0]?.height ?? 24,
    chunks,
    segments,
  };
}

/** Two chunks (3 + 2 frames, then 2 frames) with tiny models: about 1 kB, cheap to mutate exhaustively. */
export function smallVector(): LirnFile {
  return buildVector({ chunks: [{ segments: [3, 2] }, { segments: [2] }] });
}

/** A profile-S model at 64×48 with 12 frames in 3 segments: realistic table and payload sizes. */
export function profileVector(): LirnFile {
  return buildVector({
    chunks: [
      { segments: [4, 4], config: profileConfig('S', 64, 48), width: 64, height: 48 },
      { segments: [4], width: 64, height: 48 },
    ],
  });
}
