/**
 * Our codec on an in-memory clip, the way `lirn encode` runs it (encodeChunked with the default segmenting), but
 * without files: encode → whole-file bytes (what bpp counts) → read back → decode frames at any size and time.
 * A shared EncodeStore lets a second call with the same training setup re-pack the trained weights at another bit
 * depth without training again (the encoder restores finished chunks from their checkpoints).
 */

import type { RendererFactory } from '../../src/codec/decoder/stream-decoder.js';
import { StreamDecoder } from '../../src/codec/decoder/stream-decoder.js';
import { type BitAllocation, uniformBitAllocation } from '../../src/codec/encoder/bit-allocation.js';
import type { EngineFactory, GroupRates } from '../../src/codec/engine/types.js';
import { type ModelConfig, type ProfileName, profileConfig } from '../../src/codec/model/config.js';
import { type ParamSet, parameterCount } from '../../src/codec/model/params.js';
import { toRgb8 } from '../../src/codec/render/output.js';
import { type EncodeStore, encodeChunked, memoryStore } from '../../src/codec/segmenter/encode.js';
import { typicalChunkFrames } from '../../src/codec/segmenter/plan.js';
import { type ByteBreakdown, byteBreakdown, readLirnFile, writeLirnFile } from '../../src/container/index.js';
import { memorySource } from '../../src/media/source.js';
import type { MemoryClip } from './peers.js';

export interface OursEncodeOptions {
  profile: ProfileName;
  /** Iterations of a cold-started chunk (warm-started chunks get half, as in `lirn encode`); a cap with a time budget. */
  iterations: number;
  /** Training wall time of the whole encode (EncodeOptions.timeBudgetMs); default: fixed iterations. */
  timeBudgetMs?: number;
  engine: EngineFactory;
  /** Quantization depth (uniformBitAllocation: latents/base get 2 more); default the encoder's default. */
  bits?: number;
  holdOut?: number;
  seed?: number;
  /** Renders the rd allocation's probes (the bench's decoder). */
  renderer?: RendererFactory;
  /** Weight coding (EncodeOptions.allocation); default 'rd'. */
  allocation?: 'rd' | 'group';
  /** Reuse trained chunks of an earlier call with the same setup (re-packing at another bit depth). */
  store?: EncodeStore;
  /** Start every chunk from these weights (EncodeOptions.startFrom: an earlier encode's `params`). */
  startFrom?: readonly ParamSet[];
  /** Learning rates per group (EncodeOptions.rates). */
  rates?: Partial<GroupRates>;
  /** Straight-through share of the training (EncodeOptions.quantAware); default the encoder's. */
  quantAware?: number;
  /**
   * EncodeOptions.frameLevels; default 'auto' (as `lirn encode`). A re-pack from a store finds the first encode's
   * choice there; a training started from another encode's weights (startFrom) names it ('on' / 'off').
   */
  frameLevels?: 'auto' | 'on' | 'off';
  log?: (line: string) => void;
}

export interface OursEncoding {
  profile: ProfileName;
  /** The config the chunks trained (the profile's, with frame levels where the encode chose them). */
  config: ModelConfig;
  /** Whether the chunks have frame levels. */
  frameLevels: boolean;
  bits: number | 'default';
  /** Iterations the first chunk trained (with a time budget, what the budget gave). */
  iterations: number;
  /** Iterations of every chunk together. */
  totalIterations: number;
  /** Iterations this call trained (0 when every chunk came from the store). */
  iterationsRun: number;
  chunks: number;
  parameters: number;
  engine: string;
  bytes: Uint8Array;
  /** bytes·8 / (W·H·frames), the whole file. */
  bpp: number;
  /** Bytes per component (config, weights, latent tables, latents, structure), summing to the file size. */
  breakdown: ByteBreakdown;
  /** Wall time of this encode call (training + packing + writing). */
  encodeSeconds: number;
  store: EncodeStore;
  /** Each chunk's trained weights before coding. */
  params: ParamSet[];
}

/** The config `lirn encode` would pick for this clip: the profile sized for the default chunk length. */
export function oursConfig(profile: ProfileName, clip: MemoryClip): ModelConfig {
  const chunkFrames = typicalChunkFrames(clip.frames.length, clip.fps.num / clip.fps.den);
  return profileConfig(profile, clip.width, clip.height, chunkFrames);
}

