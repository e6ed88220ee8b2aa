import { describe, expect, it } from 'vitest';
import {
  buildHuffmanTable,
  canonicalCodes,
  type HuffmanTable,
  huffmanDecode,
  huffmanDecodeExact,
  huffmanEncode,
  MAX_CODE_LENGTH,
} from '../../../src/codec/entropy/huffman.js';
import { createRng, type Rng } from '../../../src/codec/util/random.js';
import { ContainerError } from '../../../src/container/errors.js';

function histogramOf(symbols: ArrayLike<number>, alphabet: number): Uint32Array {
  const h = new Uint32Array(alphabet);
  for (let i = 0; i < symbols.length; i++) h[symbols[i]]++;
  return h;
}

function cost(lengths: Uint8Array, histogram: Uint32Array): number {
  let c = 0;
  for (let s = 0; s < histogram.length; s++) c += lengths[s] * histogram[s];
  return c;
}

function kraft(lengths: Uint8Array): number {
  let k = 0;
  for (const l of lengths) if (l) k += 2 ** -l;
  return k;
}

/** Unrestricted Huffman cost (sum of merged weights), an independent optimum. */
function huffmanCost(histogram: Uint32Array): number {
  const w = [...histogram].filter((x) => x > 0).sort((a, b) => a - b);
  if (w.length <= 1) return w.length === 1 ? w[0] : 0;
  let c = 0;
  while (w.length > 1) {
    const a = w.shift() as number;
    const b = w.shift() as number;
    c += a + b;
    let i = 0;
    while (i < w.length && w[i] < a + b) i++;
    w.splice(i, 0, a + b);
  }
  return c;
}

/** Bit-by-bit reference decoder: reads one bit at a time until the bits read equal some symbol's code. */
function naiveDecode(table: HuffmanTable, data: Uint8Array, count: number): number[] {
  const codes = canonicalCodes(table.lengths);
  const byCode = new Map<string, number>();
  table.lengths.forEach((l, s) => {
    if (l) byCode.set(codes[s].toString(2).padStart(l, '0'), s);
  });
  const out: number[] = [];
  let bit = 0;
  while (out.length < count) {
    let code = '';
    for (;;) {
      code += (data[bit >> 3] >> (7 - (bit & 7))) & 1;
      bit++;
      const s = byCode.get(code);
      if (s !== undefined) {
        out.push(s);
        break;
      }
    }
  }
  return out;
}

function gaussianSymbols(rng: Rng, n: number, bits: number): Uint32Array {
  const top = 2 ** bits - 1;
  const out = new Uint32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = Math.min(top, Math.max(0, Math.round(top / 2 + (top / 8) * rng.normal())));
  return out;
}

function roundTrip(symbols: Uint32Array, alphabet: number): { table: HuffmanTable; data: Uint8Array } {
  const table = buildHuffmanTable(histogramOf(symbols, alphabet), MAX_CODE_LENGTH);
  const data = huffmanEncode(table, symbols);
  expect(huffmanDecode(table, data, symbols.length)).toEqual(symbols);
  expect(huffmanDecodeExact(table, data, symbols.length)).toEqual(symbols);
  return { table, data };
}

function expectContainerError(f: () => unknown, details: string): void {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ContainerError);
    expect((e as ContainerError).details).toBe(details);
    return;
  }
  throw new Error(`expected a ContainerError '${details}'`);
}

