/**
 * A video file as the encoder's FrameSource: frames are decoded on demand, in order, so memory holds one chunk at
 * a time. Reading backwards restarts the decoder (the encoder reads twice: a scene-cut scan, then chunk by chunk).
 */
import type { FrameSource } from '../codec/segmenter/encode.js';
import { decodeVideo } from './decode.js';
import { MediaError } from './errors.js';
import { probeVideo } from './probe.js';
import type { DecodeOptions, Rational } from './types.js';

export interface MediaFrameSource extends FrameSource {
  fps: Rational;
  close(): Promise<void>;
}

/** timescale / sampleDuration for a frame rate, with a timescale of at least 1000 ticks per second. */
export function frameTiming(fps: Rational): { timescale: number; sampleDuration: number } {
  const k = fps.num >= 1000 ? 1 : Math.ceil(1000 / fps.num);
  return { timescale: fps.num * k, sampleDuration: fps.den * k };
}

function asRational(fps: number | Rational): Rational {
  if (typeof fps !== 'number') return fps;
  if (Number.isInteger(fps)) return { num: fps, den: 1 };
  return { num: Math.round(fps * 1001), den: 1001 };
}

export async function openMediaSource(path: string, options: DecodeOptions = {}): Promise<MediaFrameSource> {
  const info = await probeVideo(path);
  const fps = options.fps !== undefined ? asRational(options.fps) : info.fps;
  let width = 0;
  let height = 0;
  let frameCount = 0;
  for await (const f of decodeVideo(path, options)) {
    width = f.width;
    height = f.height;
    frameCount++;
  }
  if (frameCount === 0) throw new MediaError('empty-video', path, 'the video stream decodes to zero frames');

  let iterator: AsyncGenerator<{ data: Uint8Array }> | null = null;
  let position = 0;
  const restart = async () => {
    await iterator?.return(undefined);
    iterator = decodeVideo(path, options);
    position = 0;
  };
  return {
    width,
    height,
    frameCount,
    fps,
    ...frameTiming(fps),
    async read(first, count) {
      if (first < 0 || count < 0 || first + count > frameCount) {
        throw new RangeError(`frames ${first}..${first + count - 1} are outside 0..${frameCount - 1}`);
      }
      if (!iterator || first < position) await restart();
      const out: Uint8Array[] = [];
      while (position < first + count) {
        const next = await iterator!.next();
        if (next.done)
          throw new MediaError(
            'corrupt',
            path,
            `the video ended at frame ${position}, expected ${frameCount}`,
          );
        if (position >= first) out.push(next.value.data);
        position++;
      }
      return out;
    },
    async close() {
      await iterator?.return(undefined);
      iterator = null;
    },
  };
}

/** Frames already in memory (synthetic clips, tests). */
export function memorySource(
  frames: Uint8Array[],
  width: number,
  height: number,
  fps: Rational,
): FrameSource {
  return {
    width,
    height,
    frameCount: frames.length,
    ...frameTiming(fps),
    read: async (first, count) => frames.slice(first, first + count),
  };
}
