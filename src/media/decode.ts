/**
 * `decodeVideo`: a video file → RGB24 frames, with crop, resize, frame-rate conversion and trimming done by
 * FFmpeg (see decode-plan.ts for the filter chain and colour.ts for the matrix/range rules).
 */
import { AV_NOPTS_VALUE, AVSEEK_FLAG_BACKWARD } from 'node-av/constants';
import { avGetPixFmtName } from 'node-av/lib';
import { Decoder, FilterAPI, type Frame } from './av.js';
import { matrixOfFrame, rangeOfFrame } from './colour.js';
import { type DecodePlan, decodeFilterDescription, planDecode } from './decode-plan.js';
import { MediaError } from './errors.js';
import { rgbFromFrame, seconds } from './frames.js';
import { describe, openVideoInput, streamFrameRate, streamStartTime, type VideoInput } from './input.js';
import type { DecodeOptions, Rational, RgbFrame } from './types.js';

export { probeVideo } from './probe.js';

/** Timestamps within this many seconds of a trim boundary count as on it (container time bases round). */
const TIME_EPSILON = 1e-6;

export interface DecodedFrame extends RgbFrame {
  width: number;
  height: number;
}

export async function* decodeVideo(path: string, options: DecodeOptions = {}): AsyncGenerator<DecodedFrame> {
  const input = await openVideoInput(path);
  let decoder: Decoder | undefined;
  let filter: FilterAPI | undefined;
  try {
    const { width, height } = input.stream.codecpar;
    const plan = planDecode(path, width, height, options);
    decoder = await createDecoder(input);
    const startPts = firstPts(input);
    if (plan.start > 0) await seekBefore(input, plan.start);

    let decoded = 0;
    let emitted = 0;
    const emit = function* (frames: Frame[]): Generator<DecodedFrame, boolean> {
      let done = false;
      for (const out of frames) {
        try {
          if (done) continue;
          const pts = seconds(out.pts, out.timeBase);
          if (pts >= plan.end - TIME_EPSILON) {
            done = true;
            continue;
          }
          if (pts < plan.start - TIME_EPSILON) continue;
          yield { index: emitted++, pts, width: out.width, height: out.height, data: rgbFromFrame(out) };
          done = emitted >= plan.frames;
        } finally {
          out.free();
        }
      }
      return done;
    };

    // The synchronous packet reader: the async one runs a read-ahead loop that, once its queue is full while this
    // generator is suspended (an encoder training between two chunk reads), spins on setImmediate and halves the
    // training speed.
    for (const packet of input.demuxer.packetsSync(input.stream.index)) {
      let frames: Frame[];
      try {
        frames = await decoder.decodeAll(packet);
      } catch (error) {
        throw new MediaError(
          'corrupt',
          path,
          `decoding failed after ${decoded} frame(s): ${describe(error)}`,
          {
            cause: error,
          },
        );
      } finally {
        packet?.free();
      }
      for (const frame of frames) {
        decoded++;
        normaliseTimestamp(frame, startPts);
        filter ??= createFilter(plan, frame);
        const filtered = await runFilter(filter, frame, path);
        frame.free();
        if (yield* emit(filtered)) return;
      }
      if (!packet) break;
    }
    if (decoded === 0) throw new MediaError('empty-video', path, 'the video stream holds no decodable frame');
    if (filter) {
      const rest: Frame[] = [];
      for await (const f of filter.flushFrames()) rest.push(f);
      yield* emit(rest);
    }
    if (emitted === 0) {
      throw new MediaError('bad-option', path, `no frame in the requested range (start ${plan.start} s)`);
    }
  } finally {
    filter?.close();
    decoder?.close();
    await input.demuxer.close();
  }
}

export interface DecodedClip {
  width: number;
  height: number;
  /** The output frame rate: options.fps when given, else the source's. */
  fps: Rational;
  frames: Uint8Array[];
  /** Presentation time of each frame in seconds. */
  pts: number[];
}

/** Whole clip in memory; refuses clips above `maxBytes` of RGB (default 2 GiB) — stream with decodeVideo instead. */
export async function readFrames(
  path: string,
  options: DecodeOptions & { maxBytes?: number } = {},
): Promise<DecodedClip> {
  const maxBytes = options.maxBytes ?? 2 ** 31;
  const frames: Uint8Array[] = [];
  const pts: number[] = [];
  let width = 0;
  let height = 0;
  let bytes = 0;
  for await (const frame of decodeVideo(path, options)) {
    bytes += frame.data.byteLength;
    if (bytes > maxBytes) {
      throw new MediaError('bad-option', path, `clip exceeds maxBytes=${maxBytes} of RGB; use decodeVideo`);
    }
    width = frame.width;
    height = frame.height;
    frames.push(frame.data);
    pts.push(frame.pts);
  }
  const fps =
    options.fps === undefined ? await sourceFps(path) : planDecode(path, 1, 1, { fps: options.fps }).fps!;
  return { width, height, fps, frames, pts };
}

async function sourceFps(path: string): Promise<Rational> {
  const input = await openVideoInput(path);
  try {
    return streamFrameRate(input.stream);
  } finally {
    await input.demuxer.close();
  }
}

async function createDecoder(input: VideoInput): Promise<Decoder> {
  try {
    return await Decoder.create(input.stream);
  } catch (error) {
    throw new MediaError('unsupported', input.path, `no decoder for this video stream: ${describe(error)}`, {
      cause: error,
    });
  }
}

function createFilter(plan: DecodePlan, first: Frame): FilterAPI {
  const pixelFormat = avGetPixFmtName(first.format as never) ?? '';
  const matrix = matrixOfFrame(first.colorSpace, first.width, first.height);
  const range = rangeOfFrame(first.colorRange, pixelFormat);
  return FilterAPI.create(decodeFilterDescription(plan, matrix, range));
}

async function runFilter(filter: FilterAPI, frame: Frame, path: string): Promise<Frame[]> {
  try {
    return await filter.processAll(frame);
  } catch (error) {
    throw new MediaError('corrupt', path, `filtering failed: ${describe(error)}`, { cause: error });
  }
}

/** The stream's first timestamp, subtracted from every frame so that output times start at 0. */
function firstPts(input: VideoInput): bigint {
  const start = input.stream.startTime;
  return start === AV_NOPTS_VALUE ? 0n : start;
}

function normaliseTimestamp(frame: Frame, startPts: bigint): void {
  let pts = frame.pts;
  if (pts === AV_NOPTS_VALUE) pts = frame.bestEffortTimestamp;
  if (pts !== AV_NOPTS_VALUE) frame.pts = pts - startPts;
}

/** Seeks to the keyframe at or before `start` (seconds from stream start); decoding from 0 when that fails. */
async function seekBefore(input: VideoInput, start: number): Promise<void> {
  const target = start + streamStartTime(input.stream);
  try {
    const ret = await input.demuxer.seek(target, -1, AVSEEK_FLAG_BACKWARD);
    if (ret < 0) await input.demuxer.seek(0, -1, AVSEEK_FLAG_BACKWARD);
  } catch {
    // Not seekable: the trim below still drops early frames, just more slowly.
  }
}
