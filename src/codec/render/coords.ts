/** Pixel-centre coordinates, spec §4.3.2: pixel (i, j) of a W×H grid is at ((i + 0.5)/W, (j + 0.5)/H). */

/** Coordinates of grid cells `start … start + count − 1` in row-major order, interleaved (x, y), as float32. */
export function gridCoords(
  start: number,
  count: number,
  width: number,
  height: number,
  out: Float32Array,
): Float32Array {
  let i = start % width;
  let j = Math.floor(start / width);
  for (let k = 0; k < count; k++) {
    out[2 * k] = (i + 0.5) / width;
    out[2 * k + 1] = (j + 0.5) / height;
    if (++i === width) {
      i = 0;
      j++;
    }
  }
  return out;
}
