/**
 * File to file: a video node-av can read → `.lirn` (chunked training, resumable, atomic output), and `.lirn` →
 * MP4 at any size and frame rate. Used by the CLI and by the server's encode jobs.
 */
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import type { RendererFactory } from '../codec/decoder/stream-decoder.js';
import { StreamDecoder } from '../codec/decoder/stream-decoder.js';
import type { BitAllocation } from '../codec/encoder/bit-allocation.js';
import type { EngineFactory } from '../codec/engine/types.js';
import type { ModelConfig } from '../codec/model/config.js';
import { toRgb8 } from '../codec/render/output.js';
import {
  type EncodeAlignment,
  type EncodeEvent,
  type EncodeResult,
  encodeChunked,
  type FrameSource,
} from '../codec/segmenter/encode.js';
import { openFileStore } from '../codec/segmenter/file-store.js';
import { typicalChunkFrames } from '../codec/segmenter/plan.js';
import { readLirnFile, writeLirnFile } from '../container/index.js';
import type { LirnFile } from '../container/lirn-file.js';
import { type EncodePixelFormat, encodeVideo, type VideoCodec } from './encode.js';
import { writeFileAtomic } from './files.js';
import { openMediaSource } from './source.js';
import type { DecodeOptions, Rational } from './types.js';

export interface FileEncodeOptions {
  input: string;
  output: string;
  /** The model for a source of this size whose chunks are about `chunkFrames` frames long. */
  config: (width: number, height: number, chunkFrames: number) => ModelConfig;
  decode?: DecodeOptions;
  iterations: number;
  warmIterations?: number;
  /** Training wall time of the whole encode (EncodeOptions.timeBudgetMs). */
  timeBudgetMs?: number;
  segmentSeconds?: number;
  segmentsPerChunk?: number;
  sceneCuts?: boolean;
  engine: EngineFactory;
  seed?: number;
  bits?: BitAllocation;
  /** Weight coding after training (EncodeOptions.allocation); default 'rd'. */
  allocation?: 'rd' | 'group';
  /** Renders the rd allocation's probes (the native renderer where it loads). */
  renderer?: RendererFactory;
  holdOut?: number;
  /** Feature alignment (src/codec/align): each chunk gets a lirA box. */
  alignment?: EncodeAlignment;
  /** EncodeOptions.frameLevels (default 'off'; `lirn encode` asks for 'auto'). */
  frameLevels?: 'auto' | 'on' | 'off';
  /** Directory for resumable state; default `<output>.work`. Removed after a successful encode. */
  workDir?: string;
  onEvent?: (e: EncodeEvent) => void;
  signal?: AbortSignal;
}

export interface FileEncodeResult extends EncodeResult {
  bytes: number;
  bpp: number;
  resumed: boolean;
  source: FrameSource;
}

async function sourceFingerprint(path: string): Promise<string> {
  const s = await stat(path);
  return `${path}:${s.size}:${s.mtimeMs}`;
}

/** Everything that decides the output bytes, so a resumed run only continues state of the very same encode. */
function runFingerprint(parts: unknown): string {
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}

