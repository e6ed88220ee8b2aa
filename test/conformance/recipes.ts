/**
 * The conformance vectors, as recipes: each builds a `.lirn` file deterministically from fixed seeds. Trained
 * vectors train on the native engine pinned to its generic kernels and one thread, so the same addon build
 * gives the same bytes; untrained ones (seeded parameters plus seeded perturbations) are the same everywhere.
 * Malformed vectors are byte mutations of a valid one. Run `npx tsx test/conformance/generate.ts` to rewrite.
 */

import type { FrameRequest } from '../../src/codec/conformance/index.js';
import { type BitAllocation, EIGHT_BIT_ALLOCATION } from '../../src/codec/encoder/bit-allocation.js';
import { type PackOptions, packChunk } from '../../src/codec/encoder/pack.js';
import { nativeEngineFactory } from '../../src/codec/engine/native/index.js';
import {
  applyAspect,
  type HashGridEncodingConfig,
  hashGrid,
  type ModelConfig,
} from '../../src/codec/model/config.js';
import { initParams } from '../../src/codec/model/init.js';
import type { ParamSet } from '../../src/codec/model/params.js';
import { encodeChunked } from '../../src/codec/segmenter/encode.js';
import { createRng } from '../../src/codec/util/random.js';
import {
  DEFAULT_COMPATIBLE_BRANDS,
  LIRN_BRAND,
  type LirnChunk,
  type LirnFile,
  type LirnSegment,
  readBoxes,
  readLirnFile,
  writeLirnFile,
} from '../../src/container/index.js';
import { memorySource } from '../../src/media/source.js';
import { syntheticClip } from '../../src/media/synthetic.js';

export interface VectorRecipe {
  name: string;
  description: string;
  covers: string[];
  /** Trained on the native engine (regenerating needs the addon and takes seconds). */
  trained: boolean;
  build(): Promise<LirnFile>;
}

export interface MalformedRecipe {
  name: string;
  from: string;
  mutation: string;
  mutate(bytes: Uint8Array): Uint8Array;
}

function mlp(width: number, hidden: number): ModelConfig['base'] {
  return {
    otype: 'ModulatedMLP',
    n_neurons: width,
    n_hidden_layers: hidden,
    activation: 'ReLU',
    output_activation: 'None',
  };
}

/** The model of the trained hash-grid vectors around their grid: width 32, rank 4 on layer 1, latent 16. */
function trainedGridModel(encoding: HashGridEncodingConfig): ModelConfig {
  return {
    version: 1,
    encoding,
    base: mlp(32, 2),
    modulation: { layers: [1], rank: 4, hyper_hidden: [16], activation: 'Tanh' },
    latent: { dim: 16, init_std: 0.05 },
    patch: null,
  };
}

function bits(
  latents: [number, 'tensor' | 'channel'],
  encoding: [number, 'tensor' | 'channel'],
  base: [number, 'tensor' | 'channel'],
  hyper: [number, 'tensor' | 'channel'],
  patch: [number, 'tensor' | 'channel'] = [8, 'channel'],
): BitAllocation {
  const g = ([b, mode]: [number, 'tensor' | 'channel']) => ({ bits: b, mode });
  return { latents: g(latents), encoding: g(encoding), base: g(base), hyper: g(hyper), patch: g(patch) };
}

/**
 * Seeded initial parameters pushed away from their near-zero start (hash tables ±1e-4, zero biases), so frames
 * show structure that depends on every tensor, and kept mostly inside the unclamped output range.
 */
