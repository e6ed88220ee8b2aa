/**
 * Huffman decode throughput on 8-bit quantized Gaussian weights, beside zlib in the same run:
 * inflate of a Huffman-only deflate stream (the same kind of entropy coder, in C) and of a default deflate stream.
 *
 *   npx tsx bench/huffman.ts [symbols=4000000] [repeats=15]
 */
import { constants, deflateSync, inflateSync } from 'node:zlib';
import {
  buildHuffmanTable,
  huffmanDecode,
  huffmanEncode,
  MAX_CODE_LENGTH,
} from '../src/codec/entropy/huffman.js';
import { quantizeTensor } from '../src/codec/quant/index.js';
import { createRng } from '../src/codec/util/random.js';

const count = Number(process.argv[2] ?? 4_000_000);
const repeats = Number(process.argv[3] ?? 15);

/** Times the runs interleaved, round by round, so that drift in machine load hits all of them alike. */
function interleavedSeconds(runs: Array<() => void>): number[][] {
  for (const run of runs) run(); // warm up (JIT, caches)
  const times: number[][] = runs.map(() => []);
  for (let r = 0; r < repeats; r++) {
    runs.forEach((run, k) => {
      const t0 = process.hrtime.bigint();
      run();
      times[k].push(Number(process.hrtime.bigint() - t0) / 1e9);
    });
  }
  return times;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}

// Trained weights look roughly Gaussian with heavier tails: a mixture of two normals.
const rng = createRng(1);
const weights = new Float32Array(count);
for (let i = 0; i < count; i++) weights[i] = (rng.next() < 0.9 ? 0.05 : 0.2) * rng.normal();
const symbols = quantizeTensor({ shape: [count], data: weights }, 8, 'tensor').symbols;
const symbolBytes = Uint8Array.from(symbols);

const histogram = new Uint32Array(256);
for (const s of symbols) histogram[s]++;
let entropy = 0;
for (const c of histogram) if (c) entropy -= (c / count) * Math.log2(c / count);

const table = buildHuffmanTable(histogram, MAX_CODE_LENGTH);
const coded = huffmanEncode(table, symbols);
const huffmanOnly = deflateSync(symbolBytes, { strategy: constants.Z_HUFFMAN_ONLY });
const deflated = deflateSync(symbolBytes, { level: 6 });

const check = huffmanDecode(table, coded, count);
for (let i = 0; i < count; i++) if (check[i] !== symbols[i]) throw new Error(`decode mismatch at ${i}`);
if (Buffer.compare(inflateSync(huffmanOnly), symbolBytes) !== 0) throw new Error('zlib mismatch');

const [oursTimes, zlibHuffmanTimes, zlibDefaultTimes] = interleavedSeconds([
  () => huffmanDecode(table, coded, count),
  () => inflateSync(huffmanOnly),
  () => inflateSync(deflated),
]);
const ours = median(oursTimes);
const zlibHuffman = median(zlibHuffmanTimes);
const zlibDefault = median(zlibDefaultTimes);
// Ratios of runs taken side by side, then their median: steadier than a ratio of medians on a loaded machine.
const ratioHuffman = median(oursTimes.map((t, r) => zlibHuffmanTimes[r] / t));
const ratioDefault = median(oursTimes.map((t, r) => zlibDefaultTimes[r] / t));

const mb = (bytes: number, s: number) => (bytes / 1e6 / s).toFixed(1);
const row = (name: string, bytes: number, s: number) =>
  `${name.padEnd(34)} ${String(bytes).padStart(9)} B  ${(s * 1e3).toFixed(1).padStart(7)} ms  ` +
  `${mb(bytes, s).padStart(7)} MB/s coded  ${mb(count, s).padStart(7)} Msym/s`;

console.log(
  `Huffman decode, ${count} 8-bit symbols (entropy ${entropy.toFixed(3)} bits), median of ${repeats} interleaved rounds, node ${process.version}`,
);
console.log(row('lirn huffmanDecode (JS)', coded.length, ours));
console.log(row('zlib inflate, Z_HUFFMAN_ONLY (C)', huffmanOnly.length, zlibHuffman));
console.log(row('zlib inflate, level 6 (C)', deflated.length, zlibDefault));
console.log(
  `symbols/s ratio lirn / zlib Huffman-only: ${ratioHuffman.toFixed(2)} (median of per-round ratios)`,
);
console.log(`symbols/s ratio lirn / zlib level 6:      ${ratioDefault.toFixed(2)}`);
