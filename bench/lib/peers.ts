/**
 * Codec peers on a clip held in memory: x264, x265 (4:2:0 and 4:4:4), SVT-AV1 (and VP9) through node-av, each at a
 * list of CRFs or bitrates. Per point: file bytes (whole MP4), bpp, RGB PSNR/SSIM from FFmpeg's own psnr/ssim
 * filters against the source frames, encode and decode wall time. Files go to a temporary folder removed afterwards.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type EncodePixelFormat, encodeVideo, readFrames, type VideoCodec } from '../../src/media/index.js';
import type { Rational } from '../../src/media/types.js';
import { ffmpegScores } from './ffmpeg-metrics.js';

/** A clip in memory: packed RGB24 frames. */
export interface MemoryClip {
  name?: string;
  width: number;
  height: number;
  fps: Rational;
  frames: Uint8Array[];
}

export interface PeerCodec {
  name: string;
  codec: VideoCodec;
  pixelFormat: EncodePixelFormat;
  preset: string;
}

export const PEERS = {
  x264: { name: 'x264 medium', codec: 'h264', pixelFormat: 'yuv420p', preset: 'medium' },
  x265: { name: 'x265 medium', codec: 'hevc', pixelFormat: 'yuv420p', preset: 'medium' },
  x265_444: { name: 'x265 medium 4:4:4', codec: 'hevc', pixelFormat: 'yuv444p', preset: 'medium' },
  svtav1: { name: 'SVT-AV1 preset 8', codec: 'av1', pixelFormat: 'yuv420p', preset: '8' },
  vp9: { name: 'libvpx-vp9 cpu-used 4', codec: 'vp9', pixelFormat: 'yuv420p', preset: '4' },
} as const satisfies Record<string, PeerCodec>;

export type RateSetting = { crf: number } | { bitrate: number };

export interface RdPoint {
  peer: string;
  codec: VideoCodec;
  pixelFormat: EncodePixelFormat;
  preset: string;
  setting: RateSetting;
  frames: number;
  bytes: number;
  /** bytes·8 / (W·H·frames), the whole file. */
  bpp: number;
  /** Mean over frames of per-frame RGB PSNR (FFmpeg psnr on gbrp). */
  psnr: number;
  /** FFmpeg's psnr "average": PSNR of the frame-averaged MSE. */
  psnrOfMeanMse: number;
  ssim: number;
  encodeSeconds: number;
  decodeSeconds: number;
  decodeFps: number;
}

export interface PeerRunOptions {
  /** Encoder threads (default: the encoder's own choice, i.e. all cores). */
  threads?: number;
  /** Called after each point, for progress output. */
  onPoint?: (point: RdPoint) => void;
}

/** Encodes, decodes and scores `clip` with `peer` at each setting, in order. */
export async function runPeer(
  clip: MemoryClip,
  peer: PeerCodec,
  settings: readonly RateSetting[],
  options: PeerRunOptions = {},
): Promise<RdPoint[]> {
  checkClip(clip);
  const dir = await mkdtemp(join(tmpdir(), 'lirn-peer-'));
  const points: RdPoint[] = [];
  try {
    for (const [i, setting] of settings.entries()) {
      const path = join(dir, `${peer.codec}-${peer.pixelFormat}-${i}.mp4`);
      const encodeStart = performance.now();
      const encoded = await encodeVideo(clip.frames, {
        path,
        width: clip.width,
        height: clip.height,
        fps: clip.fps,
        codec: peer.codec,
        pixelFormat: peer.pixelFormat,
        preset: peer.preset,
        threads: options.threads,
        ...setting,
      });
      const encodeSeconds = (performance.now() - encodeStart) / 1000;
      const decodeStart = performance.now();
      const decoded = await readFrames(path);
      const decodeSeconds = (performance.now() - decodeStart) / 1000;
      if (decoded.frames.length !== clip.frames.length) {
        throw new Error(`${peer.name}: decoded ${decoded.frames.length} of ${clip.frames.length} frames`);
      }
      const score = await ffmpegScores(clip.frames, decoded.frames, clip.width, clip.height);
      const point: RdPoint = {
        peer: peer.name,
        codec: peer.codec,
        pixelFormat: peer.pixelFormat,
        preset: peer.preset,
        setting,
        frames: clip.frames.length,
        bytes: encoded.bytes,
        bpp: (encoded.bytes * 8) / (clip.width * clip.height * clip.frames.length),
        psnr: score.psnr,
        psnrOfMeanMse: score.psnrOfMeanMse,
        ssim: score.ssim,
        encodeSeconds,
        decodeSeconds,
        decodeFps: clip.frames.length / decodeSeconds,
      };
      points.push(point);
      options.onPoint?.(point);
      await rm(path, { force: true });
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return points;
}

/** Every peer at its settings, one after another (never in parallel: timings must not share the CPU). */
export async function runPeers(
  clip: MemoryClip,
  plan: ReadonlyArray<{ peer: PeerCodec; settings: readonly RateSetting[] }>,
  options: PeerRunOptions = {},
): Promise<RdPoint[]> {
  const all: RdPoint[] = [];
  for (const { peer, settings } of plan) all.push(...(await runPeer(clip, peer, settings, options)));
  return all;
}

function checkClip(clip: MemoryClip): void {
  const bytes = clip.width * clip.height * 3;
  if (clip.frames.length === 0) throw new Error('peer clip has no frames');
  clip.frames.forEach((f, i) => {
    if (f.byteLength !== bytes)
      throw new Error(`peer clip frame ${i} has ${f.byteLength} bytes, expected ${bytes}`);
  });
}