function perturbedParams(config: ModelConfig, frames: number, seed: number, outputGain = 0.25): ParamSet {
  const params = initParams(config, frames, seed);
  const rng = createRng(seed ^ 0x5eed);
  // The layer that makes the output channels: the patch conv, else the last base layer.
  const last = config.patch ? 'patch.conv' : `base.${config.base.n_hidden_layers}`;
  for (const [name, t] of params) {
    const d = t.data;
    for (let i = 0; i < d.length; i++) {
      if (name === 'latents') d[i] = rng.normal();
      else if (name.startsWith('encoding.')) d[i] = rng.uniform(-1, 1);
      else if (name === `${last}.bias`) d[i] = rng.uniform(0.4, 0.6);
      else if (name.endsWith('.bias')) d[i] = rng.uniform(-0.2, 0.2);
      else if (name === `${last}.weight`) d[i] *= outputGain * rng.uniform(0.5, 1.5);
      else d[i] *= rng.uniform(0.5, 1.5);
    }
  }
  return params;
}

/**
 * Overwrites the affine warp's latent components (spec §4.3.2.1) of every frame with a smooth camera motion: a pan
 * right and a tilt up with a slowly changing shear and a vertical zoom, in latent units (times `warp.scale` they
 * are coordinate offsets: u from −0.05 to 0.2 of the frame width, d from −0.1 to −0.07). Every frame, the first
 * included, is warped, and the edge pixels are pushed past 0 or 1, so the clamp matters too.
 */
function affinePan(config: ModelConfig, params: ParamSet, frames: number): void {
  const z = params.get('latents')!.data;
  const dim = config.latent.dim;
  for (let f = 0; f < frames; f++) {
    const s = frames > 1 ? f / (frames - 1) : 0;
    z.set(
      [-0.5 + 2.5 * s, 0.6 - 1.4 * s, 0.3 + 0.3 * s, -0.4 + 0.2 * s, 0.2 - 0.4 * s, -1 + 0.3 * s],
      f * dim,
    );
  }
}

/** A whole file from per-chunk parameters and an explicit segment split (frames per segment, per chunk). */
function assemble(
  chunksIn: Array<{ config: ModelConfig; params: ParamSet; segments: number[] }>,
  size: { width: number; height: number },
  allocation: BitAllocation,
  timing: { timescale: number; sampleDuration: number },
  pack: PackOptions = {},
): LirnFile {
  const chunks: LirnChunk[] = [];
  const segments: LirnSegment[] = [];
  let first = 0;
  chunksIn.forEach(({ config, params, segments: split }, k) => {
    const frameCount = split.reduce((a, b) => a + b, 0);
    const packed = packChunk(config, params, { ...size, firstFrame: first, frameCount }, allocation, pack);
    chunks.push(packed.chunk);
    let row = 0;
    for (const n of split) {
      segments.push({
        chunkIndex: k,
        firstFrame: first + row,
        baseMediaDecodeTime: (first + row) * timing.sampleDuration,
        samples: packed.samples.slice(row, row + n),
      });
      row += n;
    }
    first += frameCount;
  });
  return {
    majorBrand: LIRN_BRAND,
    minorVersion: 0,
    compatibleBrands: [...DEFAULT_COMPATIBLE_BRANDS],
    ...timing,
    frameCount: first,
    displayWidth: size.width,
    displayHeight: size.height,
    chunks,
    segments,
  };
}

async function trainedFile(options: {
  config: ModelConfig;
  width: number;
  height: number;
  frames: number;
  fps: number;
  segmentSeconds: number;
  segmentsPerChunk: number;
  iterations: number;
  bits: BitAllocation;
  seed: number;
}): Promise<LirnFile> {
  const clip = syntheticClip({
    width: options.width,
    height: options.height,
    frames: options.frames,
    seed: options.seed,
  });
  const result = await encodeChunked({
    source: memorySource(clip, options.width, options.height, { num: options.fps, den: 1 }),
    config: options.config,
    iterations: options.iterations,
    segmentSeconds: options.segmentSeconds,
    segmentsPerChunk: options.segmentsPerChunk,
    sceneCuts: false,
    engine: nativeEngineFactory({ threads: 1, isa: 'generic' }),
    seed: options.seed,
    bits: options.bits,
    // The vectors' descriptions name their group depths; per-tensor coding has a vector of its own.
    allocation: 'group',
    pixelsPerFrame: 512,
    framesPerBatch: 4,
  });
  return result.file;
}

