/** Canonical Huffman coding: the public entry point of src/codec/entropy (spec §4.1, §5.1). */
export { buildHuffmanTable } from './build.js';
export { type ErrorSite, huffmanDecode, huffmanDecodeExact } from './decode.js';
export { huffmanCodedBits, huffmanEncode } from './encode.js';
export {
  canonicalCodes,
  type HuffmanTable,
  lengthsProblem,
  MAX_ALPHABET_SIZE,
  MAX_CODE_LENGTH,
} from './table.js';
export { huffmanTableSyntax } from './table-syntax.js';
