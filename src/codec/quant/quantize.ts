/**
 * Encoder-side quantization (paper eq. 3 with 2^b − 1 steps so that both min and max are representable):
 * scale = (max − min) / (2^b − 1), q = round((x − min) / scale). Not normative; only dequantization is.
 */
import { type Tensor, tensorSize } from '../model/params.js';
import { channelLayout, dequantizeValue } from './dequantize.js';
import { type ChannelLayout, checkQuantBits, type QuantizedTensor, type QuantMode } from './types.js';

export function quantizeTensor(t: Tensor, bits: number, mode: QuantMode): QuantizedTensor {
  checkQuantBits(bits);
  const size = tensorSize(t.shape);
  if (t.data.length !== size)
    throw new RangeError(`shape [${t.shape}] needs ${size} values, got ${t.data.length}`);
  const { mins, scales, symbols } = quantizeWithLayout(t.data, bits, channelLayout(t.shape, mode));
  return { shape: [...t.shape], bits, mode, mins, scales, symbols };
}

/**
 * Per channel: min and max of its values, scale = fround((max − min) / (2^b − 1)), then for each value the
 * symbol whose normative dequantization is nearest (round((x − min) / scale), corrected by ±1 where float32
 * rounding of min, scale or the product makes a neighbour closer). A constant channel gets scale 0, symbols 0.
 */
export function quantizeWithLayout(
  data: Float32Array,
  bits: number,
  layout: ChannelLayout,
): { mins: Float32Array; scales: Float32Array; symbols: Uint32Array } {
  checkQuantBits(bits);
  const { channels } = layout;
  const size = data.length;
  const levels = 2 ** bits - 1;
  const mins = new Float32Array(channels);
  const scales = new Float32Array(channels);
  const symbols = new Uint32Array(size);
  const lo = new Float64Array(channels).fill(Number.POSITIVE_INFINITY);
  const hi = new Float64Array(channels).fill(Number.NEGATIVE_INFINITY);
  forEachChannelRun(size, layout, (c, start, end) => {
    for (let i = start; i < end; i++) {
      const x = data[i];
      if (!Number.isFinite(x))
        throw new RangeError(`value ${x} at index ${i} cannot be quantized (must be finite)`);
      if (x < lo[c]) lo[c] = x;
      if (x > hi[c]) hi[c] = x;
    }
  });
  for (let c = 0; c < channels; c++) {
    if (lo[c] > hi[c]) continue; // empty channel: min 0, scale 0
    const scale = Math.fround((hi[c] - lo[c]) / levels);
    if (!Number.isFinite(scale) || !Number.isFinite(dequantizeValue(levels, lo[c], scale))) {
      throw new RangeError(
        `channel ${c} range [${lo[c]}, ${hi[c]}] is too wide for ${bits}-bit float32 quantization`,
      );
    }
    mins[c] = lo[c];
    scales[c] = scale;
  }
  forEachChannelRun(size, layout, (c, start, end) => {
    const min = mins[c];
    const scale = scales[c];
    if (scale === 0) return; // symbols stay 0
    for (let i = start; i < end; i++) {
      const x = data[i];
      let q = Math.min(levels, Math.max(0, Math.round((x - min) / scale)));
      let error = Math.abs(x - dequantizeValue(q, min, scale));
      if (q > 0 && Math.abs(x - dequantizeValue(q - 1, min, scale)) < error) {
        q--;
        error = Math.abs(x - dequantizeValue(q, min, scale));
      } else if (q < levels && Math.abs(x - dequantizeValue(q + 1, min, scale)) < error) {
        q++;
      }
      symbols[i] = q;
    }
  });
  return { mins, scales, symbols };
}

function forEachChannelRun(
  size: number,
  { channels, inner }: ChannelLayout,
  f: (c: number, start: number, end: number) => void,
): void {
  for (let i = 0; i < size; ) {
    for (let c = 0; c < channels && i < size; c++) {
      const end = Math.min(size, i + inner);
      f(c, i, end);
      i = end;
    }
  }
}
