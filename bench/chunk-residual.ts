/**
 * How much would NIRVANA-style residual coding save? For every chunk after the first of a `.lirn` file, the
 * Shannon entropy (bytes) of each parameter group's quantized symbols coded directly, against the same weights
 * coded as the difference from the previous chunk's, at the same quantization step (tables/hypernetworks 6 bits,
 * base 10 over the chunk's own range). An estimate of the payload, not a coder: tables and headers are left out.
 *
 *   npx tsx bench/chunk-residual.ts FILE.lirn      (e.g. an encode with --segment-seconds 1 --chunk-segments 1)
 */
import { decodeChunkWeights } from '../src/codec/decoder/chunk-model.js';
import { readLirn } from '../src/media/transcode.js';

const path = process.argv[2];
if (!path) throw new Error('usage: npx tsx bench/chunk-residual.ts FILE.lirn');
const file = await readLirn(path);
if (file.chunks.length < 2)
  throw new Error(`${path} has ${file.chunks.length} chunk; residuals need two or more`);

function entropyBytes(symbols: Int32Array): number {
  const counts = new Map<number, number>();
  for (const s of symbols) counts.set(s, (counts.get(s) ?? 0) + 1);
  let bits = 0;
  for (const c of counts.values()) bits -= c * Math.log2(c / symbols.length);
  return bits / 8;
}

const params = file.chunks.map((c) => decodeChunkWeights(c));
for (let k = 1; k < params.length; k++) {
  const groups = new Map<string, [number, number]>();
  for (const [name, t] of params[k]) {
    if (name === 'latents') continue;
    const group = name.split('.')[0];
    const prev = params[k - 1].get(name)?.data;
    if (!prev || prev.length !== t.data.length) continue;
    let min = Number.POSITIVE_INFINITY;
    let max = Number.NEGATIVE_INFINITY;
    for (const v of t.data) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    const scale = (max - min) / (2 ** (group === 'base' ? 10 : 6) - 1) || 1;
    const direct = new Int32Array(t.data.length);
    const residual = new Int32Array(t.data.length);
    for (let i = 0; i < t.data.length; i++) {
      direct[i] = Math.round((t.data[i] - min) / scale);
      residual[i] = Math.round((t.data[i] - prev[i]) / scale);
    }
    const sums = groups.get(group) ?? [0, 0];
    sums[0] += entropyBytes(direct);
    sums[1] += entropyBytes(residual);
    groups.set(group, sums);
  }
  const cells = [...groups].map(
    ([g, [d, r]]) => `${g} ${Math.round(d)} B → residual ${Math.round(r)} B (${((100 * r) / d).toFixed(0)}%)`,
  );
  process.stdout.write(`chunk ${k}: ${cells.join(', ')}\n`);
}
