/**
 * `encodeVideo`: RGB24 frames → an MP4 file through FFmpeg encoders (x264, x265, SVT-AV1, libvpx-vp9).
 * RGB→YUV uses the matrix colour.ts picks for the size (BT.709 HD / BT.601 SD, limited range) and tags the stream,
 * so `decodeVideo` inverts the same matrix. Writing is atomic: a temp file beside the target, renamed at the end,
 * removed on any failure.
 */
import { randomBytes } from 'node:crypto';
import { rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import {
  AV_PIX_FMT_YUV420P,
  AV_PIX_FMT_YUV444P,
  FF_ENCODER_LIBSVTAV1,
  FF_ENCODER_LIBVPX_VP9,
  FF_ENCODER_LIBX264,
  FF_ENCODER_LIBX265,
} from 'node-av/constants';
import { AvRational, Encoder, FilterAPI, type Frame, Muxer } from './av.js';
import { type ColourTags, encoderColourTags } from './colour.js';
import { rationalFromNumber } from './decode-plan.js';
import { checkDimension, MediaError } from './errors.js';
import { frameFromRgb } from './frames.js';
import { describe } from './input.js';
import type { Rational } from './types.js';

export type VideoCodec = 'h264' | 'hevc' | 'av1' | 'vp9';
export type EncodePixelFormat = 'yuv420p' | 'yuv444p';

export interface EncodeOptions {
  path: string;
  width: number;
  height: number;
  fps: number | Rational;
  codec: VideoCodec;
  /** Constant-quality level (x264/x265 0–51, SVT-AV1 and VP9 0–63). Default: the codec's usual (23/28/35/31). */
  crf?: number;
  /** Target bits per second instead of crf (single-pass ABR). */
  bitrate?: number;
  /** x264/x265: 'ultrafast'..'veryslow' (default 'medium'); SVT-AV1: '0'..'13' (default '8'); VP9: cpu-used '0'..'8' (default '4'). */
  preset?: string;
  pixelFormat?: EncodePixelFormat;
  /** Keyframe interval in frames (default: the encoder's). */
  gopSize?: number;
  /** Encoder threads (default: the encoder's own choice). */
  threads?: number;
}

export interface EncodeResult {
  path: string;
  bytes: number;
  frames: number;
}

interface CodecSetup {
  encoder:
    | typeof FF_ENCODER_LIBX264
    | typeof FF_ENCODER_LIBX265
    | typeof FF_ENCODER_LIBSVTAV1
    | typeof FF_ENCODER_LIBVPX_VP9;
  maxCrf: number;
  defaultCrf: number;
  /** Smallest picture the encoder accepts (found by trying; x265 refuses < 16, SVT-AV1 hangs below 28 wide). */
  minWidth: number;
  minHeight: number;
  options: (crf: number | undefined, preset: string | undefined) => Record<string, string | number>;
}

const CODECS: Record<VideoCodec, CodecSetup> = {
  h264: {
    encoder: FF_ENCODER_LIBX264,
    minWidth: 1,
    minHeight: 1,
    maxCrf: 51,
    defaultCrf: 23,
    options: (crf, preset) => ({ preset: preset ?? 'medium', ...(crf === undefined ? {} : { crf }) }),
  },
  hevc: {
    encoder: FF_ENCODER_LIBX265,
    minWidth: 16,
    minHeight: 16,
    maxCrf: 51,
    defaultCrf: 28,
    options: (crf, preset) => ({
      preset: preset ?? 'medium',
      'x265-params': 'log-level=error',
      ...(crf === undefined ? {} : { crf }),
    }),
  },
  av1: {
    encoder: FF_ENCODER_LIBSVTAV1,
    minWidth: 32,
    minHeight: 4,
    maxCrf: 63,
    defaultCrf: 35,
    options: (crf, preset) => ({ preset: preset ?? '8', ...(crf === undefined ? {} : { crf }) }),
  },
  vp9: {
    encoder: FF_ENCODER_LIBVPX_VP9,
    minWidth: 1,
    minHeight: 1,
    maxCrf: 63,
    defaultCrf: 31,
    // libvpx needs b:v 0 for pure constant quality; deadline good + cpu-used is its speed knob.
    options: (crf, preset) => ({
      deadline: 'good',
      'cpu-used': preset ?? '4',
      'row-mt': 1,
      ...(crf === undefined ? {} : { crf }),
    }),
  },
};

const PRESETS_X26X = [
  'ultrafast',
  'superfast',
  'veryfast',
  'faster',
  'fast',
  'medium',
  'slow',
  'slower',
  'veryslow',
  'placebo',
];

export async function encodeVideo(
  frames: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
  options: EncodeOptions,
): Promise<EncodeResult> {
  const settings = checkOptions(options);
  const target = resolve(options.path);
  const temp = join(dirname(target), `.${basename(target)}.${randomBytes(6).toString('hex')}.tmp`);
  let muxer: Muxer | undefined;
  let encoder: Encoder | undefined;
  let converter: FilterAPI | undefined;
  let count = 0;
  try {
    const tags = encoderColourTags(options.width, options.height);
    encoder = await openEncoder(options, settings, tags);
    converter = FilterAPI.create(
      `scale=flags=bicubic+accurate_rnd+full_chroma_int+full_chroma_inp:out_color_matrix=${tags.matrix}:out_range=tv,format=${settings.pixelFormat}`,
    );
    muxer = await Muxer.open(temp, { format: 'mp4' });
    const streamIndex = muxer.addStream(encoder);
    const frameBytes = options.width * options.height * 3;
    const write = async (yuv: Frame[]) => {
      for (const frame of yuv) {
        try {
          applyTags(frame, tags);
          for (const packet of await encoder!.encodeAll(frame)) {
            await muxer!.writePacket(packet, streamIndex);
            packet.free();
          }
        } finally {
          frame.free();
        }
      }
    };
    for await (const rgb of frames) {
      if (!(rgb instanceof Uint8Array) || rgb.byteLength !== frameBytes) {
        throw new MediaError(
          'bad-frame',
          options.path,
          `frame ${count} has ${rgb?.byteLength ?? typeof rgb} bytes; ${options.width}×${options.height} RGB24 needs ${frameBytes}`,
        );
      }
      const frame = frameFromRgb(rgb, options.width, options.height, count, settings.timeBase);
      try {
        await write(await converter.processAll(frame));
      } finally {
        frame.free();
      }
      count++;
    }
    if (count === 0) throw new MediaError('bad-option', options.path, 'no frames to encode');
    const rest: Frame[] = [];
    for await (const f of converter.flushFrames()) rest.push(f);
    await write(rest);
    for (const packet of await encoder.encodeAll(null)) {
      await muxer.writePacket(packet, streamIndex);
      packet.free();
    }
    await muxer.close();
    muxer = undefined;
    await rename(temp, target);
    const { size } = await stat(target);
    return { path: target, bytes: size, frames: count };
  } catch (error) {
    if (error instanceof MediaError) throw error;
    throw new MediaError(
      'encode-failed',
      options.path,
      `${options.codec} encode failed after ${count} frame(s): ${describe(error)}`,
      {
        cause: error,
      },
    );
  } finally {
    converter?.close();
    encoder?.close();
    if (muxer) await muxer.close().catch(() => undefined);
    await unlink(temp).catch(() => undefined);
  }
}

interface Settings {
  fps: Rational;
  timeBase: Rational;
  pixelFormat: EncodePixelFormat;
  setup: CodecSetup;
}

function checkOptions(options: EncodeOptions): Settings {
  const path = options.path;
  const bad = (message: string) => new MediaError('bad-option', path, message);
  if (typeof path !== 'string' || path.length === 0) throw bad('path must be a non-empty string');
  checkDimension('width', options.width, path);
  checkDimension('height', options.height, path);
  const setup = CODECS[options.codec];
  if (!setup || !Object.hasOwn(CODECS, options.codec)) {
    throw bad(`codec must be one of ${Object.keys(CODECS).join(', ')}, got ${options.codec}`);
  }
  if (options.width < setup.minWidth || options.height < setup.minHeight) {
    throw bad(
      `${options.codec} needs at least ${setup.minWidth}×${setup.minHeight} pixels, got ${options.width}×${options.height}`,
    );
  }
  const pixelFormat = options.pixelFormat ?? 'yuv420p';
  if (pixelFormat !== 'yuv420p' && pixelFormat !== 'yuv444p')
    throw bad(`pixelFormat must be yuv420p or yuv444p`);
  // 4:2:0 needs whole chroma samples; we reject rather than silently pad or change the picture size.
  if (pixelFormat === 'yuv420p' && (options.width % 2 !== 0 || options.height % 2 !== 0)) {
    throw bad(
      `yuv420p needs an even width and height, got ${options.width}×${options.height}; use yuv444p or crop/scale to even`,
    );
  }
  const fps = typeof options.fps === 'number' ? rationalFromNumber(options.fps) : options.fps;
  if (
    !(
      fps &&
      Number.isInteger(fps.num) &&
      Number.isInteger(fps.den) &&
      fps.num > 0 &&
      fps.den > 0 &&
      fps.num / fps.den <= 1000
    )
  ) {
    throw bad(`fps must be a positive rate up to 1000, got ${JSON.stringify(options.fps)}`);
  }
  if (
    options.crf !== undefined &&
    !(Number.isInteger(options.crf) && options.crf >= 0 && options.crf <= setup.maxCrf)
  ) {
    throw bad(`crf for ${options.codec} must be an integer in 0..${setup.maxCrf}, got ${options.crf}`);
  }
  if (options.bitrate !== undefined && !(Number.isFinite(options.bitrate) && options.bitrate >= 1000)) {
    throw bad(`bitrate must be at least 1000 bits/s, got ${options.bitrate}`);
  }
  if (options.crf !== undefined && options.bitrate !== undefined) throw bad('give crf or bitrate, not both');
  if (
    (options.codec === 'h264' || options.codec === 'hevc') &&
    options.preset &&
    !PRESETS_X26X.includes(options.preset)
  ) {
    throw bad(`preset for ${options.codec} must be one of ${PRESETS_X26X.join(', ')}`);
  }
  if (
    (options.codec === 'av1' || options.codec === 'vp9') &&
    options.preset &&
    !/^\d{1,2}$/.test(options.preset)
  ) {
    throw bad(`preset for ${options.codec} must be a speed number, got ${options.preset}`);
  }
  if (options.gopSize !== undefined && !(Number.isInteger(options.gopSize) && options.gopSize >= 1)) {
    throw bad(`gopSize must be a positive integer, got ${options.gopSize}`);
  }
  if (
    options.threads !== undefined &&
    !(Number.isInteger(options.threads) && options.threads >= 0 && options.threads <= 64)
  ) {
    throw bad(`threads must be an integer in 0..64, got ${options.threads}`);
  }
  return { fps, timeBase: { num: fps.den, den: fps.num }, pixelFormat, setup };
}

async function openEncoder(options: EncodeOptions, settings: Settings, tags: ColourTags): Promise<Encoder> {
  const { setup, fps, timeBase } = settings;
  const crf = options.bitrate === undefined ? (options.crf ?? setup.defaultCrf) : undefined;
  const codecOptions = setup.options(crf, options.preset);
  if (options.codec === 'vp9' && crf !== undefined) codecOptions.b = 0;
  try {
    return await Encoder.create(setup.encoder, {
      // Constant quality must not inherit FFmpeg's default 200 kb/s target (SVT-AV1 then refuses crf).
      bitrate: options.bitrate === undefined ? 0 : Math.round(options.bitrate),
      ...(options.gopSize === undefined ? {} : { gopSize: options.gopSize }),
      ...(options.threads === undefined ? {} : { threadCount: options.threads }),
      context: {
        width: options.width,
        height: options.height,
        pixelFormat: settings.pixelFormat === 'yuv420p' ? AV_PIX_FMT_YUV420P : AV_PIX_FMT_YUV444P,
        timeBase: new AvRational(timeBase.num, timeBase.den),
        framerate: new AvRational(fps.num, fps.den),
        colorSpace: tags.colorSpace,
        colorPrimaries: tags.colorPrimaries,
        colorTrc: tags.colorTrc,
        colorRange: tags.colorRange,
      },
      options: codecOptions as never,
    });
  } catch (error) {
    throw new MediaError(
      'unsupported',
      options.path,
      `cannot open the ${options.codec} encoder: ${describe(error)}`,
      {
        cause: error,
      },
    );
  }
}

function applyTags(frame: Frame, tags: ColourTags): void {
  frame.colorSpace = tags.colorSpace;
  frame.colorPrimaries = tags.colorPrimaries;
  frame.colorTrc = tags.colorTrc;
  frame.colorRange = tags.colorRange;
}
