/**
 * Canonical Huffman codes described only by their code lengths (as DEFLATE and JPEG do): the lengths are all a
 * decoder needs to rebuild the exact codes (spec §4.1.1).
 */

export interface HuffmanTable {
  /** Code length in bits per symbol; 0 = the symbol has no code. Treat as immutable once used for decoding. */
  lengths: Uint8Array;
}

/** Longest code the format allows (spec §4.1): bounds decoder tables (2^12 primary entries + 2^8 per long-code prefix). */
export const MAX_CODE_LENGTH = 20;
/** Largest alphabet (16-bit quantization). */
export const MAX_ALPHABET_SIZE = 1 << 16;

/**
 * Canonical code of every symbol: codes are assigned in increasing (length, symbol) order, consecutive within a
 * length, each length starting at (last code of the previous length + 1) shifted left (RFC 1951 §3.2.2).
 * Lengths must be ≤ MAX_CODE_LENGTH.
 */
export function canonicalCodes(lengths: Uint8Array): Uint32Array {
  const countPerLength = new Uint32Array(MAX_CODE_LENGTH + 1);
  for (let s = 0; s < lengths.length; s++) countPerLength[lengths[s]]++;
  countPerLength[0] = 0;
  const nextCode = new Uint32Array(MAX_CODE_LENGTH + 1);
  let code = 0;
  for (let len = 1; len <= MAX_CODE_LENGTH; len++) {
    code = (code + countPerLength[len - 1]) * 2;
    nextCode[len] = code;
  }
  const codes = new Uint32Array(lengths.length);
  for (let s = 0; s < lengths.length; s++) {
    const len = lengths[s];
    if (len !== 0) codes[s] = nextCode[len]++;
  }
  return codes;
}

/**
 * Kraft sum scaled by 2^MAX_CODE_LENGTH: Σ 2^(MAX − length) over used symbols. A prefix code exists exactly when
 * it is ≤ 2^MAX_CODE_LENGTH; −1 when some length exceeds MAX_CODE_LENGTH.
 */
export function scaledKraftSum(lengths: Uint8Array): number {
  let sum = 0;
  for (let s = 0; s < lengths.length; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    if (len > MAX_CODE_LENGTH) return -1;
    sum += 2 ** (MAX_CODE_LENGTH - len);
  }
  return sum;
}

/** Why these lengths cannot form a decodable canonical code, or undefined when they can. */
export function lengthsProblem(lengths: Uint8Array): string | undefined {
  if (lengths.length > MAX_ALPHABET_SIZE)
    return `alphabet of ${lengths.length} symbols exceeds ${MAX_ALPHABET_SIZE}`;
  const kraft = scaledKraftSum(lengths);
  if (kraft < 0) return `a code length exceeds ${MAX_CODE_LENGTH}`;
  if (kraft > 2 ** MAX_CODE_LENGTH) return 'code lengths are over-subscribed (Kraft sum > 1)';
  return undefined;
}
