/** Encoder side: canonical Huffman codes packed MSB-first (spec §4.1.2). */
import { canonicalCodes, type HuffmanTable, lengthsProblem } from './table.js';

// Tables are treated as immutable; latent encoding codes every frame with the same table.
const encoderCodes = new WeakMap<HuffmanTable, Uint32Array>();

function codesFor(table: HuffmanTable): Uint32Array {
  let codes = encoderCodes.get(table);
  if (!codes) {
    const problem = lengthsProblem(table.lengths);
    if (problem) throw new RangeError(`cannot encode with this Huffman table: ${problem}`);
    codes = canonicalCodes(table.lengths);
    encoderCodes.set(table, codes);
  }
  return codes;
}

/** Bits `huffmanEncode` would produce for these symbols. */
export function huffmanCodedBits(table: HuffmanTable, symbols: ArrayLike<number>): number {
  const { lengths } = table;
  let bits = 0;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    const len = Number.isInteger(s) && s >= 0 && s < lengths.length ? lengths[s] : 0;
    if (len === 0) throw new RangeError(`symbol ${s} at index ${i} has no code in the Huffman table`);
    bits += len;
  }
  return bits;
}

/**
 * Concatenates the canonical codes of `symbols`, most significant bit first, and pads the last byte with zero
 * bits. Throws RangeError for a symbol without a code.
 */
export function huffmanEncode(table: HuffmanTable, symbols: ArrayLike<number>): Uint8Array {
  const codes = codesFor(table);
  const out = new Uint8Array(Math.ceil(huffmanCodedBits(table, symbols) / 8));
  const { lengths } = table;
  let acc = 0; // the low `pending` bits are not yet written; pending < 8 between symbols, so acc < 2^28
  let pending = 0;
  let p = 0;
  for (let i = 0; i < symbols.length; i++) {
    const s = symbols[i];
    const len = lengths[s];
    acc = (acc << len) | codes[s];
    pending += len;
    while (pending >= 8) {
      pending -= 8;
      out[p++] = acc >>> pending;
    }
    acc &= (1 << pending) - 1;
  }
  if (pending > 0) out[p] = acc << (8 - pending);
  return out;
}
