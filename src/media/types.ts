/** Plain data crossing the media boundary: no node-av types leak out of src/media. */

export interface Rational {
  num: number;
  den: number;
}

export function rationalToNumber(r: Rational): number {
  return r.num / r.den;
}

/** One decoded frame: `data` is row-major packed RGB24, length width·height·3. */
export interface RgbFrame {
  /** 0-based index among the frames this decode produced (after trimming and fps conversion). */
  index: number;
  /** Presentation time in seconds from the start of the stream. */
  pts: number;
  data: Uint8Array;
}

export interface VideoInfo {
  path: string;
  width: number;
  height: number;
  /** Frames in the video stream; see `frameCountExact`. */
  frameCount: number;
  /**
   * true when `frameCount` comes from the container's sample table or from counting packets; false when it is
   * duration × fps (containers such as AVI/MKV/WebM often carry no count).
   */
  frameCountExact: boolean;
  /** Average frame rate of the stream (FFmpeg's avg_frame_rate, falling back to r_frame_rate). */
  fps: Rational;
  /** Seconds; the stream's duration when known, else the container's. */
  duration: number;
  /** FFmpeg codec name, e.g. 'h264', 'hevc', 'av1', 'mpeg4'. */
  codec: string;
  /** FFmpeg pixel format name of the coded pictures, e.g. 'yuv420p'. */
  pixelFormat: string;
  /** YUV matrix and range the stream is tagged with ('unspecified' when untagged; see colour.ts for the fallback). */
  colourMatrix: 'bt709' | 'bt601' | 'bt2020' | 'fcc' | 'smpte240m' | 'unspecified';
  colourRange: 'tv' | 'pc' | 'unspecified';
  hasVideo: true;
  hasAudio: boolean;
}

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export type ScaleFilter = 'lanczos' | 'bicubic' | 'bilinear' | 'area' | 'neighbor';

export interface DecodeOptions {
  /** Output width; with only one of width/height given the other keeps the aspect ratio (rounded to even). */
  width?: number;
  height?: number;
  /** Scaling kernel for resizing; default 'lanczos'. */
  scaleFilter?: ScaleFilter;
  /** Ask swscale for bit-exact output (identical bytes on every CPU, a little slower). Default false. */
  bitexact?: boolean;
  /** Crop rectangle in source pixels, applied before scaling. */
  crop?: CropRect;
  /** Output frame rate (FFmpeg fps filter semantics: frames are duplicated or dropped, rounding to nearest). */
  fps?: number | Rational;
  /** Start time in seconds: the first output frame is the first one at or after it. */
  start?: number;
  /** Stop after this many output frames. */
  frames?: number;
  /** Stop before the first frame at or after this time in seconds. */
  end?: number;
}
