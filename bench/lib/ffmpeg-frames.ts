/**
 * Running in-memory RGB24 frames through an FFmpeg filter graph (node-av) and collecting RGB24 frames back.
 * Shared by the peer tools (minterpolate, lanczos) in this folder.
 */
import { FilterAPI, type Frame } from '../../src/media/av.js';
import { frameFromRgb, rgbFromFrame } from '../../src/media/frames.js';
import type { Rational } from '../../src/media/types.js';

export interface FilteredFrame {
  /** Output timestamp in units of 1/fps of the input (so an input frame k at pts k·step keeps its number). */
  pts: number;
  width: number;
  height: number;
  data: Uint8Array;
}

/**
 * Sends `frames` (width×height RGB24, frame i at pts `ptsOf(i)` in time base 1/fps) through `description`, which must
 * end in `format=rgb24`, and returns every output frame with its pts converted back to that time base.
 */
export async function filterRgbFrames(
  frames: readonly Uint8Array[],
  width: number,
  height: number,
  fps: Rational,
  description: string,
  ptsOf: (index: number) => number = (i) => i,
): Promise<FilteredFrame[]> {
  const timeBase = { num: fps.den, den: fps.num };
  const filter = FilterAPI.create(description);
  const out: FilteredFrame[] = [];
  const collect = (list: Frame[]) => {
    for (const f of list) {
      try {
        const pts = (Number(f.pts) * f.timeBase.num * fps.num) / (f.timeBase.den * fps.den);
        out.push({ pts, width: f.width, height: f.height, data: rgbFromFrame(f) });
      } finally {
        f.free();
      }
    }
  };
  try {
    for (let i = 0; i < frames.length; i++) {
      const frame = frameFromRgb(frames[i], width, height, ptsOf(i), timeBase);
      frame.duration = 1n;
      try {
        collect(await filter.processAll(frame));
      } finally {
        frame.free();
      }
    }
    const rest: Frame[] = [];
    for await (const f of filter.flushFrames()) rest.push(f);
    collect(rest);
  } finally {
    filter.close();
  }
  return out;
}