export async function encodeOurs(clip: MemoryClip, o: OursEncodeOptions): Promise<OursEncoding> {
  const config = oursConfig(o.profile, clip);
  const store = o.store ?? memoryStore();
  const bits: BitAllocation | undefined = o.bits === undefined ? undefined : uniformBitAllocation(o.bits);
  const log = o.log ?? (() => {});
  let lastShown = -1;
  const frameLevels = o.frameLevels ?? 'auto';
  const started = performance.now();
  const result = await encodeChunked({
    source: memorySource(clip.frames, clip.width, clip.height, clip.fps),
    config,
    iterations: o.iterations,
    ...(o.timeBudgetMs === undefined ? {} : { timeBudgetMs: o.timeBudgetMs }),
    engine: o.engine,
    seed: o.seed ?? 0,
    bits,
    allocation: o.allocation,
    renderer: o.renderer,
    holdOut: o.holdOut,
    store,
    ...(o.startFrom ? { startFrom: o.startFrom } : {}),
    keepParams: true,
    ...(o.rates ? { rates: o.rates } : {}),
    ...(o.quantAware === undefined ? {} : { quantAware: o.quantAware }),
    frameLevels,
    // One checkpoint per chunk, at its end: what a re-pack needs, without slowing training down.
    checkpointEvery: o.iterations,
    onEvent: (e) => {
      if (e.phase === 'frame-levels') {
        log(
          `  ${o.profile} frame levels ${e.keep ? 'kept' : 'left out'}: ${e.timedOut ? 'probes timed out' : `${e.gainDb.toFixed(2)} dB against ${e.costDb.toFixed(2)} dB`}`,
        );
      }
      if (e.phase !== 'train') return;
      const tenth = Math.floor((10 * e.iteration) / e.iterations);
      if (tenth === lastShown && e.iteration !== e.iterations) return;
      lastShown = tenth;
      log(
        `  ${o.profile} chunk ${e.chunk + 1}/${e.chunks} it ${e.iteration}/${e.iterations} ${e.psnr.toFixed(2)} dB`,
      );
    },
  });
  const bytes = writeLirnFile(result.file);
  const encodeSeconds = (performance.now() - started) / 1000;
  const pixels = clip.width * clip.height * clip.frames.length;
  return {
    profile: o.profile,
    config: result.file.chunks[0].config,
    frameLevels:
      result.file.chunks[0].config.encoding.otype === 'HashGrid' &&
      config.encoding.otype === 'HashGrid' &&
      result.file.chunks[0].config.encoding.n_levels > config.encoding.n_levels,
    bits: o.bits ?? 'default',
    iterations: result.losses[0]?.length ?? o.iterations,
    totalIterations: result.losses.reduce((n, l) => n + l.length, 0),
    iterationsRun: result.iterationsRun,
    chunks: result.file.chunks.length,
    parameters: result.file.chunks.reduce((n, c) => n + parameterCount(c.config, c.frameCount), 0),
    engine: result.engine,
    bytes,
    bpp: (bytes.length * 8) / pixels,
    breakdown: byteBreakdown(bytes),
    encodeSeconds,
    store,
    params: result.params!,
  };
}

export interface DecodeRequest {
  /** Frame times to render (fractional allowed); default every frame. */
  times?: readonly number[];
  width?: number;
  height?: number;
}

export interface DecodedFrames {
  frames: Uint8Array[];
  width: number;
  height: number;
  /** Wall time from the file's bytes to the last 8-bit frame (parse, dequantize, render, convert). */
  seconds: number;
}

/** Reads the file back from its bytes (so what is scored is what was written) and renders frames. */
export function decodeOurs(
  bytes: Uint8Array,
  renderer: RendererFactory,
  request: DecodeRequest = {},
): DecodedFrames {
  const started = performance.now();
  const decoder = new StreamDecoder(readLirnFile(bytes), renderer);
  const width = request.width ?? decoder.width;
  const height = request.height ?? decoder.height;
  const times = request.times ?? Array.from({ length: decoder.frameCount }, (_, t) => t);
  const frames = times.map((t) => toRgb8(decoder.renderFrame(t, width, height)));
  return { frames, width, height, seconds: (performance.now() - started) / 1000 };
}
