/** Opening a local file for reading video: existence check, demuxer, video stream choice, error mapping. */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  AV_DISPOSITION_ATTACHED_PIC,
  AV_NOPTS_VALUE,
  AVMEDIA_TYPE_AUDIO,
  AVMEDIA_TYPE_VIDEO,
} from 'node-av/constants';
import { avGetCodecName } from 'node-av/lib';
import { Demuxer, type Stream } from './av.js';
import { checkDimension, MediaError } from './errors.js';
import type { Rational } from './types.js';

/** Decoders that turn text files into pictures; their input is never a video a user meant to encode. */
const TEXT_AS_VIDEO_CODECS = new Set(['ansi', 'bintext', 'xbin', 'idf']);

/** Demuxers whose input names other files: a playlist posing as a video must not make us read those. */
const INDIRECT_FORMATS = new Set(['hls', 'concat', 'dash', 'webm_dash_manifest', 'imf']);

export interface VideoInput {
  path: string;
  demuxer: Demuxer;
  stream: Stream;
  hasAudio: boolean;
}

/** Opens `path` and selects its first real video stream (cover-art pictures do not count). */
export async function openVideoInput(path: string): Promise<VideoInput> {
  const absolute = resolve(path);
  await requireRegularFile(absolute, path);
  let demuxer: Demuxer;
  try {
    // Local files only: no demuxer may reach the network on behalf of an untrusted input.
    demuxer = await Demuxer.open(absolute, { options: { protocol_whitelist: 'file' } as never });
  } catch (error) {
    throw new MediaError('not-media', path, `not a readable media file (${describe(error)})`, {
      cause: error,
    });
  }
  try {
    if (INDIRECT_FORMATS.has(demuxer.formatName)) {
      throw new MediaError(
        'unsupported',
        path,
        `'${demuxer.formatName}' playlists are not accepted as video input`,
      );
    }
    const streams = demuxer.streams;
    const stream = streams.find(
      (s) => s.codecpar.codecType === AVMEDIA_TYPE_VIDEO && !s.hasDisposition(AV_DISPOSITION_ATTACHED_PIC),
    );
    const hasAudio = streams.some((s) => s.codecpar.codecType === AVMEDIA_TYPE_AUDIO);
    if (streams.length === 0) {
      // MP4 demuxers drop tracks without samples, so a zero-length video looks like an empty container.
      throw new MediaError('empty-video', path, 'the file holds no streams (a zero-length video?)');
    }
    if (!stream) {
      const what = hasAudio ? 'audio only' : `${streams.length} stream(s), none of them video`;
      throw new MediaError('no-video', path, `no video stream (${what})`);
    }
    const codecName = avGetCodecName(stream.codecpar.codecId) ?? '';
    if (TEXT_AS_VIDEO_CODECS.has(codecName)) {
      // FFmpeg's tty demuxer accepts any text file and "decodes" it as ANSI art: that is not a video.
      throw new MediaError(
        'not-media',
        path,
        `not a video file (FFmpeg reads it as '${codecName}' text art)`,
      );
    }
    const { width, height } = stream.codecpar;
    if (width === 0 || height === 0) {
      throw new MediaError('empty-video', path, 'the video stream has no picture size (no decodable frame)');
    }
    checkDimension('source width', width, path);
    checkDimension('source height', height, path);
    return { path, demuxer, stream, hasAudio };
  } catch (error) {
    await demuxer.close();
    throw error;
  }
}

async function requireRegularFile(absolute: string, path: string): Promise<void> {
  try {
    const info = await stat(absolute);
    if (!info.isFile()) throw new MediaError('not-found', path, 'not a regular file');
    if (info.size === 0) throw new MediaError('not-media', path, 'the file is empty (0 bytes)');
  } catch (error) {
    if (error instanceof MediaError) throw error;
    throw new MediaError('not-found', path, `cannot open: ${describe(error)}`, { cause: error });
  }
}

/** The stream's average frame rate, falling back to its base rate; 0/1 when the container says nothing. */
export function streamFrameRate(stream: Stream): Rational {
  for (const r of [stream.avgFrameRate, stream.rFrameRate]) {
    if (r && r.num > 0 && r.den > 0) return reduce({ num: r.num, den: r.den });
  }
  return { num: 0, den: 1 };
}

/** Stream duration in seconds, else the container's, else 0. */
export function streamDuration(input: VideoInput): number {
  const { stream, demuxer } = input;
  if (stream.duration !== AV_NOPTS_VALUE && stream.duration > 0n) {
    return (Number(stream.duration) * stream.timeBase.num) / stream.timeBase.den;
  }
  const container = demuxer.duration;
  return Number.isFinite(container) && container > 0 ? container : 0;
}

/** Start of the stream in seconds (first presentation time), 0 when unknown. */
export function streamStartTime(stream: Stream): number {
  if (stream.startTime === AV_NOPTS_VALUE) return 0;
  return (Number(stream.startTime) * stream.timeBase.num) / stream.timeBase.den;
}

export function reduce(r: Rational): Rational {
  let a = Math.abs(r.num);
  let b = Math.abs(r.den);
  while (b) [a, b] = [b, a % b];
  return a > 1 ? { num: r.num / a, den: r.den / a } : r;
}

export function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
