/** 'tensor': one min/scale for the whole tensor; 'channel': one per index of the channel axis (weights: axis 0). */
export type QuantMode = 'tensor' | 'channel';

export const MIN_QUANT_BITS = 1;
export const MAX_QUANT_BITS = 16;

export interface QuantizedTensor {
  shape: number[];
  bits: number;
  mode: QuantMode;
  /** One entry per channel ('channel') or a single entry ('tensor'). */
  mins: Float32Array;
  scales: Float32Array;
  /** Row-major, each in [0, 2^bits − 1]. */
  symbols: Uint32Array;
}

/**
 * How elements map to their min/scale: element i (row-major) uses channel floor(i / inner) mod channels.
 * Weights in 'channel' mode: channels = shape[0], inner = size / shape[0]; latents [frames, D] in 'channel'
 * mode: channels = D, inner = 1; 'tensor' mode: channels = 1, inner = size.
 */
export interface ChannelLayout {
  channels: number;
  inner: number;
}

export function checkQuantBits(bits: number): void {
  if (!Number.isInteger(bits) || bits < MIN_QUANT_BITS || bits > MAX_QUANT_BITS) {
    throw new RangeError(
      `quantization bits ${bits} is not an integer in [${MIN_QUANT_BITS}, ${MAX_QUANT_BITS}]`,
    );
  }
}
