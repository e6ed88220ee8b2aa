/**
 * Table-driven canonical Huffman decoding (spec §4.1.3): a 12-bit primary lookup resolves every code of up to
 * 12 bits in one step (two codes at once when both fit); longer codes (≤ 20 bits) go through one second-level
 * table per 12-bit prefix.
 */
import { ContainerError } from '../../container/errors.js';
import { canonicalCodes, type HuffmanTable, lengthsProblem } from './table.js';

/** Where decoded bytes sit in the file, for error messages (box path, absolute offset of `data[0]`). */
export interface ErrorSite {
  box: string;
  offset: number;
}

const PRIMARY_BITS = 12;
/** Zero bytes after the copied input: the refill reads at most 4 bytes past the data before it stops. */
const PADDING_BYTES = 8;
/** Entry flag: the entry points to a second-level table (offset << 8 | FLAG | index bits). */
const SUBTABLE_FLAG = 0x80;

interface DecoderTable {
  /** Primary table (2^12 entries) followed by the second-level tables. Leaf entry: symbol << 8 | code length. */
  lut: Uint32Array;
  /**
   * Per primary index, the codes that fit whole in its 12 bits, up to `symbolsPerEntry` of them: their total
   * length | their number << 5 (0 = the index starts a long code or no code), and the symbols packed
   * `symbolBits` bits each, first symbol lowest. Weight codes average 5–7 bits, so a lookup yields ~2 symbols.
   */
  multiInfo: Uint8Array;
  multiSymbols: Uint32Array;
  /** 10 for alphabets up to 1024 symbols (three per entry), else 16 (two per entry). */
  symbolBits: number;
  /** Shortest code length, 0 for an empty table. */
  minLength: number;
}

// Tables are treated as immutable, so each decoder table is built once (latent samples share one table).
const decoderTables = new WeakMap<HuffmanTable, DecoderTable>();

function decoderTableFor(table: HuffmanTable, site: ErrorSite): DecoderTable {
  let dec = decoderTables.get(table);
  if (!dec) {
    const problem = lengthsProblem(table.lengths);
    if (problem)
      throw new ContainerError('bad-value', site.box, site.offset, `invalid Huffman table: ${problem}`);
    dec = buildDecoderTable(table.lengths);
    decoderTables.set(table, dec);
  }
  return dec;
}

function buildDecoderTable(lengths: Uint8Array): DecoderTable {
  const codes = canonicalCodes(lengths);
  const subtableBits = new Uint8Array(1 << PRIMARY_BITS);
  let minLength = 0;
  for (let s = 0; s < lengths.length; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    if (minLength === 0 || len < minLength) minLength = len;
    if (len > PRIMARY_BITS) {
      const prefix = codes[s] >>> (len - PRIMARY_BITS);
      subtableBits[prefix] = Math.max(subtableBits[prefix], len - PRIMARY_BITS);
    }
  }
  let size = 1 << PRIMARY_BITS;
  for (const bits of subtableBits) if (bits > 0) size += 1 << bits;
  const lut = new Uint32Array(size);
  let next = 1 << PRIMARY_BITS;
  for (let prefix = 0; prefix < subtableBits.length; prefix++) {
    const bits = subtableBits[prefix];
    if (bits === 0) continue;
    lut[prefix] = (next << 8) | SUBTABLE_FLAG | bits;
    next += 1 << bits;
  }
  for (let s = 0; s < lengths.length; s++) {
    const len = lengths[s];
    if (len === 0) continue;
    const entry = (s << 8) | len;
    if (len <= PRIMARY_BITS) {
      const start = codes[s] << (PRIMARY_BITS - len);
      lut.fill(entry, start, start + (1 << (PRIMARY_BITS - len)));
    } else {
      const pointer = lut[codes[s] >>> (len - PRIMARY_BITS)];
      const bits = pointer & 0x1f;
      const spare = bits - (len - PRIMARY_BITS);
      const suffix = codes[s] & ((1 << (len - PRIMARY_BITS)) - 1);
      const start = (pointer >>> 8) + (suffix << spare);
      lut.fill(entry, start, start + (1 << spare));
    }
  }
  const symbolBits = lengths.length <= 1024 ? 10 : 16;
  const symbolsPerEntry = symbolBits === 10 ? 3 : 2;
  const multiInfo = new Uint8Array(1 << PRIMARY_BITS);
  const multiSymbols = new Uint32Array(1 << PRIMARY_BITS);
  const mask = (1 << PRIMARY_BITS) - 1;
  for (let index = 0; index <= mask; index++) {
    let used = 0;
    let k = 0;
    let packed = 0;
    while (k < symbolsPerEntry) {
      // The bits after the codes taken so far, zero-filled: a code that fits in them is fully determined.
      const entry = lut[(index << used) & mask];
      const len = entry & 0xff;
      if (entry & SUBTABLE_FLAG || len === 0 || used + len > PRIMARY_BITS) break;
      packed += (entry >>> 8) * 2 ** (symbolBits * k);
      used += len;
      k++;
    }
    if (k === 0) continue;
    multiInfo[index] = used | (k << 5);
    multiSymbols[index] = packed;
  }
  return { lut, multiInfo, multiSymbols, symbolBits, minLength };
}

/**
 * Decodes exactly `count` symbols. Throws ContainerError `truncated` when the codes run past the end of `data`
 * and `bad-value` on a bit pattern that is no code (possible with an incomplete code); `site` locates `data` in
 * the file for the message. Trailing bytes are not checked (see `huffmanDecodeExact`).
 */
