/** Output conversion, spec §4.3.6: clamp to [0, 1] (NaN → 0), and 8-bit as floor(255·v + 0.5). */

export type FrameBuffer = Float32Array | Uint8Array;

/** Clamps every value to [0, 1] in place; NaN becomes 0. */
export function clampUnit(values: Float32Array): Float32Array {
  return writeOutput(values, 0, values.length, values, 0) as Float32Array;
}

/** round(255·clamp(v)) with halves away from zero (NaN becomes 0). */
export function toRgb8(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  writeOutput(values, 0, values.length, out, 0);
  return out;
}

/**
 * Writes `count` raw network outputs from `src[srcOffset…]` into `dest[destOffset…]`: clamped floats for a
 * Float32Array, 8-bit values for a Uint8Array. Returns `dest`.
 */
export function writeOutput(
  src: Float32Array,
  srcOffset: number,
  count: number,
  dest: FrameBuffer,
  destOffset: number,
): FrameBuffer {
  if (dest instanceof Uint8Array) {
    for (let k = 0; k < count; k++) {
      const v = src[srcOffset + k];
      dest[destOffset + k] = Math.floor(255 * (v > 0 ? Math.min(v, 1) : 0) + 0.5);
    }
  } else {
    for (let k = 0; k < count; k++) {
      const v = src[srcOffset + k];
      dest[destOffset + k] = v > 0 ? Math.min(v, 1) : 0;
    }
  }
  return dest;
}