export const VECTORS: VectorRecipe[] = [
  {
    name: 'hashgrid-trained',
    description:
      'Trained HashGrid model (6 levels: 3 dense, 3 hashed), 48x32, 12 frames in 2 chunks of 2 segments each; ' +
      'the second chunk warm-started from the first. 8/10-bit allocation (EIGHT_BIT_ALLOCATION).',
    covers: [
      'HashGrid dense levels',
      'HashGrid hashed levels',
      'trained weights',
      '2 chunks',
      '2 segments per chunk',
      'latents 10-bit channel',
      'encoding 8-bit tensor',
      'base 10-bit channel',
      'hyper 8-bit channel',
    ],
    trained: true,
    build: () =>
      trainedFile({
        config: trainedGridModel(hashGrid(6, 2, 8, 4, 48)),
        width: 48,
        height: 32,
        frames: 12,
        fps: 6,
        segmentSeconds: 0.5,
        segmentsPerChunk: 2,
        iterations: 400,
        bits: EIGHT_BIT_ALLOCATION,
        seed: 1,
      }),
  },
  {
    name: 'hashgrid-temporal',
    description:
      'Trained spatio-temporal HashGrid model (6 levels over x, y and time: 2 dense, 3 hashed, 1 static), 40x24, ' +
      '10 frames in 2 chunks; frames at fractional times blend two time slices of the grid. 8/10-bit allocation (EIGHT_BIT_ALLOCATION).',
    covers: [
      'HashGrid spatio-temporal dense levels',
      'HashGrid spatio-temporal hashed levels',
      'HashGrid static level beside spatio-temporal ones',
      'trained weights',
      '2 chunks',
    ],
    trained: true,
    build: () => {
      const encoding = hashGrid(6, 2, 8, 4, 40);
      encoding.level_time_resolutions = [1, 2, 3, 4, 5, 0];
      return trainedFile({
        config: trainedGridModel(encoding),
        width: 40,
        height: 24,
        frames: 10,
        fps: 5,
        segmentSeconds: 1,
        segmentsPerChunk: 1,
        iterations: 300,
        bits: EIGHT_BIT_ALLOCATION,
        seed: 5,
      });
    },
  },
  {
    name: 'hashgrid-aspect',
    description:
      'Trained HashGrid model whose cells are square on its 48x20 frame (level_y_resolutions: 4x2, 7x3, 13x5, ' +
      '25x10, 48x20 cells; spatio-temporal levels 0, 1 and 3), 8 frames in 2 chunks; dense time slices of ' +
      '(N+1)(M+1) rows, and the 2x and fractional-time checks read the grid between its rows. 8/10-bit allocation.',
    covers: [
      'HashGrid non-square levels (level_y_resolutions)',
      'HashGrid non-square spatio-temporal dense levels',
      'HashGrid non-square hashed levels',
      'trained weights',
      '2 chunks',
    ],
    trained: true,
    build: () => {
      const encoding = hashGrid(5, 2, 8, 4, 48);
      applyAspect(encoding, 48, 20);
      encoding.level_time_resolutions = [2, 3, 0, 1, 0];
      return trainedFile({
        config: trainedGridModel(encoding),
        width: 48,
        height: 20,
        frames: 8,
        fps: 4,
        segmentSeconds: 1,
        segmentsPerChunk: 1,
        iterations: 300,
        bits: EIGHT_BIT_ALLOCATION,
        seed: 6,
      });
    },
  },
  {
    name: 'hashgrid-scenes',
    description:
      'Trained HashGrid model with three scenes per chunk (scene_starts [2, 4]: static levels hold a time slice ' +
      'per scene), 40x24, 12 frames in 2 chunks of 6; levels: dense static (3 slices of (N+1)(M+1) rows), ' +
      'hashed static, one spatio-temporal level beside them; the second chunk warm-started scene by scene. The ' +
      'fractional-time checks between frames 1 and 2 read scene 0. 8/10-bit allocation.',
    covers: [
      'HashGrid scenes (scene_starts) on dense static levels',
      'HashGrid scenes on hashed static levels',
      'HashGrid scenes beside a spatio-temporal level',
      'trained weights',
      '2 chunks',
    ],
    trained: true,
    build: () => {
      const encoding = hashGrid(4, 2, 9, 4, 40);
      applyAspect(encoding, 40, 24);
      encoding.level_time_resolutions = [0, 2, 0, 0];
      encoding.scene_starts = [2, 4];
      return trainedFile({
        config: trainedGridModel(encoding),
        width: 40,
        height: 24,
        frames: 12,
        fps: 6,
        segmentSeconds: 1,
        segmentsPerChunk: 1,
        iterations: 300,
        bits: EIGHT_BIT_ALLOCATION,
        seed: 8,
      });
    },
  },
  {
    name: 'fourier-4bit',
    description:
      'Trained Fourier-feature model (5 frequencies plus x, y), odd size 37x23, 8 frames in 3 segments; 4-bit ' +
      'latents, 8-bit base, 6-bit hypernetworks, one range per tensor everywhere.',
    covers: [
      'Fourier features with include_input',
      'trained weights',
      'odd frame size',
      'latents 4-bit tensor',
      'base 8-bit tensor',
      'hyper 6-bit tensor',
      '3 segments',
    ],
    trained: true,
    build: () =>
      trainedFile({
        config: {
          version: 1,
          encoding: { otype: 'Fourier', n_frequencies: 5, include_input: true },
          base: mlp(24, 2),
          modulation: { layers: [1], rank: 3, hyper_hidden: [12], activation: 'Tanh' },
          latent: { dim: 8, init_std: 0.05 },
          patch: null,
        },
        width: 37,
        height: 23,
        frames: 8,
        fps: 3,
        segmentSeconds: 1,
        segmentsPerChunk: 4,
        iterations: 300,
        bits: bits([4, 'tensor'], [8, 'tensor'], [8, 'tensor'], [6, 'tensor']),
        seed: 2,
      }),
  },
  {
    name: 'hashgrid-16bit-latents',
    description:
      'Seeded, perturbed (untrained) HashGrid model at 33x19 and 23.976 fps: 3 chunks of 5, 1 and 4 frames ' +
      '(a one-frame chunk), segments of 1 to 3 frames, 3 hidden layers with the first and last layers ' +
      'modulated by single-layer (linear) hypernetworks; 16-bit per-channel latents, 12-bit weights.',
    covers: [
      'HashGrid dense and hashed levels, 4 features per level',
      'odd frame size',
      '3 chunks',
      'one-frame chunk',
      'first and last base layers modulated',
      'linear hypernetworks (no hidden layer)',
      'latents 16-bit channel',
      'encoding 12-bit tensor',
      'base 12-bit tensor',
      'hyper 12-bit channel',
      'fractional frame rate 24000/1001',
    ],
    trained: false,
    build: async () => {
      const config: ModelConfig = {
        version: 1,
        encoding: hashGrid(3, 4, 6, 3, 9),
        base: mlp(16, 3),
        modulation: { layers: [0, 3], rank: 2, hyper_hidden: [], activation: 'Tanh' },
        latent: { dim: 6, init_std: 0.05 },
        patch: null,
      };
      const splits = [[2, 3], [1], [3, 1]];
      return assemble(
        splits.map((segments, k) => ({
          config,
          params: perturbedParams(
            config,
            segments.reduce((a, b) => a + b, 0),
            30 + k,
          ),
          segments,
        })),
        { width: 33, height: 19 },
        bits([16, 'channel'], [12, 'tensor'], [12, 'tensor'], [12, 'channel']),
        { timescale: 24000, sampleDuration: 1001 },
      );
    },
  },
  {
    name: 'patch-12bit',
    description:
      'Seeded, perturbed (untrained) patch model: patch size 3, 4 channels, a 3x3 conv + pixel shuffle, at ' +
      '31x20 (not a multiple of the patch size: the shuffled image is cropped), 5 frames in 2 segments; 12-bit ' +
      'latents and 6-bit patch conv weights, per channel.',
    covers: [
      'patch variant',
      'patch crop',
      'HashGrid dense levels only',
      'latents 12-bit channel',
      'patch 6-bit channel',
      'hyper 2 hidden layers',
    ],
    trained: false,
    build: async () => {
      const config: ModelConfig = {
        version: 1,
        encoding: hashGrid(3, 2, 10, 2, 8),
        base: mlp(12, 2),
        modulation: { layers: [1], rank: 2, hyper_hidden: [8, 8], activation: 'Tanh' },
        latent: { dim: 8, init_std: 0.05 },
        patch: { size: 3, channels: 4 },
      };
      return assemble(
        [{ config, params: perturbedParams(config, 5, 40, 1), segments: [3, 2] }],
        { width: 31, height: 20 },
        bits([12, 'channel'], [8, 'tensor'], [10, 'channel'], [8, 'channel'], [6, 'channel']),
        { timescale: 25, sampleDuration: 1 },
      );
    },
  },
  {
    name: 'fourier-tiny-2bit',
    description:
      'Seeded, perturbed (untrained) Fourier model without x, y inputs, a 5x3 frame, 3 one-frame segments; one ' +
      'hidden layer with both base layers modulated; 2-bit per-channel latents, 1-bit hypernetworks, 16-bit base.',
    covers: [
      'Fourier features without include_input',
      'tiny frame (5x3)',
      'one-frame segments',
      'every base layer modulated',
      'latents 2-bit channel',
      'hyper 1-bit channel',
      'base 16-bit channel',
    ],
    trained: false,
    build: async () => {
      const config: ModelConfig = {
        version: 1,
        encoding: { otype: 'Fourier', n_frequencies: 3, include_input: false },
        base: mlp(8, 1),
        modulation: { layers: [0, 1], rank: 1, hyper_hidden: [6], activation: 'Tanh' },
        latent: { dim: 4, init_std: 0.05 },
        patch: null,
      };
      return assemble(
        [{ config, params: perturbedParams(config, 3, 50), segments: [1, 1, 1] }],
        { width: 5, height: 3 },
        bits([2, 'channel'], [8, 'tensor'], [16, 'channel'], [1, 'channel']),
        { timescale: 30, sampleDuration: 1 },
      );
    },
  },
  {
    name: 'warp-affine',
    description:
      'Seeded, perturbed (untrained) HashGrid model (4 levels: 2 dense, 2 hashed) with an affine coordinate warp ' +
      '(config.warp Affine, scale 0.1) read from latent components 0..5, set to a smooth pan, tilt, shear and ' +
      'zoom; 32x24, 6 frames in 2 segments; the fractional-time check interpolates the warp. 8/10-bit allocation.',
    covers: [
      'affine coordinate warp',
      'warp clamped at the frame edges',
      'warp interpolated at a fractional time',
      'HashGrid dense levels',
      'HashGrid hashed levels',
      'latents 10-bit channel',
    ],
    trained: false,
    build: async () => {
      const config: ModelConfig = {
        version: 1,
        encoding: hashGrid(4, 2, 8, 4, 32),
        warp: { otype: 'Affine', scale: 0.1 },
        base: mlp(16, 2),
        modulation: { layers: [1], rank: 2, hyper_hidden: [8], activation: 'Tanh' },
        latent: { dim: 10, init_std: 0.05 },
        patch: null,
      };
      const params = perturbedParams(config, 6, 60);
      affinePan(config, params, 6);
      return assemble(
        [{ config, params, segments: [3, 3] }],
        { width: 32, height: 24 },
        EIGHT_BIT_ALLOCATION,
        { timescale: 24, sampleDuration: 1 },
      );
    },
  },
  {
    name: 'tensor-tables',
    description:
      'Seeded, perturbed (untrained) HashGrid model (5 levels: 3 dense, 2 hashed of 2^9 rows) coded the way the ' +
      "encoder's rd allocation codes it: several coded groups per parameter group in lirW, one Huffman table " +
      'for each tensor of at least 1024 elements, the smaller ones sharing one; per-tensor depths within a group ' +
      "(tables at 3, 5, 7 and 9 bits beside the group's 6, base weights at 11 and 4 beside the group's 8, and a " +
      'shared table over 4-, 8- and 10-bit tensors); ' +
      '40x24, 6 frames in 2 segments.',
    covers: [
      'several coded groups of one parameter group',
      'a Huffman table per tensor',
      'per-tensor depths within a group',
      'a shared table over tensors of different depths',
      'HashGrid dense levels',
      'HashGrid hashed levels',
    ],
    trained: false,
    build: async () => {
      const config: ModelConfig = {
        version: 1,
        encoding: hashGrid(5, 2, 9, 4, 40),
        base: mlp(48, 2),
        modulation: { layers: [1], rank: 3, hyper_hidden: [16], activation: 'Tanh' },
        latent: { dim: 8, init_std: 0.05 },
        patch: null,
      };
      return assemble(
        [{ config, params: perturbedParams(config, 6, 70), segments: [4, 2] }],
        { width: 40, height: 24 },
        bits([10, 'channel'], [6, 'tensor'], [8, 'channel'], [6, 'channel']),
        { timescale: 12, sampleDuration: 1 },
        {
          tables: 'tensor',
          tensorBits: {
            'encoding.level1': 3,
            'encoding.level2': 9,
            'encoding.level3': 5,
            'encoding.level4': 7,
            'base.1.weight': 11,
            'base.2.weight': 4,
            'base.0.bias': 10,
            'hyper.1.1.weight': 5,
          },
        },
      );
    },
  },
];

