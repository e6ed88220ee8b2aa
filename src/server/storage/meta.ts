/**
 * `meta.json`, the one record of a video: its state, encode settings, progress and what has been published. It is
 * rewritten atomically (temp file + rename), so a reader sees the old or the new record, never a mix.
 */
import { readFile } from 'node:fs/promises';
import { writeFileAtomic } from '../../media/files.js';
import type { Rational } from '../../media/types.js';

export type VideoState = 'queued' | 'encoding' | 'ready' | 'failed';

export interface EncodeSettings {
  profile: 'S' | 'M' | 'L';
  iterations: number;
  /** Scale the source to this size first (both or neither). */
  width?: number;
  height?: number;
  /** Encode at most this many frames. */
  frames?: number;
  segmentSeconds: number;
  chunkSegments: number;
  sceneCuts: boolean;
  seed: number;
  /** EncodeOptions.frameLevels; records written before it existed encoded without ('off'). */
  frameLevels?: 'auto' | 'on' | 'off';
}

export interface Progress {
  phase: 'queued' | 'scan' | 'train' | 'fallback' | 'done';
  /** 0..1 over the whole job. */
  fraction: number;
  chunk?: number;
  chunks?: number;
  iteration?: number;
  iterations?: number;
  psnr?: number;
  etaMs?: number;
  /** Chunks restored from checkpoints of an earlier run of this job (a resume after a restart). */
  resumedChunks?: number;
}

/** A published latent segment: the HLS piece `lirn/seg-<index>.m4s`, used with `lirn/init-<chunk>.mp4`. */
export interface PublishedSegment {
  chunk: number;
  firstFrame: number;
  frames: number;
  bytes: number;
}

export interface VideoInfoMeta {
  width: number;
  height: number;
  frameCount: number;
  fps: Rational;
  timescale: number;
  sampleDuration: number;
}

export interface FallbackMeta {
  /** RFC 6381 codec string of the H.264 rendition, e.g. avc1.64000c. */
  codecs: string;
  width: number;
  height: number;
  bytes: number;
  segments: number;
  peakBitrate: number;
  averageBitrate: number;
}

export interface VideoMeta {
  id: string;
  state: VideoState;
  created: string;
  updated: string;
  /** Informational name given at upload (sanitised). */
  name: string;
  source: { kind: 'video' | 'lirn'; file: string; bytes: number; format: string };
  settings: EncodeSettings;
  progress: Progress;
  video?: VideoInfoMeta;
  lirn: {
    /** Chunks planned (null until the plan is known). */
    chunks: number | null;
    /** Init segment size of each published chunk, in chunk order; chunk k is published when initBytes[k] exists. */
    initBytes: number[];
    segments: PublishedSegment[];
    /** Size of video.lirn once written. */
    fileBytes?: number;
  };
  fallback?: FallbackMeta;
  error?: { type: string; details: string; message: string };
}

export async function readMeta(path: string): Promise<VideoMeta | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return null;
  }
  try {
    const meta = JSON.parse(text) as VideoMeta;
    return typeof meta === 'object' &&
      meta !== null &&
      typeof meta.id === 'string' &&
      typeof meta.state === 'string'
      ? meta
      : null;
  } catch {
    return null;
  }
}

export async function writeMeta(path: string, meta: VideoMeta): Promise<void> {
  await writeFileAtomic(path, new TextEncoder().encode(`${JSON.stringify(meta, null, 2)}\n`));
}
