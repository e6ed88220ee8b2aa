/**
 * Coded tensor group: the `lirW` payload (spec/05-coding-payloads.md §5.2). The tensors of one parameter group
 * are quantized one by one and their symbols, concatenated in tensor order (row-major within each), are coded
 * with one canonical Huffman table.
 */
import { ContainerError } from '../../container/errors.js';
import type { Syntax } from '../../container/syntax.js';
import {
  buildHuffmanTable,
  type HuffmanTable,
  huffmanDecodeExact,
  huffmanEncode,
  huffmanTableSyntax,
  MAX_CODE_LENGTH,
} from '../entropy/huffman.js';
import { type ParamGroup, type Tensor, tensorSize } from '../model/params.js';
import { channelLayout, dequantizeInto } from '../quant/dequantize.js';
import { quantizeTensor } from '../quant/quantize.js';
import type { QuantMode } from '../quant/types.js';
import {
  firstSymbolOutOfRange,
  quantBitsSyntax,
  quantModeSyntax,
  quantRangesSyntax,
} from './quant-params.js';

export interface CodedTensor {
  name: string;
  shape: number[];
  bits: number;
  mode: QuantMode;
  mins: Float32Array;
  scales: Float32Array;
}

export interface CodedTensorGroup {
  group: ParamGroup;
  tensors: CodedTensor[];
  table: HuffmanTable;
  payload: Uint8Array;
  /** Set by the reader: absolute file offset of `payload`, so decoding errors can point into the file. */
  payloadOffset?: number;
}

/** param_group codes (spec §5.2). */
export const PARAM_GROUP_CODES: readonly ParamGroup[] = ['latents', 'encoding', 'base', 'hyper', 'patch'];
export const MAX_TENSOR_RANK = 8;
/** Elements a group may declare: bounds decoder allocation (4 bytes per symbol + 4 per float). */
export const MAX_GROUP_ELEMENTS = 2 ** 28;
/**
 * Encoder policy: 'channel' mode applies only to tensors whose rows have at least this many elements (weight
 * matrices); biases and narrow tables (hash grid rows of 2 features) use 'tensor' mode, since 8 bytes of
 * min/scale per row would cost more than they save.
 */
export const MIN_CHANNEL_ROW_ELEMENTS = 8;
/** Smallest coded tensor: empty name, rank 0, bits, mode and one min/scale pair. */
const MIN_CODED_TENSOR_BYTES = 12;

export function codedTensorGroupSyntax(s: Syntax, g: CodedTensorGroup): CodedTensorGroup {
  const groupCode = s.u8('param_group', s.reading ? undefined : PARAM_GROUP_CODES.indexOf(g.group));
  const group = PARAM_GROUP_CODES[groupCode];
  if (group === undefined) s.fail('bad-value', `param_group = ${groupCode} is not a known parameter group`);
  const count = s.count('tensor_count', 16, MIN_CODED_TENSOR_BYTES, s.reading ? undefined : g.tensors.length);
  const tensors: CodedTensor[] = s.reading ? [] : g.tensors;
  let elements = 0;
  let maxBits = 1;
  for (let k = 0; k < count; k++) {
    const t = codedTensorSyntax(s, s.reading ? ({} as CodedTensor) : tensors[k]);
    if (s.reading) tensors.push(t);
    elements += tensorSize(t.shape);
    if (elements > MAX_GROUP_ELEMENTS)
      s.fail('limit-exceeded', `the group declares more than ${MAX_GROUP_ELEMENTS} elements`);
    maxBits = Math.max(maxBits, t.bits);
  }
  const table = huffmanTableSyntax(s, g.table, 2 ** maxBits);
  const size = s.u32('payload_size', s.reading ? undefined : g.payload.length);
  // Each symbol costs at least one bit.
  if (s.reading && elements > size * 8)
    s.fail('bad-size', `payload_size = ${size} bytes cannot hold ${elements} coded symbols`);
  const payloadOffset = s.position();
  const payload = s.bytes('payload', size, g.payload);
  if (!s.reading) return g;
  g.group = group;
  g.tensors = tensors;
  g.table = table;
  g.payload = payload;
  g.payloadOffset = payloadOffset;
  return g;
}