/** Frame checks of a vector: per chunk its first frame at the trained size, a fractional time, 2x and 0.5x. */
export function frameRequests(file: LirnFile): FrameRequest[] {
  const out: FrameRequest[] = [];
  file.chunks.forEach((c, k) => {
    const last = c.frameCount - 1;
    const half = { width: Math.ceil(c.width / 2), height: Math.ceil(c.height / 2) };
    out.push({ chunk: k, t: 0, width: c.width, height: c.height });
    // Fractional: between rows 1 and 2 (or 0 and 1 in a two-frame chunk), so latents are interpolated.
    if (last > 0) out.push({ chunk: k, t: last > 1 ? 1.375 : 0.375, width: c.width, height: c.height });
    if (k === 0) {
      out.push({ chunk: k, t: last, width: 2 * c.width, height: 2 * c.height });
      out.push({ chunk: k, t: last / 2, ...half });
    }
  });
  return out;
}

// ---- malformed vectors: byte mutations at offsets found by parsing the valid vector ----

function topBox(bytes: Uint8Array, type: string): { offset: number; size: number } {
  const box = readBoxes(bytes).find((b) => b.type === type);
  if (!box || box.offset === undefined || box.size === undefined) throw new Error(`no top-level ${type}`);
  return { offset: box.offset, size: box.size };
}