describe('buildHuffmanTable', () => {
  it('is optimal (equals unrestricted Huffman) when the limit does not bind', () => {
    const rng = createRng(1);
    for (let trial = 0; trial < 20; trial++) {
      const n = 2 + rng.int(300);
      const h = new Uint32Array(n);
      for (let s = 0; s < n; s++) h[s] = rng.next() < 0.2 ? 0 : 1 + rng.int(1000);
      if (h.filter((x) => x > 0).length < 2) continue;
      const { lengths } = buildHuffmanTable(h, MAX_CODE_LENGTH);
      expect(kraft(lengths)).toBe(1);
      expect(cost(lengths, h)).toBe(huffmanCost(h));
      for (let s = 0; s < n; s++) expect(lengths[s] === 0).toBe(h[s] === 0);
    }
  });

  it('is optimal among length-limited codes (brute force on small alphabets)', () => {
    const rng = createRng(2);
    for (let trial = 0; trial < 30; trial++) {
      const n = 3 + rng.int(5);
      const limit = Math.ceil(Math.log2(n)) + rng.int(2);
      const h = Uint32Array.from({ length: n }, () => 1 + (rng.next() < 0.5 ? rng.int(5) : rng.int(5000)));
      const { lengths } = buildHuffmanTable(h, limit);
      expect(Math.max(...lengths)).toBeLessThanOrEqual(limit);
      expect(kraft(lengths)).toBeLessThanOrEqual(1);
      let best = Number.POSITIVE_INFINITY;
      const l = new Uint8Array(n).fill(1);
      for (;;) {
        if (kraft(l) <= 1) best = Math.min(best, cost(l, h));
        let i = 0;
        while (i < n && l[i] === limit) l[i++] = 1;
        if (i === n) break;
        l[i]++;
      }
      expect(cost(lengths, h)).toBe(best);
    }
  });

  it('respects the limit and Kraft on histograms whose Huffman code is deeper than the limit', () => {
    // Fibonacci weights give a Huffman code of depth n − 1.
    const fib = new Uint32Array(40);
    fib[0] = 1;
    fib[1] = 1;
    for (let i = 2; i < 40; i++) fib[i] = fib[i - 1] + fib[i - 2];
    for (const limit of [6, 12, 20]) {
      const { lengths } = buildHuffmanTable(fib, limit);
      expect(Math.max(...lengths)).toBe(limit);
      expect(kraft(lengths)).toBeLessThanOrEqual(1);
      expect(cost(lengths, fib)).toBeGreaterThanOrEqual(huffmanCost(fib));
    }
  });

  it('handles empty, single-symbol and impossible inputs', () => {
    expect([...buildHuffmanTable(new Uint32Array(5), 20).lengths]).toEqual([0, 0, 0, 0, 0]);
    expect([...buildHuffmanTable(new Uint32Array([0, 0, 9, 0]), 20).lengths]).toEqual([0, 0, 1, 0]);
    expect(() => buildHuffmanTable(new Uint32Array(9).fill(1), 3)).toThrow(RangeError);
    expect(() => buildHuffmanTable(new Uint32Array(4), 21)).toThrow(RangeError);
    expect(() => buildHuffmanTable(new Uint32Array(65537), 20)).toThrow(RangeError);
  });
});

