/**
 * Where the bytes of a `lirn` file go, for per-component bits-per-pixel (`lirn info`, benchmarks): every byte
 * is counted exactly once, so the parts add up to the file size.
 */
import type { Box } from './box.js';
import { readBoxes } from './box-io.js';
import type { MdatBox } from './boxes/fragment.js';

export interface ByteBreakdown {
  total: number;
  /** lirC boxes (model configuration). */
  config: number;
  /** lirW boxes (coded weights with their Huffman tables). */
  weights: number;
  /** lirL boxes (latent quantization and Huffman tables). */
  latentCoding: number;
  /** Sample data in mdat (the coded latents). */
  latents: number;
  /** Everything else: ftyp, moov structure, moof boxes, mdat headers, unknown boxes. */
  structure: number;
}

export function byteBreakdown(bytes: Uint8Array): ByteBreakdown {
  const out: ByteBreakdown = {
    total: bytes.length,
    config: 0,
    weights: 0,
    latentCoding: 0,
    latents: 0,
    structure: 0,
  };
  const visit = (boxes: readonly Box[] | undefined) => {
    for (const b of boxes ?? []) {
      const size = b.size ?? 0;
      if (b.type === 'lirC') out.config += size;
      else if (b.type === 'lirW') out.weights += size;
      else if (b.type === 'lirL') out.latentCoding += size;
      else if (b.type === 'mdat') out.latents += (b as MdatBox).data.length;
      visit(b.children);
    }
  };
  visit(readBoxes(bytes));
  out.structure = out.total - out.config - out.weights - out.latentCoding - out.latents;
  return out;
}
