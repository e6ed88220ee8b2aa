/**
 * Patch variant output stage, spec §4.3.7: a 3×3 convolution (zero padding, stride 1, PyTorch Conv2d
 * cross-correlation) over the centroid feature map, then pixel shuffle. Feature maps here are row-major HWC:
 * [rows, cols, channels].
 */

/** Conv weight [outC, inC, 3, 3] reordered to [outC, 3, 3, inC] so the channel loop reads contiguously. */
export function conv3x3WeightHWC(weight: Float32Array, outC: number, inC: number): Float32Array {
  const t = new Float32Array(weight.length);
  for (let o = 0; o < outC; o++) {
    for (let c = 0; c < inC; c++) {
      for (let k = 0; k < 9; k++) t[(o * 9 + k) * inC + c] = weight[(o * inC + c) * 9 + k];
    }
  }
  return t;
}

/**
 * Output rows `outRow0 … outRow0 + outRows − 1` of a 3×3 convolution over a `totalRows × cols × inC` map of
 * which `input` holds rows `inRow0 … inRow0 + inRows − 1` (it must hold every existing neighbour row of the
 * requested rows; rows outside [0, totalRows) and columns outside [0, cols) are the zero padding).
 * `weightHWC` comes from `conv3x3WeightHWC`. Writes `out` as [outRows, cols, outC].
 */
export function conv3x3Rows(
  input: Float32Array,
  inRow0: number,
  inRows: number,
  totalRows: number,
  cols: number,
  inC: number,
  weightHWC: Float32Array,
  bias: Float32Array,
  outC: number,
  outRow0: number,
  outRows: number,
  out: Float32Array,
): void {
  const firstNeeded = Math.max(0, outRow0 - 1);
  const lastNeeded = Math.min(totalRows - 1, outRow0 + outRows);
  if (firstNeeded < inRow0 || lastNeeded > inRow0 + inRows - 1) {
    throw new RangeError(
      `conv3x3Rows: rows ${firstNeeded}..${lastNeeded} needed, input holds ${inRow0}..${inRow0 + inRows - 1}`,
    );
  }
  for (let r = 0; r < outRows; r++) {
    const y = outRow0 + r;
    for (let x = 0; x < cols; x++) {
      const q = (r * cols + x) * outC;
      for (let o = 0; o < outC; o++) out[q + o] = bias[o];
      for (let ky = 0; ky < 3; ky++) {
        const yy = y + ky - 1;
        if (yy < 0 || yy >= totalRows) continue;
        for (let kx = 0; kx < 3; kx++) {
          const xx = x + kx - 1;
          if (xx < 0 || xx >= cols) continue;
          const src = ((yy - inRow0) * cols + xx) * inC;
          const k = ky * 3 + kx;
          for (let o = 0; o < outC; o++) {
            const w = (o * 9 + k) * inC;
            let s = 0;
            for (let c = 0; c < inC; c++) s += weightHWC[w + c] * input[src + c];
            out[q + o] += s;
          }
        }
      }
    }
  }
}

/** A whole-map convolution ([rows, cols, inC] → [rows, cols, outC]); weight in PyTorch layout [outC, inC, 3, 3]. */
export function conv3x3(
  input: Float32Array,
  rows: number,
  cols: number,
  inC: number,
  weight: Float32Array,
  bias: Float32Array,
  outC: number,
): Float32Array {
  const out = new Float32Array(rows * cols * outC);
  conv3x3Rows(input, 0, rows, rows, cols, inC, conv3x3WeightHWC(weight, outC, inC), bias, outC, 0, rows, out);
  return out;
}

/**
 * Pixel shuffle of conv rows into RGB pixel rows (HWC, cropped to `width × height`): pixel (X, Y) channel c takes
 * conv channel c·p² + (Y mod p)·p + (X mod p) of centroid (⌊X/p⌋, ⌊Y/p⌋). `conv` is [rows, cols, 3p²] holding
 * centroid rows `row0 …`; `image` receives pixel rows `row0·p … min(height, (row0 + rows)·p) − 1`, the first of
 * them at index 0. Returns the number of pixel rows written.
 */
export function pixelShuffle(
  conv: Float32Array,
  row0: number,
  rows: number,
  cols: number,
  p: number,
  image: Float32Array,
  width: number,
  height: number,
): number {
  const p2 = p * p;
  const channels = 3 * p2;
  const yStart = row0 * p;
  const yEnd = Math.min(height, (row0 + rows) * p);
  for (let Y = yStart; Y < yEnd; Y++) {
    const r = Math.floor(Y / p) - row0;
    const dy = Y % p;
    for (let X = 0; X < width; X++) {
      const src = (r * cols + Math.floor(X / p)) * channels + dy * p + (X % p);
      const dst = ((Y - yStart) * width + X) * 3;
      image[dst] = conv[src];
      image[dst + 1] = conv[src + p2];
      image[dst + 2] = conv[src + 2 * p2];
    }
  }
  return Math.max(0, yEnd - yStart);
}