function findFourcc(bytes: Uint8Array, type: string): number {
  const code = [...type].map((c) => c.charCodeAt(0));
  for (let i = 4; i + 4 <= bytes.length; i++) {
    if (code.every((c, j) => bytes[i + j] === c)) return i - 4;
  }
  throw new Error(`no ${type} box`);
}

export const MALFORMED: MalformedRecipe[] = [
  {
    name: 'bad-truncated',
    from: 'fourier-tiny-2bit',
    mutation: 'file cut in the middle of the last mdat box',
    mutate: (bytes) => {
      const boxes = readBoxes(bytes).filter((b) => b.type === 'mdat');
      const last = boxes[boxes.length - 1];
      return bytes.slice(0, last.offset! + Math.ceil(last.size! / 2));
    },
  },
  {
    name: 'bad-box-size',
    from: 'fourier-tiny-2bit',
    mutation: 'moov size field set to 0x7fffffff, far beyond the file',
    mutate: (bytes) => {
      const out = bytes.slice();
      new DataView(out.buffer).setUint32(topBox(bytes, 'moov').offset, 0x7fffffff);
      return out;
    },
  },
  {
    name: 'bad-box-order',
    from: 'fourier-tiny-2bit',
    mutation: 'ftyp moved after moov',
    mutate: (bytes) => {
      const ftyp = topBox(bytes, 'ftyp');
      const moov = topBox(bytes, 'moov');
      const out = new Uint8Array(bytes.length);
      out.set(bytes.subarray(moov.offset, moov.offset + moov.size), 0);
      out.set(bytes.subarray(ftyp.offset, ftyp.offset + ftyp.size), moov.size);
      out.set(bytes.subarray(moov.offset + moov.size), moov.size + ftyp.size);
      return out;
    },
  },
  {
    name: 'bad-negative-scale',
    from: 'fourier-tiny-2bit',
    mutation: 'sign bit of the first latent quant_scale (lirL) set',
    mutate: (bytes) => {
      // lirL: size, type, version/flags, latent_dim u16, quant_bits, quant_mode, latent_predictor, quant_min f32.
      const out = bytes.slice();
      out[findFourcc(bytes, 'lirL') + 12 + 5 + 4] |= 0x80;
      return out;
    },
  },
  {
    name: 'bad-latent-predictor',
    from: 'fourier-tiny-2bit',
    mutation: 'lirL latent_predictor set to 1 (reserved for temporal prediction)',
    mutate: (bytes) => {
      const out = bytes.slice();
      out[findFourcc(bytes, 'lirL') + 12 + 4] = 1;
      return out;
    },
  },
  {
    name: 'bad-tensor-count',
    from: 'fourier-tiny-2bit',
    mutation: 'tensor_count of the first lirW group set to 65535',
    mutate: (bytes) => {
      // lirW: size, type, version/flags, group_count u8, then the group: param_group u8, tensor_count u16.
      const out = bytes.slice();
      new DataView(out.buffer).setUint16(findFourcc(bytes, 'lirW') + 12 + 2, 0xffff);
      return out;
    },
  },
  {
    name: 'bad-weight-payload',
    from: 'fourier-tiny-2bit',
    mutation: 'the first lirW group payload overwritten with 0xff bytes (codes run past its end)',
    mutate: (bytes) => {
      const group = readLirnFile(bytes).chunks[0].weights[0];
      const out = bytes.slice();
      out.fill(0xff, group.payloadOffset!, group.payloadOffset! + group.payload.length);
      return out;
    },
  },
  {
    name: 'bad-latent-sample',
    from: 'fourier-tiny-2bit',
    mutation: 'the last latent sample overwritten with 0xff bytes',
    mutate: (bytes) => {
      const file = readLirnFile(bytes);
      const seg = file.segments[file.segments.length - 1];
      const sample = seg.samples[seg.samples.length - 1];
      const at = sample.byteOffset - bytes.byteOffset;
      const out = bytes.slice();
      out.fill(0xff, at, at + sample.length);
      return out;
    },
  },
];

export function vectorFileName(name: string): string {
  return `${name}.lirn`;
}
export function referenceFramesFileName(name: string): string {
  return `${name}.frames.rgb`;
}

export async function buildVectorBytes(recipe: VectorRecipe): Promise<Uint8Array> {
  return writeLirnFile(await recipe.build());
}