export async function encodeFileToLirn(o: FileEncodeOptions): Promise<FileEncodeResult> {
  const source = await openMediaSource(o.input, o.decode);
  try {
    const chunkFrames = typicalChunkFrames(
      source.frameCount,
      source.fps.num / source.fps.den,
      o.segmentSeconds,
      o.segmentsPerChunk,
    );
    const config = o.config(source.width, source.height, chunkFrames);
    const fingerprint = runFingerprint({
      source: await sourceFingerprint(o.input),
      decode: o.decode ?? {},
      config,
      iterations: o.iterations,
      warm: o.warmIterations ?? null,
      ...(o.timeBudgetMs === undefined ? {} : { timeBudgetMs: o.timeBudgetMs }),
      seg: [o.segmentSeconds ?? null, o.segmentsPerChunk ?? null, o.sceneCuts ?? true],
      engine: o.engine.name,
      seed: o.seed ?? 0,
      bits: o.bits ?? null,
      allocation: o.allocation ?? 'rd',
      holdOut: o.holdOut ?? 1,
      frameLevels: o.frameLevels ?? 'off',
      ...(o.alignment
        ? {
            align: [o.alignment.provider.space, o.alignment.provider.dim, o.alignment.lambda ?? null],
          }
        : {}),
    });
    const store = await openFileStore(o.workDir ?? `${o.output}.work`, fingerprint);
    const result = await encodeChunked({
      source,
      config,
      iterations: o.iterations,
      warmIterations: o.warmIterations,
      timeBudgetMs: o.timeBudgetMs,
      segmentSeconds: o.segmentSeconds,
      segmentsPerChunk: o.segmentsPerChunk,
      sceneCuts: o.sceneCuts,
      engine: o.engine,
      seed: o.seed,
      bits: o.bits,
      allocation: o.allocation,
      renderer: o.renderer,
      holdOut: o.holdOut,
      alignment: o.alignment,
      frameLevels: o.frameLevels,
      store,
      onEvent: o.onEvent,
      signal: o.signal,
    });
    const bytes = writeLirnFile(result.file);
    await writeFileAtomic(o.output, bytes);
    await store.remove();
    return {
      ...result,
      bytes: bytes.length,
      bpp: (bytes.length * 8) / (source.width * source.height * source.frameCount),
      resumed: store.resuming,
      source,
    };
  } finally {
    await source.close();
  }
}

export async function readLirn(path: string): Promise<LirnFile> {
  return readLirnFile(new Uint8Array(await readFile(path)));
}

export interface FileDecodeOptions {
  input: string | LirnFile;
  output: string;
  width?: number;
  height?: number;
  /** Output frame rate; other than the source's, frames come from fractional frame times (latent interpolation). */
  fps?: Rational;
  codec?: VideoCodec;
  crf?: number;
  pixelFormat?: EncodePixelFormat;
  renderer?: RendererFactory;
  onFrame?: (done: number, total: number) => void;
}

function reduceRational(num: number, den: number): Rational {
  let a = num;
  let b = den;
  while (b) [a, b] = [b, a % b];
  return { num: num / a, den: den / a };
}

/** Frame times at `outFps` over a source of `frames` frames at `srcFps`: t = k · srcFps / outFps ≤ frames − 1. */
export function outputFrameTimes(frames: number, srcFps: number, outFps: number): number[] {
  const step = srcFps / outFps;
  const count = Math.floor((frames - 1) / step + 1e-9) + 1;
  return Array.from({ length: count }, (_, k) => Math.min(frames - 1, k * step));
}

export async function decodeLirnToFile(
  o: FileDecodeOptions,
): Promise<{ frames: number; width: number; height: number; fps: Rational; bytes: number }> {
  const file = typeof o.input === 'string' ? await readLirn(o.input) : o.input;
  const decoder = new StreamDecoder(file, o.renderer);
  const width = o.width ?? decoder.width;
  const height = o.height ?? decoder.height;
  const srcFps = reduceRational(file.timescale, file.sampleDuration);
  const fps = o.fps ?? srcFps;
  const times = outputFrameTimes(file.frameCount, srcFps.num / srcFps.den, fps.num / fps.den);
  async function* frames(): AsyncGenerator<Uint8Array> {
    let lastChunk = -1;
    for (let i = 0; i < times.length; i++) {
      const k = decoder.chunkOf(Math.floor(times[i]));
      if (k !== lastChunk) {
        decoder.release([k, k + 1]);
        lastChunk = k;
      }
      yield toRgb8(decoder.renderFrame(times[i], width, height));
      o.onFrame?.(i + 1, times.length);
    }
  }
  const result = await encodeVideo(frames(), {
    path: o.output,
    width,
    height,
    fps,
    codec: o.codec ?? 'h264',
    crf: o.crf ?? 18,
    pixelFormat: o.pixelFormat ?? (width % 2 || height % 2 ? 'yuv444p' : 'yuv420p'),
  });
  return { frames: times.length, width, height, fps, bytes: result.bytes };
}
