/**
 * Mutation fuzzing of `.lirn` inputs, shared by the unit tests (a small share) and bench/fuzz.ts (millions):
 * bit flips, byte sets, truncations, size/count field blow-ups and box splices (delete, duplicate, insert
 * elsewhere, swap siblings, with ancestor sizes fixed up so the damage reaches the semantic checks).
 * `checkInput` parses a mutant and classifies the result; anything but a ContainerError or a clean,
 * re-writable file is a bug.
 */
import { decodeLatentSample, decodeTensorGroup } from '../../src/codec/coding/index.js';
import type { Rng } from '../../src/codec/util/random.js';
import type { Box } from '../../src/container/box.js';
import { emitBoxes } from '../../src/container/box-io.js';
import { ContainerError, readBoxes, readLirnFile, writeLirnFile } from '../../src/container/index.js';
import { PrintSyntax, setReaderSizeProbe } from '../../src/container/syntax.js';

export interface BoxSpan {
  type: string;
  offset: number;
  size: number;
  /** Offsets of the enclosing boxes (all with 32-bit size fields in the vectors), outermost first. */
  ancestors: number[];
  /** Offset of the parent (−1 at the top level), to find siblings. */
  parent: number;
}

export interface FieldSpot {
  name: string;
  offset: number;
  width: number;
}

export interface Corpus {
  name: string;
  bytes: Uint8Array;
  spans: BoxSpan[];
  fields: FieldSpot[];
}

/** Fields whose corruption is most likely to make a reader allocate or loop: sizes, counts, lengths. */
const SIZE_LIKE =
  /size|count|length|dim|rank|offset|index|duration|time|scale|width|height|sequence|first|num_/;

export function analyse(name: string, bytes: Uint8Array): Corpus {
  const spans: BoxSpan[] = [];
  const walk = (boxes: Box[] | undefined, ancestors: number[], parent: number) => {
    for (const b of boxes ?? []) {
      spans.push({ type: b.type, offset: b.offset ?? 0, size: b.size ?? 0, ancestors, parent });
      walk(b.children, [...ancestors, b.offset ?? 0], b.offset ?? 0);
    }
  };
  const tree = readBoxes(bytes);
  walk(tree, [], -1);
  const printer = new PrintSyntax();
  emitBoxes(printer, tree);
  const fields: FieldSpot[] = [];
  const recorded = printer.fields.filter((f) => f.name !== '');
  recorded.forEach((f, i) => {
    if (!SIZE_LIKE.test(f.name)) return;
    const next = recorded.slice(i + 1).find((g) => g.offset > f.offset);
    const width = (next?.offset ?? bytes.length) - f.offset;
    if ([1, 2, 3, 4, 8].includes(width)) fields.push({ name: f.name, offset: f.offset, width });
  });
  return { name, bytes, spans, fields };
}

export const MUTATION_KINDS = ['bit-flip', 'byte-set', 'truncate', 'field-blowup', 'box-splice'] as const;
export type MutationKind = (typeof MUTATION_KINDS)[number];

const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x08, 0x10];

function addToSizes(out: Uint8Array, offsets: readonly number[], delta: number): void {
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  for (const at of offsets) view.setUint32(at, (view.getUint32(at) + delta) >>> 0);
}

function splice(c: Corpus, rng: Rng): Uint8Array {
  const src = c.bytes;
  const a = c.spans[rng.int(c.spans.length)];
  const op = rng.int(4);
  if (op === 0) {
    // delete a box
    const out = new Uint8Array(src.length - a.size);
    out.set(src.subarray(0, a.offset));
    out.set(src.subarray(a.offset + a.size), a.offset);
    addToSizes(out, a.ancestors, -a.size);
    return out;
  }
  // insert box a (op 1: right after itself; op 2: at the start of another box b, inside b's parent)
  // op 3: swap a with its next sibling
  if (op === 3) {
    const next = c.spans.find((s) => s.parent === a.parent && s.offset === a.offset + a.size);
    if (!next) return src.slice();
    const out = src.slice();
    out.set(src.subarray(next.offset, next.offset + next.size), a.offset);
    out.set(src.subarray(a.offset, a.offset + a.size), a.offset + next.size);
    return out;
  }
  const b =
    op === 1 ? { offset: a.offset + a.size, ancestors: a.ancestors } : c.spans[rng.int(c.spans.length)];
  const out = new Uint8Array(src.length + a.size);
  out.set(src.subarray(0, b.offset));
  out.set(src.subarray(a.offset, a.offset + a.size), b.offset);
  out.set(src.subarray(b.offset), b.offset + a.size);
  addToSizes(
    out,
    b.ancestors.map((x) => (x >= b.offset ? x + a.size : x)),
    a.size,
  );
  return out;
}

