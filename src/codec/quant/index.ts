/** Quantization: the public entry point of src/codec/quant (spec §4.2). */
export { channelLayout, dequantizeInto, dequantizeTensor, dequantizeValue } from './dequantize.js';
export { quantizeTensor, quantizeWithLayout } from './quantize.js';
export {
  type ChannelLayout,
  checkQuantBits,
  MAX_QUANT_BITS,
  MIN_QUANT_BITS,
  type QuantizedTensor,
  type QuantMode,
} from './types.js';
