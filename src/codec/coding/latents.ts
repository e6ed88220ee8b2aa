/**
 * Latent coding: the `lirL` payload (spec/05-coding-payloads.md §5.3) holds the quantization and the Huffman
 * table shared by a run of frames; each frame's latent is one sample of D Huffman-coded symbols (§5.4).
 * 'channel' mode here means one min/scale per latent dimension (axis 1 of the [frames, D] latent table).
 */
import { ContainerError } from '../../container/errors.js';
import type { Syntax } from '../../container/syntax.js';
import {
  buildHuffmanTable,
  type ErrorSite,
  type HuffmanTable,
  huffmanDecodeExact,
  huffmanEncode,
  huffmanTableSyntax,
  MAX_CODE_LENGTH,
} from '../entropy/huffman.js';
import type { Tensor } from '../model/params.js';
import { dequantizeInto } from '../quant/dequantize.js';
import { quantizeWithLayout } from '../quant/quantize.js';
import type { ChannelLayout, QuantMode } from '../quant/types.js';
import {
  firstSymbolOutOfRange,
  quantBitsSyntax,
  quantModeSyntax,
  quantRangesSyntax,
} from './quant-params.js';

export type LatentPredictor = 'none';

export interface LatentCoding {
  dim: number;
  bits: number;
  mode: QuantMode;
  mins: Float32Array;
  scales: Float32Array;
  table: HuffmanTable;
  predictor: LatentPredictor;
}

const PREDICTORS: readonly LatentPredictor[] = ['none'];

function latentLayout(dim: number, mode: QuantMode): ChannelLayout {
  return mode === 'channel' ? { channels: dim, inner: 1 } : { channels: 1, inner: Math.max(dim, 1) };
}

export function latentCodingSyntax(s: Syntax, c: LatentCoding): LatentCoding {
  const dim = s.u16('latent_dim', c.dim);
  if (dim === 0) s.fail('bad-value', 'latent_dim = 0');
  const bits = quantBitsSyntax(s, c.bits);
  const mode = quantModeSyntax(s, c.mode);
  const predictorCode = s.u8('latent_predictor', s.reading ? undefined : PREDICTORS.indexOf(c.predictor));
  const predictor = PREDICTORS[predictorCode];
  if (predictor === undefined)
    s.fail('unsupported', `latent_predictor = ${predictorCode} is not supported (0 = none)`);
  const { mins, scales } = quantRangesSyntax(s, latentLayout(dim, mode).channels, bits, c);
  const table = huffmanTableSyntax(s, c.table, 2 ** bits);
  if (!s.reading) return c;
  c.dim = dim;
  c.bits = bits;
  c.mode = mode;
  c.predictor = predictor;
  c.mins = mins;
  c.scales = scales;
  c.table = table;
  return c;
}

/** Quantizes a [frames, D] latent table and codes each frame as one sample. */
export function encodeLatents(
  latents: Tensor,
  bits: number,
  mode: QuantMode,
): { coding: LatentCoding; samples: Uint8Array[] } {
  if (latents.shape.length !== 2)
    throw new RangeError(`latents must have shape [frames, D], got [${latents.shape}]`);
  const [frames, dim] = latents.shape;
  if (dim < 1 || dim > 0xffff) throw new RangeError(`latent dimension ${dim} is outside [1, 65535]`);
  if (latents.data.length !== frames * dim)
    throw new RangeError(`shape [${latents.shape}] needs ${frames * dim} values, got ${latents.data.length}`);
  const { mins, scales, symbols } = quantizeWithLayout(latents.data, bits, latentLayout(dim, mode));
  const histogram = new Uint32Array(2 ** bits);
  for (let i = 0; i < symbols.length; i++) histogram[symbols[i]]++;
  const table = buildHuffmanTable(histogram, MAX_CODE_LENGTH);
  const samples: Uint8Array[] = [];
  for (let f = 0; f < frames; f++)
    samples.push(huffmanEncode(table, symbols.subarray(f * dim, (f + 1) * dim)));
  return { coding: { dim, bits, mode, mins, scales, table, predictor: 'none' }, samples };
}

/** Normative: the D float32 latent values of one frame sample (bit-exact). `site` locates the sample. */
export function decodeLatentSample(coding: LatentCoding, sample: Uint8Array, site?: ErrorSite): Float32Array {
  const where = site ?? { box: 'mdat', offset: 0 };
  const symbols = huffmanDecodeExact(coding.table, sample, coding.dim, where);
  const bad = firstSymbolOutOfRange(symbols, coding.bits);
  if (bad >= 0)
    throw new ContainerError(
      'bad-value',
      where.box,
      where.offset,
      `latent ${bad}: symbol ${symbols[bad]} exceeds ${coding.bits} bits`,
    );
  return dequantizeInto(
    symbols,
    coding.mins,
    coding.scales,
    latentLayout(coding.dim, coding.mode),
    new Float32Array(coding.dim),
  );
}
