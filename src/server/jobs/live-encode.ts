/**
 * The chunked encoder with chunks published as they finish (the growing playlist): each `chunk-done` event carries
 * the coded chunk and its segments. The finished file is published again at the end, and pieces are immutable
 * (hls/pieces.ts), so any difference would fail loudly rather than change a cached segment.
 * Resumable: checkpoints live in `workDir` under a fingerprint of the source and the settings.
 */
import { createHash } from 'node:crypto';
import { stat } from 'node:fs/promises';
import type { RendererFactory } from '../../codec/decoder/stream-decoder.js';
import type { EngineFactory } from '../../codec/engine/types.js';
import { type ModelConfig, profileConfig } from '../../codec/model/config.js';
import { type EncodeEvent, encodeChunked } from '../../codec/segmenter/encode.js';
import { openFileStore } from '../../codec/segmenter/file-store.js';
import { typicalChunkFrames } from '../../codec/segmenter/plan.js';
import { type LirnChunk, type LirnFile, type LirnSegment, newLirnFile } from '../../container/lirn-file.js';
import { openMediaSource } from '../../media/source.js';
import type { DecodeOptions, Rational } from '../../media/types.js';
import type { EncodeSettings } from '../storage/meta.js';

export interface SourceInfo {
  width: number;
  height: number;
  frameCount: number;
  fps: Rational;
  timescale: number;
  sampleDuration: number;
}

export interface LiveEncodeOptions {
  input: string;
  settings: EncodeSettings;
  workDir: string;
  chooseEngine: (config: ModelConfig) => Promise<EngineFactory>;
  /** Renders the rd allocation's probes (EncodeOptions.renderer). */
  renderer?: RendererFactory;
  signal?: AbortSignal;
  onStart?: (source: SourceInfo) => void | Promise<void>;
  onEvent?: (e: EncodeEvent) => void;
  /** Chunk k is coded: `file` holds chunks 0..k and every segment through chunk k's. Called in chunk order. */
  onChunk?: (file: LirnFile, k: number, resumed: boolean) => Promise<void>;
}

export function decodeOptionsOf(settings: EncodeSettings): DecodeOptions {
  const o: DecodeOptions = {};
  if (settings.width && settings.height) {
    o.width = settings.width;
    o.height = settings.height;
  }
  if (settings.frames) o.frames = settings.frames;
  return o;
}

export async function encodeWithLiveChunks(o: LiveEncodeOptions): Promise<LirnFile> {
  const source = await openMediaSource(o.input, decodeOptionsOf(o.settings));
  try {
    await o.onStart?.({
      width: source.width,
      height: source.height,
      frameCount: source.frameCount,
      fps: source.fps,
      timescale: source.timescale,
      sampleDuration: source.sampleDuration,
    });
    const { settings } = o;
    const chunkFrames = typicalChunkFrames(
      source.frameCount,
      source.fps.num / source.fps.den,
      settings.segmentSeconds,
      settings.chunkSegments,
    );
    const config = profileConfig(settings.profile, source.width, source.height, chunkFrames);
    const engine = await o.chooseEngine(config);
    const s = await stat(o.input);
    const fingerprint = createHash('sha256')
      .update(JSON.stringify({ source: [s.size, s.mtimeMs], settings, config, engine: engine.name }))
      .digest('hex');
    const store = await openFileStore(o.workDir, fingerprint);
    const chunks: LirnChunk[] = [];
    const segments: LirnSegment[] = [];
    let publishing: Promise<void> = Promise.resolve();
    let failure: unknown = null;
    const onEvent = (e: EncodeEvent) => {
      if (e.phase === 'chunk-done' && o.onChunk) {
        const k = e.chunk;
        if (k !== chunks.length) {
          failure ??= new Error(`chunk ${k} finished out of order (expected ${chunks.length})`);
        } else {
          chunks.push(e.coded);
          segments.push(...e.segments);
          const file = newLirnFile(source, [...chunks], [...segments]);
          const publish = o.onChunk;
          publishing = publishing
            .then(() => (failure ? undefined : publish(file, k, e.resumed)))
            .catch((err) => {
              failure ??= err;
            });
        }
      }
      o.onEvent?.(e);
    };
    const encoding = encodeChunked({
      source,
      config,
      iterations: settings.iterations,
      segmentSeconds: settings.segmentSeconds,
      segmentsPerChunk: settings.chunkSegments,
      sceneCuts: settings.sceneCuts,
      engine,
      renderer: o.renderer,
      seed: settings.seed,
      frameLevels: settings.frameLevels ?? 'off',
      store,
      onEvent,
      signal: o.signal,
    });
    // Publications still in flight finish before this returns or throws: nothing is written after the job ends.
    const result = await encoding.finally(() => publishing);
    if (failure) throw failure;
    return result.file;
  } finally {
    await source.close();
  }
}