function blowup(c: Corpus, rng: Rng): Uint8Array {
  const out = c.bytes.slice();
  const f = c.fields[rng.int(c.fields.length)];
  const bits = f.width * 8;
  const max = 2 ** bits - 1;
  let original = 0;
  for (let i = 0; i < f.width; i++) original = original * 256 + out[f.offset + i];
  const candidates = [
    max,
    2 ** (bits - 1),
    2 ** (bits - 1) - 1,
    0,
    1,
    original + 1,
    original - 1,
    original * 2,
    rng.next() * max,
  ];
  let v = Math.min(max, Math.max(0, Math.floor(candidates[rng.int(candidates.length)])));
  for (let i = f.width - 1; i >= 0; i--) {
    out[f.offset + i] = v % 256;
    v = Math.floor(v / 256);
  }
  return out;
}

export function mutate(
  c: Corpus,
  rng: Rng,
  kind: MutationKind = MUTATION_KINDS[rng.int(MUTATION_KINDS.length)],
): Uint8Array {
  switch (kind) {
    case 'bit-flip': {
      const out = c.bytes.slice();
      const flips = 1 + rng.int(rng.int(4) === 0 ? 16 : 2);
      for (let i = 0; i < flips; i++) out[rng.int(out.length)] ^= 1 << rng.int(8);
      return out;
    }
    case 'byte-set': {
      const out = c.bytes.slice();
      const n = 1 + rng.int(4);
      for (let i = 0; i < n; i++)
        out[rng.int(out.length)] = rng.int(2)
          ? INTERESTING_BYTES[rng.int(INTERESTING_BYTES.length)]
          : rng.int(256);
      return out;
    }
    case 'truncate':
      return c.bytes.slice(0, rng.int(c.bytes.length));
    case 'field-blowup':
      return blowup(c, rng);
    case 'box-splice':
      return splice(c, rng);
  }
}

export type Outcome =
  | { kind: 'accepted'; largestSize: number }
  | { kind: 'rejected'; details: string; largestSize: number }
  | { kind: 'bug'; error: unknown; largestSize: number };

/**
 * Parses `bytes` as a whole file. Accepted files must also decode (ContainerError allowed) and re-write to a
 * fixpoint; `largestSize` is the largest count or byte length the reader accepted from any field.
 */
export function checkInput(bytes: Uint8Array): Outcome {
  let largestSize = 0;
  setReaderSizeProbe((n) => {
    if (n > largestSize) largestSize = n;
  });
  try {
    const file = readLirnFile(bytes);
    setReaderSizeProbe(null);
    const rewritten = writeLirnFile(file);
    const again = writeLirnFile(readLirnFile(rewritten));
    if (again.length !== rewritten.length || again.some((x, i) => x !== rewritten[i])) {
      return { kind: 'bug', error: new Error('accepted file does not re-write to a fixpoint'), largestSize };
    }
    try {
      for (const chunk of file.chunks) for (const g of chunk.weights) decodeTensorGroup(g);
      for (const seg of file.segments) {
        for (const sample of seg.samples)
          decodeLatentSample(file.chunks[seg.chunkIndex].latentCoding, sample);
      }
    } catch (e) {
      if (e instanceof ContainerError)
        return { kind: 'rejected', details: `decode:${e.details}`, largestSize };
      throw e;
    }
    return { kind: 'accepted', largestSize };
  } catch (e) {
    if (e instanceof ContainerError) {
      if (!(e.offset >= 0 && e.offset <= bytes.length))
        return {
          kind: 'bug',
          error: new Error(`error offset ${e.offset} outside the input: ${e.message}`),
          largestSize,
        };
      return { kind: 'rejected', details: e.details, largestSize };
    }
    return { kind: 'bug', error: e, largestSize };
  } finally {
    setReaderSizeProbe(null);
  }
}
