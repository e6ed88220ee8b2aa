/** Output conversion, spec §4.3.6. */

/** Clamps every value to [0, 1] in place; NaN becomes 0. */
export function clampUnit(values: Float32Array): Float32Array {
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    values[k] = v > 0 ? Math.min(v, 1) : 0;
  }
  return values;
}

/** round(255·clamp(v)) with halves away from zero (NaN becomes 0). */
export function toRgb8(values: Float32Array): Uint8Array {
  const out = new Uint8Array(values.length);
  for (let k = 0; k < values.length; k++) {
    const v = values[k];
    out[k] = Math.floor(255 * (v > 0 ? Math.min(v, 1) : 0) + 0.5);
  }
  return out;
}
