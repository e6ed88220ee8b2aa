/** Moving pixels between packed RGB24 byte arrays and FFmpeg frames. */
import { AV_PIX_FMT_RGB24 } from 'node-av/constants';
import { type AvRational, Frame } from './av.js';
import type { Rational } from './types.js';

/** A new FFmpeg frame holding a copy of `rgb` (packed RGB24, width·height·3 bytes) at `pts` in `timeBase`. */
export function frameFromRgb(
  rgb: Uint8Array,
  width: number,
  height: number,
  pts: number,
  timeBase: Rational,
): Frame {
  const buffer = Buffer.from(rgb.buffer, rgb.byteOffset, rgb.byteLength);
  return Frame.fromVideoBuffer(buffer, {
    width,
    height,
    format: AV_PIX_FMT_RGB24,
    timeBase,
    pts: BigInt(pts),
  });
}

/** Packed RGB24 bytes of an rgb24 frame (row padding removed), as a plain Uint8Array the caller owns. */
export function rgbFromFrame(frame: Frame): Uint8Array {
  const buffer = frame.toBuffer();
  const expected = frame.width * frame.height * 3;
  if (buffer.byteLength !== expected) {
    throw new Error(
      `rgb24 frame ${frame.width}×${frame.height} gave ${buffer.byteLength} bytes, not ${expected}`,
    );
  }
  // A Buffer may be a view into a shared pool; hand out bytes that own their ArrayBuffer (transferable to workers).
  if (buffer.byteOffset === 0 && buffer.buffer.byteLength === expected) return new Uint8Array(buffer.buffer);
  return new Uint8Array(buffer);
}

export function seconds(pts: bigint, timeBase: AvRational | Rational): number {
  return (Number(pts) * timeBase.num) / timeBase.den;
}