function codedTensorSyntax(s: Syntax, t: CodedTensor): CodedTensor {
  const name = s.cstring('tensor_name', t.name);
  const rank = s.u8('tensor_rank', s.reading ? undefined : t.shape.length);
  if (rank > MAX_TENSOR_RANK)
    s.fail('limit-exceeded', `tensor '${name}' has rank ${rank} > ${MAX_TENSOR_RANK}`);
  const shape: number[] = [];
  let size = 1;
  for (let d = 0; d < rank; d++) {
    const dim = s.u32('tensor_dim', s.reading ? undefined : t.shape[d]);
    shape.push(dim);
    size *= dim;
    if (size > MAX_GROUP_ELEMENTS)
      s.fail('limit-exceeded', `tensor '${name}' has more than ${MAX_GROUP_ELEMENTS} elements`);
  }
  const bits = quantBitsSyntax(s, t.bits);
  const mode = quantModeSyntax(s, t.mode);
  // Every tensor then carries at least one range, which the tensor_count check relies on.
  if (mode === 'channel' && (rank === 0 || shape[0] === 0))
    s.fail('bad-value', `tensor '${name}' has no rows (shape [${shape}]) but quant_mode = 1 (channel)`);
  const { channels } = channelLayout(shape, mode);
  const { mins, scales } = quantRangesSyntax(s, channels, bits, t);
  return s.reading ? { name, shape, bits, mode, mins, scales } : t;
}

/** The mode a tensor is coded in when its group asks for `mode` (the MIN_CHANNEL_ROW_ELEMENTS policy). */
export function codedTensorMode(shape: readonly number[], mode: QuantMode): QuantMode {
  const rows = shape.length >= 2 ? shape[0] : 0;
  const rowElements = rows > 0 ? tensorSize(shape) / rows : 0;
  return mode === 'channel' && rowElements >= MIN_CHANNEL_ROW_ELEMENTS ? 'channel' : 'tensor';
}

/**
 * Quantizes and codes the tensors of one group (encoder; `mode` per MIN_CHANNEL_ROW_ELEMENTS policy). A tensor's
 * own `bits` overrides the group's, the shared table then covering the largest depth; its own `mode` overrides the
 * policy.
 */
export function encodeTensorGroup(
  group: ParamGroup,
  tensors: Array<{ name: string; tensor: Tensor; bits?: number; mode?: QuantMode }>,
  bits: number,
  mode: QuantMode,
): CodedTensorGroup {
  const coded: CodedTensor[] = [];
  const allSymbols: Uint32Array[] = [];
  let total = 0;
  let maxBits = 1;
  for (const { name, tensor, bits: own, mode: ownMode } of tensors) {
    const tensorBits = own ?? bits;
    maxBits = Math.max(maxBits, tensorBits);
    const tensorMode = ownMode ?? codedTensorMode(tensor.shape, mode);
    if (tensorMode === 'channel' && !(tensor.shape.length > 0 && tensor.shape[0] > 0))
      throw new RangeError(
        `tensor '${name}' of shape [${tensor.shape}] has no rows to code in 'channel' mode`,
      );
    const q = quantizeTensor(tensor, tensorBits, tensorMode);
    coded.push({ name, shape: q.shape, bits: tensorBits, mode: tensorMode, mins: q.mins, scales: q.scales });
    allSymbols.push(q.symbols);
    total += q.symbols.length;
  }
  const symbols = new Uint32Array(total);
  let at = 0;
  for (const part of allSymbols) {
    symbols.set(part, at);
    at += part.length;
  }
  const histogram = new Uint32Array(2 ** (tensors.length ? maxBits : bits));
  for (let i = 0; i < total; i++) histogram[symbols[i]]++;
  const table = buildHuffmanTable(histogram, MAX_CODE_LENGTH);
  return { group, tensors: coded, table, payload: huffmanEncode(table, symbols) };
}

/** Entropy decoding + normative dequantization of a parsed group; ContainerError on inconsistent data. */
export function decodeTensorGroup(g: CodedTensorGroup): Array<{ name: string; tensor: Tensor }> {
  const site = { box: 'lirW', offset: g.payloadOffset ?? 0 };
  let total = 0;
  for (const t of g.tensors) total += tensorSize(t.shape);
  const symbols = huffmanDecodeExact(g.table, g.payload, total, site);
  const out: Array<{ name: string; tensor: Tensor }> = [];
  let at = 0;
  for (const t of g.tensors) {
    const size = tensorSize(t.shape);
    const part = symbols.subarray(at, at + size);
    const bad = firstSymbolOutOfRange(part, t.bits);
    if (bad >= 0) {
      throw new ContainerError(
        'bad-value',
        site.box,
        site.offset,
        `tensor '${t.name}' element ${bad}: symbol ${part[bad]} exceeds ${t.bits} bits`,
      );
    }
    const data = dequantizeInto(
      part,
      t.mins,
      t.scales,
      channelLayout(t.shape, t.mode),
      new Float32Array(size),
    );
    out.push({ name: t.name, tensor: { shape: [...t.shape], data } });
    at += size;
  }
  return out;
}
