/** Normative dequantization (spec §4.2): integers → float32, bit-exact on every conforming decoder. */
import { type Tensor, tensorSize } from '../model/params.js';
import { type ChannelLayout, checkQuantBits, type QuantizedTensor } from './types.js';

/**
 * value = min ⊕ (q ⊗ scale) in IEEE-754 binary32 arithmetic, round-to-nearest-even, two separately rounded
 * operations (no fused multiply-add). In float64 JavaScript this is exactly fround(min + fround(q · scale)): the
 * product of a 16-bit integer and a binary32 is exact in binary64, and binary64 addition of two binary32 values
 * followed by one rounding to binary32 equals binary32 addition (53 ≥ 2·24 + 2).
 */
export function dequantizeValue(q: number, min: number, scale: number): number {
  return Math.fround(min + Math.fround(q * scale));
}

/** Dequantizes `symbols` into `out` with per-channel min/scale (see ChannelLayout). */
export function dequantizeInto(
  symbols: Uint32Array,
  mins: Float32Array,
  scales: Float32Array,
  layout: ChannelLayout,
  out: Float32Array,
): Float32Array {
  const { channels, inner } = layout;
  const size = symbols.length;
  if (out.length !== size) throw new RangeError(`output has ${out.length} elements, ${size} symbols given`);
  if (mins.length !== channels || scales.length !== channels) {
    throw new RangeError(
      `${channels} channels need ${channels} mins and scales, got ${mins.length} and ${scales.length}`,
    );
  }
  for (let i = 0; i < size; ) {
    for (let c = 0; c < channels && i < size; c++) {
      const min = mins[c];
      const scale = scales[c];
      const end = Math.min(size, i + inner);
      for (; i < end; i++) out[i] = Math.fround(min + Math.fround(symbols[i] * scale));
    }
  }
  return out;
}

export function channelLayout(shape: readonly number[], mode: 'tensor' | 'channel'): ChannelLayout {
  const size = tensorSize(shape);
  if (mode === 'tensor') return { channels: 1, inner: Math.max(size, 1) };
  if (shape.length === 0) throw new RangeError("'channel' quantization needs a tensor of rank ≥ 1");
  const channels = shape[0];
  return { channels, inner: channels === 0 ? 1 : Math.max(size / channels, 1) };
}

/** Normative: the float32 tensor a decoder reconstructs from quantized symbols (channel axis 0). */
export function dequantizeTensor(q: QuantizedTensor): Tensor {
  checkQuantBits(q.bits);
  const size = tensorSize(q.shape);
  if (q.symbols.length !== size)
    throw new RangeError(`shape [${q.shape}] needs ${size} symbols, got ${q.symbols.length}`);
  const limit = 2 ** q.bits;
  for (let i = 0; i < size; i++) {
    if (q.symbols[i] >= limit)
      throw new RangeError(`symbol ${q.symbols[i]} at index ${i} exceeds ${q.bits} bits`);
  }
  const data = dequantizeInto(
    q.symbols,
    q.mins,
    q.scales,
    channelLayout(q.shape, q.mode),
    new Float32Array(size),
  );
  return { shape: [...q.shape], data };
}