describe('huffmanEncode / huffmanDecode', () => {
  it('round-trips uniform random symbols and matches a bit-by-bit decoder', () => {
    const rng = createRng(3);
    const symbols = Uint32Array.from({ length: 5000 }, () => rng.int(256));
    const { table, data } = roundTrip(symbols, 256);
    expect(naiveDecode(table, data, symbols.length)).toEqual([...symbols]);
  });

  it('round-trips skewed (Gaussian 8-bit) symbols within one bit per symbol of the entropy', () => {
    const symbols = gaussianSymbols(createRng(4), 20000, 8);
    const { table, data } = roundTrip(symbols, 256);
    expect(naiveDecode(table, data, 2000)).toEqual([...symbols.subarray(0, 2000)]);
    // Huffman coding costs between the entropy and the entropy + 1 bit per symbol.
    const h = histogramOf(symbols, 256);
    let entropyBits = 0;
    for (const c of h) if (c) entropyBits -= c * Math.log2(c / symbols.length);
    expect(data.length * 8).toBeGreaterThanOrEqual(entropyBits);
    expect(data.length * 8).toBeLessThan(entropyBits + symbols.length);
  });

  it('round-trips a 2^16 alphabet with codes up to 20 bits (second-level tables)', () => {
    const rng = createRng(5);
    const symbols = new Uint32Array(60000);
    for (let i = 0; i < symbols.length; i++) {
      // a sharp peak plus a sparse uniform tail over all 65536 symbols gives lengths from 1 to 20
      symbols[i] = rng.next() < 0.6 ? 30000 : rng.next() < 0.9 ? 30000 + rng.int(16) : rng.int(65536);
    }
    const { table, data } = roundTrip(symbols, 65536);
    const lengths = [...table.lengths].filter((l) => l > 0);
    expect(Math.min(...lengths)).toBe(1);
    expect(Math.max(...lengths)).toBeGreaterThan(11);
    expect(Math.max(...lengths)).toBeLessThanOrEqual(MAX_CODE_LENGTH);
    expect(naiveDecode(table, data, 3000)).toEqual([...symbols.subarray(0, 3000)]);
  });

  it('round-trips the longest codes the format allows', () => {
    const h = new Uint32Array(30);
    h[0] = 1;
    h[1] = 1;
    for (let i = 2; i < 30; i++) h[i] = h[i - 1] + h[i - 2];
    const table = buildHuffmanTable(h, MAX_CODE_LENGTH);
    const symbols = Uint32Array.from({ length: 3000 }, (_, i) => (i * 7919) % 30);
    const data = huffmanEncode(table, symbols);
    expect(huffmanDecodeExact(table, data, symbols.length)).toEqual(symbols);
  });

  it('handles a single-symbol alphabet and empty input', () => {
    const symbols = new Uint32Array(13).fill(2);
    const { data } = roundTrip(symbols, 3);
    expect(data.length).toBe(2); // one bit per symbol
    const empty = buildHuffmanTable(new Uint32Array(4), 20);
    expect(huffmanEncode(empty, []).length).toBe(0);
    expect(huffmanDecode(empty, new Uint8Array(0), 0).length).toBe(0);
    expectContainerError(() => huffmanDecode(empty, new Uint8Array(4), 1), 'bad-value');
  });

  it('refuses to encode a symbol without a code', () => {
    const table = buildHuffmanTable(new Uint32Array([1, 0, 1]), 20);
    expect(() => huffmanEncode(table, [0, 1])).toThrow(/symbol 1 at index 1/);
    expect(() => huffmanEncode(table, [3])).toThrow(RangeError);
  });
});

describe('huffmanDecode on bad data', () => {
  const symbols = gaussianSymbols(createRng(6), 400, 8);
  const table = buildHuffmanTable(histogramOf(symbols, 256), MAX_CODE_LENGTH);
  const data = huffmanEncode(table, symbols);

  it('reports truncation at every length, never another exception', () => {
    for (let n = 0; n < data.length; n++) {
      expectContainerError(
        () => huffmanDecode(table, data.subarray(0, n), symbols.length, { box: 'lirW', offset: 100 }),
        'truncated',
      );
    }
  });

  it('rejects impossible counts before allocating', () => {
    expectContainerError(() => huffmanDecode(table, data, 2 ** 40), 'truncated');
  });

  it('rejects bit patterns that are no code of an incomplete code', () => {
    const incomplete: HuffmanTable = { lengths: new Uint8Array([1, 2]) }; // codes 0 and 10; 11 is unused
    expect([...huffmanDecode(incomplete, new Uint8Array([0b01000000]), 3)]).toEqual([0, 1, 0]);
    expectContainerError(() => huffmanDecode(incomplete, new Uint8Array([0b11000000]), 1), 'bad-value');
  });

  it('exact decoding rejects trailing bytes and non-zero padding', () => {
    const one: HuffmanTable = { lengths: new Uint8Array([1, 1]) };
    expect([...huffmanDecodeExact(one, new Uint8Array([0b10100000]), 3)]).toEqual([1, 0, 1]);
    expectContainerError(() => huffmanDecodeExact(one, new Uint8Array([0b10100000, 0]), 3), 'bad-size');
    expectContainerError(() => huffmanDecodeExact(one, new Uint8Array([0b10100001]), 3), 'bad-value');
  });

  it('rejects over-subscribed tables with a ContainerError', () => {
    expectContainerError(
      () => huffmanDecode({ lengths: new Uint8Array([1, 1, 1]) }, new Uint8Array(1), 1),
      'bad-value',
    );
    expectContainerError(
      () => huffmanDecode({ lengths: new Uint8Array([21, 1]) }, new Uint8Array(1), 1),
      'bad-value',
    );
  });
});