export function huffmanDecode(
  table: HuffmanTable,
  data: Uint8Array,
  count: number,
  site?: ErrorSite,
): Uint32Array {
  return decodeSymbols(table, data, count, site ?? { box: '', offset: 0 }).symbols;
}

/**
 * As `huffmanDecode`, and also requires that `data` ends exactly where the codes end: its length is
 * ceil(bits / 8) and the padding bits of the last byte are zero (spec §4.1.3), so every payload has one encoding.
 */
export function huffmanDecodeExact(
  table: HuffmanTable,
  data: Uint8Array,
  count: number,
  site?: ErrorSite,
): Uint32Array {
  const where = site ?? { box: '', offset: 0 };
  const { symbols, bits } = decodeSymbols(table, data, count, where);
  const bytes = Math.ceil(bits / 8);
  if (bytes !== data.length) {
    throw new ContainerError(
      'bad-size',
      where.box,
      where.offset + bytes,
      `${data.length - bytes} bytes follow the ${count} coded symbols`,
    );
  }
  if (bits % 8 !== 0 && (data[bytes - 1] & ((1 << (8 - (bits % 8))) - 1)) !== 0) {
    throw new ContainerError(
      'bad-value',
      where.box,
      where.offset + bytes - 1,
      'padding bits after the last code are not zero',
    );
  }
  return symbols;
}

function decodeSymbols(
  table: HuffmanTable,
  data: Uint8Array,
  count: number,
  site: ErrorSite,
): { symbols: Uint32Array; bits: number } {
  if (!Number.isSafeInteger(count) || count < 0)
    throw new RangeError(`symbol count ${count} is not a non-negative integer`);
  if (count === 0) return { symbols: new Uint32Array(0), bits: 0 };
  const { lut, multiInfo, multiSymbols, symbolBits, minLength } = decoderTableFor(table, site);
  const symbolMask = (1 << symbolBits) - 1;
  // With 16-bit symbols an entry holds two; the shift then wraps to 0 (JS shifts are mod 32) and the third
  // write stores garbage in a slot that a later step overwrites.
  const thirdShift = 2 * symbolBits;
  if (minLength === 0)
    throw new ContainerError(
      'bad-value',
      site.box,
      site.offset,
      `${count} symbols coded with an empty Huffman table`,
    );
  const n = data.length;
  // Checked before allocating: every symbol costs at least minLength bits.
  if (count * minLength > n * 8) {
    throw new ContainerError(
      'truncated',
      site.box,
      site.offset + n,
      `${count} symbols need at least ${count * minLength} bits, the data has ${n * 8}`,
    );
  }
  const symbols = new Uint32Array(count);
  // A zero-padded copy lets the loop refill without bounds checks (the copy costs ~1% of the decode).
  const bytes = new Uint8Array(n + PADDING_BYTES);
  bytes.set(data);
  // `buffer` holds the next `held` input bits left-aligned (bit 31 first).
  let buffer = 0;
  let held = 0;
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (held <= 16) {
      // Consumed bits are ≥ 8p − 16 here, so p > n + 2 proves the codes ran past the data.
      if (p > n + 2) throw truncated(site, n, i, count);
      buffer |= ((bytes[p] << 8) | bytes[p + 1]) << (16 - held);
      p += 2;
      held += 16;
    }
    if (held <= 24) {
      buffer |= bytes[p++] << (24 - held);
      held += 8;
    }
    const index = buffer >>> (32 - PRIMARY_BITS);
    const info = multiInfo[index];
    // Three slots are written whatever the number of codes: branch-free, and slots past the decoded ones are
    // rewritten by the next steps. Near the end (i + 3 > count) the one-code path below finishes.
    if (info !== 0 && i + 3 <= count) {
      const packed = multiSymbols[index];
      symbols[i] = packed & symbolMask;
      symbols[i + 1] = (packed >>> symbolBits) & symbolMask;
      symbols[i + 2] = packed >>> thirdShift;
      i += (info >>> 5) - 1; // the loop adds the last 1
      const len = info & 0x1f;
      buffer <<= len;
      held -= len;
      continue;
    }
    let entry = lut[index];
    if (entry & SUBTABLE_FLAG)
      entry = lut[(entry >>> 8) + ((buffer << PRIMARY_BITS) >>> (32 - (entry & 0x1f)))];
    const len = entry & 0xff;
    if (len === 0) {
      const at = p * 8 - held;
      if (at + minLength > n * 8) throw truncated(site, n, i, count);
      throw new ContainerError(
        'bad-value',
        site.box,
        site.offset + (at >> 3),
        `bit ${at & 7} of this byte starts no Huffman code (symbol ${i} of ${count})`,
      );
    }
    symbols[i] = entry >>> 8;
    buffer <<= len;
    held -= len;
  }
  const bits = p * 8 - held;
  if (bits > n * 8) throw truncated(site, n, -1, count);
  return { symbols, bits };
}

function truncated(site: ErrorSite, n: number, at: number, count: number): ContainerError {
  const which = at >= 0 ? `symbol ${at} of ${count}` : `the last of ${count} symbols`;
  return new ContainerError(
    'truncated',
    site.box,
    site.offset + n,
    `coded data ends inside ${which} (${n} bytes)`,
  );
}
