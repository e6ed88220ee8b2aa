/**
 * Non-codec peers for the two things Latent-INR does besides compression:
 * - frame interpolation: FFmpeg's minterpolate (motion-compensated `mci`, or `blend`) rebuilding held-out frames
 *   from the kept ones (every α-th frame kept);
 * - resolution change: FFmpeg's scale filter with lanczos.
 * Both return frames so the bench can score them with whatever metric it uses for our codec.
 */
import type { Rational } from '../../src/media/types.js';
import { filterRgbFrames } from './ffmpeg-frames.js';

export type MinterpolateMode = 'mci' | 'blend';

export interface InterpolationResult {
  /** Frame for every index 0..(kept−1)·α of the original clip: kept frames as given, the rest rebuilt. */
  frames: Uint8Array[];
  /** Indices that were rebuilt (held out): all i with i mod α ≠ 0 up to the last kept frame. */
  heldOut: number[];
}

/**
 * minterpolate works in YUV; the conversion here is full-range BT.709 4:4:4 both ways so it costs almost nothing
 * (≈ 50 dB round trip) next to the interpolation error being measured.
 */
export async function minterpolateHeldOut(
  clipFrames: readonly Uint8Array[],
  width: number,
  height: number,
  fps: Rational,
  alpha: number,
  mode: MinterpolateMode = 'mci',
): Promise<InterpolationResult> {
  if (!(Number.isInteger(alpha) && alpha >= 2)) throw new Error(`alpha must be an integer ≥ 2, got ${alpha}`);
  const keptIndices: number[] = [];
  for (let i = 0; i < clipFrames.length; i += alpha) keptIndices.push(i);
  if (keptIndices.length < 2)
    throw new Error(`need at least two kept frames (clip ${clipFrames.length}, α ${alpha})`);
  const kept = keptIndices.map((i) => clipFrames[i]);
  const target = `${fps.num}/${fps.den}`;
  const description = [
    'scale=out_color_matrix=bt709:out_range=pc:flags=accurate_rnd+full_chroma_int',
    'format=yuv444p',
    // scd=none: a scene-cut detector would fall back to copying frames, not what we compare against.
    mode === 'mci'
      ? `minterpolate=fps=${target}:mi_mode=mci:mc_mode=aobmc:me_mode=bidir:vsbmc=1:scd=none`
      : `minterpolate=fps=${target}:mi_mode=blend:scd=none`,
    'scale=in_color_matrix=bt709:in_range=pc:flags=accurate_rnd+full_chroma_int',
    'format=rgb24',
  ].join(',');
  const last = keptIndices[keptIndices.length - 1];
  // minterpolate only emits an interval once frames beyond it have arrived and does not flush at EOF: pad with two
  // copies of the last kept frame (their output is discarded).
  const padded = [...kept, kept[kept.length - 1], kept[kept.length - 1]];
  const ptsOf = (k: number) => (k < kept.length ? keptIndices[k] : last + (k - kept.length + 1) * alpha);
  const out = await filterRgbFrames(padded, width, height, fps, description, ptsOf);
  const frames: Uint8Array[] = new Array(last + 1);
  for (const f of out) {
    const index = Math.round(f.pts);
    if (index >= 0 && index <= last && Math.abs(f.pts - index) < 1e-6) frames[index] = f.data;
  }
  const heldOut: number[] = [];
  for (let i = 0; i <= last; i++) {
    if (i % alpha === 0) frames[i] = clipFrames[i] as Uint8Array;
    else heldOut.push(i);
    if (!frames[i]) throw new Error(`minterpolate produced no frame for index ${i}`);
  }
  return { frames, heldOut };
}

/** Resizes RGB24 frames with FFmpeg's scale filter (lanczos by default, accurate rounding). */
export async function resizeFrames(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  outWidth: number,
  outHeight: number,
  kernel: 'lanczos' | 'bicubic' | 'bilinear' | 'area' = 'lanczos',
): Promise<Uint8Array[]> {
  const out = await filterRgbFrames(
    frames,
    width,
    height,
    { num: 1, den: 1 },
    `scale=w=${outWidth}:h=${outHeight}:flags=${kernel}+accurate_rnd+full_chroma_int,format=rgb24`,
  );
  if (out.length !== frames.length)
    throw new Error(`scale returned ${out.length} of ${frames.length} frames`);
  return out.map((f) => f.data);
}
