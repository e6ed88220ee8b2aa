/**
 * The H.264 fallback rendition for clients without WebGPU: the `.lirn` is rendered at its encoded size (rounded
 * up to even, which any-resolution rendering makes free, so plain 4:2:0 High profile plays everywhere), encoded
 * with x264 with a keyframe every segment, then cut by FFmpeg's HLS muxer (through node-av) into fMP4 pieces:
 * `media.m3u8`, `init.mp4`, `seg-<n>.m4s`. Everything is made in a staging folder renamed into place at the end.
 */
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { type RendererFactory, StreamDecoder } from '../../codec/decoder/stream-decoder.js';
import { toRgb8 } from '../../codec/render/output.js';
import type { LirnFile } from '../../container/lirn-file.js';
import { Demuxer, Muxer } from '../../media/av.js';
import { encodeVideo } from '../../media/encode.js';
import { MediaError } from '../../media/errors.js';
import type { FallbackMeta } from '../storage/meta.js';

export interface FallbackOptions {
  file: LirnFile;
  /** Final folder (replaced if it exists). */
  dir: string;
  /** Staging paths (in the data directory's .tmp/). */
  stagingDir: string;
  stagingMp4: string;
  segmentSeconds: number;
  renderer?: RendererFactory;
  crf?: number;
  signal?: AbortSignal;
  onFrame?: (done: number, total: number) => void;
}

export async function makeFallback(o: FallbackOptions): Promise<FallbackMeta> {
  const decoder = new StreamDecoder(o.file, o.renderer);
  const width = decoder.width + (decoder.width % 2);
  const height = decoder.height + (decoder.height % 2);
  const fps = { num: o.file.timescale, den: o.file.sampleDuration };
  const total = o.file.frameCount;
  async function* frames(): AsyncGenerator<Uint8Array> {
    let lastChunk = -1;
    for (let t = 0; t < total; t++) {
      if (o.signal?.aborted) throw new Error('fallback rendering stopped');
      const k = decoder.chunkOf(t);
      if (k !== lastChunk) {
        decoder.release([k, k + 1]);
        lastChunk = k;
      }
      yield toRgb8(decoder.renderFrame(t, width, height));
      o.onFrame?.(t + 1, total);
    }
  }
  try {
    await mkdir(o.stagingDir, { recursive: true });
    await encodeVideo(frames(), {
      path: o.stagingMp4,
      width,
      height,
      fps,
      codec: 'h264',
      crf: o.crf ?? 23,
      preset: 'veryfast',
      pixelFormat: 'yuv420p',
      gopSize: Math.max(1, Math.round((o.segmentSeconds * fps.num) / fps.den)),
    });
    await segmentToHls(o.stagingMp4, o.stagingDir, o.segmentSeconds);
    const meta = await describeRendition(o.stagingDir, width, height);
    await rm(o.dir, { recursive: true, force: true });
    await rename(o.stagingDir, o.dir);
    return meta;
  } finally {
    await rm(o.stagingMp4, { force: true });
    await rm(o.stagingDir, { recursive: true, force: true });
  }
}

/** Stream copy of an MP4's video into fMP4 HLS pieces, cut at keyframes near every `segmentSeconds`. */
async function segmentToHls(mp4: string, dir: string, segmentSeconds: number): Promise<void> {
  const input = await Demuxer.open(mp4);
  try {
    const video = input.video();
    if (!video) throw new MediaError('no-video', mp4, 'the rendered fallback has no video stream');
    const output = await Muxer.open(join(dir, 'media.m3u8'), {
      format: 'hls',
      options: {
        hls_time: segmentSeconds,
        hls_segment_type: 'fmp4',
        hls_playlist_type: 'vod',
        hls_fmp4_init_filename: 'init.mp4',
        hls_segment_filename: join(dir, 'seg-%d.m4s'),
        hls_flags: 'independent_segments',
      } as never,
    });
    try {
      const index = output.addStream(video);
      for await (const packet of input.packets(video.index)) {
        if (!packet) break;
        await output.writePacket(packet, index);
        packet.free();
      }
    } finally {
      await output.close();
    }
  } finally {
    await input.close();
  }
}

/** RFC 6381 `avc1.PPCCLL` from the avcC box of the init segment (profile, constraint flags, level). */
export function avcCodecString(init: Uint8Array): string {
  for (let i = 4; i + 8 <= init.length; i++) {
    if (init[i] === 0x61 && init[i + 1] === 0x76 && init[i + 2] === 0x63 && init[i + 3] === 0x43) {
      const hex = (b: number) => b.toString(16).padStart(2, '0');
      return `avc1.${hex(init[i + 5])}${hex(init[i + 6])}${hex(init[i + 7])}`;
    }
  }
  throw new MediaError('unsupported', 'init.mp4', 'the fallback init segment has no avcC box');
}

async function describeRendition(dir: string, width: number, height: number): Promise<FallbackMeta> {
  const playlist = await readFile(join(dir, 'media.m3u8'), 'utf8');
  const entries: Array<{ seconds: number; name: string }> = [];
  const lines = playlist.split('\n');
  lines.forEach((line, i) => {
    const m = /^#EXTINF:([\d.]+),/.exec(line);
    if (m) entries.push({ seconds: Number(m[1]), name: lines[i + 1].trim() });
  });
  const names = new Set(await readdir(dir));
  let peak = 0;
  let bytes = 0;
  let seconds = 0;
  for (const e of entries) {
    if (!/^seg-\d+\.m4s$/.test(e.name) || !names.has(e.name)) {
      throw new MediaError('encode-failed', dir, `the HLS muxer listed an unexpected segment ${e.name}`);
    }
    const size = (await stat(join(dir, e.name))).size;
    peak = Math.max(peak, (size * 8) / e.seconds);
    bytes += size;
    seconds += e.seconds;
  }
  const init = await readFile(join(dir, 'init.mp4'));
  return {
    codecs: avcCodecString(init),
    width,
    height,
    bytes: bytes + init.length,
    segments: entries.length,
    peakBitrate: Math.ceil(peak) || 1,
    averageBitrate: seconds > 0 ? Math.ceil(((bytes + init.length) * 8) / seconds) : 1,
  };
}
