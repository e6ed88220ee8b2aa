import { describe, expect, it } from 'vitest';
import {
  buildHuffmanTable,
  type HuffmanTable,
  huffmanTableSyntax,
  MAX_CODE_LENGTH,
} from '../../../src/codec/entropy/huffman.js';
import { createRng } from '../../../src/codec/util/random.js';
import { ContainerError } from '../../../src/container/errors.js';
import { ReadSyntax, WriteSyntax } from '../../../src/container/syntax.js';

function write(t: HuffmanTable, alphabet: number): Uint8Array {
  const w = new WriteSyntax();
  huffmanTableSyntax(w, t, alphabet);
  return w.finish();
}

function read(bytes: Uint8Array, alphabet: number): HuffmanTable {
  const r = new ReadSyntax(bytes);
  const t = huffmanTableSyntax(r, { lengths: new Uint8Array(0) }, alphabet);
  expect(r.remaining()).toBe(0);
  return t;
}

function gaussianHistogram(seed: number, n: number, bits: number): Uint32Array {
  const rng = createRng(seed);
  const top = 2 ** bits - 1;
  const h = new Uint32Array(top + 1);
  for (let i = 0; i < n; i++) h[Math.min(top, Math.max(0, Math.round(top / 2 + (top / 8) * rng.normal())))]++;
  return h;
}

/** Bytes written from raw length-code bit strings ('1' = same, '01x' = step, '001…' = run, '000xxxxx' = explicit). */
function tableBytes(numLengths: number, bitString: string): Uint8Array {
  const padded = bitString.padEnd(Math.ceil(bitString.length / 8) * 8, '0');
  const body = Array.from({ length: padded.length / 8 }, (_, i) =>
    Number.parseInt(padded.slice(8 * i, 8 * i + 8), 2),
  );
  return new Uint8Array([numLengths >> 16, (numLengths >> 8) & 0xff, numLengths & 0xff, ...body]);
}

describe('huffmanTableSyntax', () => {
  it('round-trips typical tables byte-exactly and compactly', () => {
    const cases: Array<[string, Uint32Array, number]> = [
      ['8-bit Gaussian weights', gaussianHistogram(1, 50000, 8), 256],
      ['4-bit Gaussian weights', gaussianHistogram(2, 5000, 4), 16],
      ['16-bit Gaussian weights (sparse tails)', gaussianHistogram(3, 100000, 16), 65536],
      ['one symbol', new Uint32Array([0, 0, 0, 5]), 8],
      ['no symbol', new Uint32Array(256), 256],
    ];
    const sizes: Record<string, number> = {};
    for (const [label, h, alphabet] of cases) {
      const t = buildHuffmanTable(h, MAX_CODE_LENGTH);
      const bytes = write(t, alphabet);
      const back = read(bytes, alphabet);
      expect(back.lengths.length).toBe(alphabet);
      expect([...back.lengths]).toEqual([...t.lengths, ...new Uint8Array(alphabet - t.lengths.length)]);
      expect(write(back, alphabet)).toEqual(bytes);
      sizes[label] = bytes.length;
    }
    // A DHT-style table (16 counts + one byte per used symbol) would take ~270 bytes for 8-bit weights.
    expect(sizes['8-bit Gaussian weights']).toBeLessThan(120);
    // 100 000 samples over 65 536 symbols: counts of 0–3 give irregular lengths, still under 3 bits per symbol.
    expect(sizes['16-bit Gaussian weights (sparse tails)'] * 8).toBeLessThan(3 * 65536);
    expect(sizes['no symbol']).toBe(3);
  });

  it('parses hand-written length codes', () => {
    // lengths [2, 2, 1]: explicit 2, same, step down
    expect([...read(tableBytes(3, '00000010' + '1' + '011'), 4).lengths]).toEqual([2, 2, 1, 0]);
    // lengths [0×5, 1, 1]: run of 2^2 + 0 + 1 = 5 zeros, explicit 1, same
    expect([...read(tableBytes(7, '001' + '0010' + '00' + '00000001' + '1'), 8).lengths]).toEqual([
      0, 0, 0, 0, 0, 1, 1, 0,
    ]);
  });

  it('rejects malformed tables with ContainerErrors', () => {
    const bad: Array<[string, Uint8Array, number, string]> = [
      ['more lengths than symbols', tableBytes(5, '1'), 4, 'limit-exceeded'],
      ['explicit length above 20', tableBytes(1, '00010101'), 4, 'bad-value'],
      ['step below zero', tableBytes(1, '011'), 4, 'bad-value'],
      ['run past the end', tableBytes(3, '001' + '0010' + '00'), 4, 'bad-value'],
      ['over-subscribed', tableBytes(3, '00000001' + '1' + '1'), 4, 'bad-value'],
      ['last transmitted symbol unused', tableBytes(2, '00000001' + '011'), 4, 'bad-value'],
      ['non-zero padding', tableBytes(2, '00000001' + '1' + '1'), 4, 'bad-value'],
      ['truncated', tableBytes(3, '00000010').subarray(0, 4), 4, 'truncated'],
    ];
    for (const [label, bytes, alphabet, details] of bad) {
      let error: unknown;
      try {
        read(bytes, alphabet);
      } catch (e) {
        error = e;
      }
      expect(error, label).toBeInstanceOf(ContainerError);
      expect((error as ContainerError).details, label).toBe(details);
    }
  });

  it('refuses to write tables that do not fit the alphabet', () => {
    expect(() => write({ lengths: new Uint8Array([0, 0, 0, 1]) }, 2)).toThrow(ContainerError);
    expect(() => write({ lengths: new Uint8Array([1, 1, 1]) }, 4)).toThrow(/over-subscribed/);
  });
});
