/**
 * Turns DecodeOptions into checked numbers and an FFmpeg filter description. Pure: no node-av, so the option
 * rules are testable on their own.
 *
 * Filter order: fps first (dropped frames are never converted), then YUV→RGB24 with an explicit matrix and range
 * (see colour.ts). Without a crop the conversion and the resize are one swscale pass; with a crop the picture is
 * converted at source size first (full chroma interpolation), cropped exactly in RGB (odd offsets stay exact
 * under 4:2:0), then resized RGB→RGB.
 */
import type { ColourMatrix, ColourRange } from './colour.js';
import { checkDimension, MediaError } from './errors.js';
import type { CropRect, DecodeOptions, Rational, ScaleFilter } from './types.js';

export interface DecodePlan {
  sourceWidth: number;
  sourceHeight: number;
  crop?: CropRect;
  width: number;
  height: number;
  scaleFilter: ScaleFilter;
  bitexact: boolean;
  fps?: Rational;
  start: number;
  end: number;
  frames: number;
}

const SCALE_FILTERS: readonly ScaleFilter[] = ['lanczos', 'bicubic', 'bilinear', 'area', 'neighbor'];

export function planDecode(
  path: string,
  sourceWidth: number,
  sourceHeight: number,
  options: DecodeOptions,
): DecodePlan {
  const bad = (message: string) => new MediaError('bad-option', path, message);
  const crop = options.crop;
  if (crop) {
    for (const key of ['x', 'y', 'width', 'height'] as const) {
      if (!Number.isInteger(crop[key]) || crop[key] < 0) {
        throw bad(`crop.${key} must be a non-negative integer, got ${crop[key]}`);
      }
    }
    if (crop.width < 1 || crop.height < 1)
      throw bad(`crop size must be at least 1×1, got ${crop.width}×${crop.height}`);
    if (crop.x + crop.width > sourceWidth || crop.y + crop.height > sourceHeight) {
      throw bad(
        `crop ${crop.width}×${crop.height}+${crop.x}+${crop.y} exceeds the ${sourceWidth}×${sourceHeight} source`,
      );
    }
  }
  const inWidth = crop?.width ?? sourceWidth;
  const inHeight = crop?.height ?? sourceHeight;
  let { width, height } = options;
  if (width !== undefined) checkDimension('width', width, path);
  if (height !== undefined) checkDimension('height', height, path);
  if (width === undefined && height !== undefined) width = evenAtLeast2((height * inWidth) / inHeight);
  if (height === undefined && width !== undefined) height = evenAtLeast2((width * inHeight) / inWidth);
  width ??= inWidth;
  height ??= inHeight;
  checkDimension('width', width, path);
  checkDimension('height', height, path);

  const scaleFilter = options.scaleFilter ?? 'lanczos';
  if (!SCALE_FILTERS.includes(scaleFilter))
    throw bad(`scaleFilter must be one of ${SCALE_FILTERS.join(', ')}`);

  let fps: Rational | undefined;
  if (options.fps !== undefined) {
    fps = typeof options.fps === 'number' ? rationalFromNumber(options.fps) : options.fps;
    if (!(Number.isInteger(fps.num) && Number.isInteger(fps.den) && fps.num > 0 && fps.den > 0)) {
      throw bad(`fps must be a positive number or rational, got ${JSON.stringify(options.fps)}`);
    }
    if (fps.num / fps.den > 1000) throw bad(`fps ${fps.num}/${fps.den} is above 1000`);
  }
  const start = options.start ?? 0;
  if (!(Number.isFinite(start) && start >= 0)) throw bad(`start must be a finite number ≥ 0, got ${start}`);
  const end = options.end ?? Number.POSITIVE_INFINITY;
  if (!(end > start)) throw bad(`end (${end}) must be after start (${start})`);
  const frames = options.frames ?? Number.POSITIVE_INFINITY;
  if (frames !== Number.POSITIVE_INFINITY && !(Number.isInteger(frames) && frames >= 1)) {
    throw bad(`frames must be a positive integer, got ${frames}`);
  }
  const bitexact = options.bitexact ?? false;
  return { sourceWidth, sourceHeight, crop, width, height, scaleFilter, bitexact, fps, start, end, frames };
}

/** FFmpeg filter description for one plan, given the colour interpretation of the decoded pictures. */
export function decodeFilterDescription(plan: DecodePlan, matrix: ColourMatrix, range: ColourRange): string {
  const parts: string[] = [];
  if (plan.fps) {
    const startTime = plan.start > 0 ? `:start_time=${plan.start}` : '';
    parts.push(`fps=fps=${plan.fps.num}/${plan.fps.den}${startTime}`);
  }
  const colour = `in_color_matrix=${matrix}:in_range=${range}`;
  const exact = plan.bitexact ? '+bitexact' : '';
  const resized =
    plan.width !== (plan.crop?.width ?? plan.sourceWidth) ||
    plan.height !== (plan.crop?.height ?? plan.sourceHeight);
  if (plan.crop) {
    const c = plan.crop;
    parts.push(`scale=flags=bicubic+accurate_rnd+full_chroma_int${exact}:${colour}`, 'format=rgb24');
    parts.push(`crop=w=${c.width}:h=${c.height}:x=${c.x}:y=${c.y}:exact=1`);
    if (resized)
      parts.push(`scale=w=${plan.width}:h=${plan.height}:flags=${plan.scaleFilter}+accurate_rnd${exact}`);
  } else {
    const size = resized ? `w=${plan.width}:h=${plan.height}:` : '';
    parts.push(`scale=${size}flags=${plan.scaleFilter}+accurate_rnd+full_chroma_int${exact}:${colour}`);
  }
  parts.push('format=rgb24');
  return parts.join(',');
}

function reduced(num: number, den: number): Rational {
  let a = num;
  let b = den;
  while (b) [a, b] = [b, a % b];
  return { num: num / a, den: den / a };
}

function evenAtLeast2(x: number): number {
  return Math.max(2, 2 * Math.round(x / 2));
}

/** 23.976 → 24000/1001 and friends; otherwise the closest fraction with denominator ≤ 1001. */
export function rationalFromNumber(x: number): Rational {
  if (!(Number.isFinite(x) && x > 0)) return { num: 0, den: 0 };
  if (Number.isInteger(x)) return { num: x, den: 1 };
  for (const den of [1001, 1000]) {
    const num = Math.round(x * den);
    if (Math.abs(num / den - x) < 1e-9 * x) return reduced(num, den);
  }
  let best = { num: Math.round(x), den: 1 };
  for (let den = 2; den <= 1001; den++) {
    const num = Math.round(x * den);
    if (Math.abs(num / den - x) < Math.abs(best.num / best.den - x)) best = { num, den };
  }
  return best;
}
