import { describe, expect, it } from 'vitest';
import { createRng } from '../../src/codec/util/random.js';
import type { Box, OpaqueBox } from '../../src/container/box.js';
import type { LircBox } from '../../src/container/boxes/lirc.js';
import {
  ContainerError,
  initSegmentForChunk,
  mediaSegment,
  readBoxes,
  readInitSegment,
  readLirnFile,
  readMediaSegment,
  writeBoxes,
  writeLirnFile,
} from '../../src/container/index.js';
import { analyse, checkInput, MUTATION_KINDS, mutate, type Outcome } from './mutate.js';
import { smallVector } from './vectors.js';

const file = smallVector();
const bytes = writeLirnFile(file);

function errorOf(run: () => unknown): ContainerError {
  try {
    run();
  } catch (e) {
    if (e instanceof ContainerError) return e;
    throw e;
  }
  throw new Error('expected a ContainerError');
}

function child(parent: { children?: Box[] } | Box[], path: string[]): Box {
  let level = Array.isArray(parent) ? parent : parent.children;
  let found: Box | undefined;
  for (const type of path) {
    found = level?.find((b) => b.type === type);
    if (!found) throw new Error(`no ${type}`);
    level = found.children;
  }
  return found as Box;
}

function expectClean(outcome: Outcome, input: Uint8Array): void {
  if (outcome.kind === 'bug') throw outcome.error;
  expect(outcome.largestSize).toBeLessThanOrEqual(input.length);
}

describe('truncation', () => {
  it('rejects every prefix of a file except those ending on a fragment boundary', () => {
    // A file may end after moov or after any fragment (a valid file with fewer segments).
    const ends = readBoxes(bytes).filter((b) => b.type === 'mdat' || b.type === 'moov');
    const boundaries = new Set(ends.map((b) => (b.offset ?? 0) + (b.size ?? 0)));
    let accepted = 0;
    for (let cut = 0; cut < bytes.length; cut++) {
      const prefix = bytes.subarray(0, cut);
      const outcome = checkInput(prefix);
      expectClean(outcome, prefix);
      if (outcome.kind === 'accepted') {
        expect(boundaries.has(cut)).toBe(true);
        accepted++;
      }
    }
    expect(accepted).toBe(boundaries.size - 1);
  });

  it('rejects every prefix of an init segment and of a media segment', () => {
    const init = initSegmentForChunk(file, 0);
    const header = readInitSegment(init);
    const media = mediaSegment(file, 0);
    for (let cut = 0; cut < init.length; cut++)
      expect(() => readInitSegment(init.subarray(0, cut))).toThrow(ContainerError);
    for (let cut = 0; cut < media.length; cut++)
      expect(() => readMediaSegment(media.subarray(0, cut), header)).toThrow(ContainerError);
  });
});

describe('corrupted fields', () => {
  const corpus = analyse('small', bytes);

  it('survives thousands of random bit flips', () => {
    const rng = createRng(11);
    const seen = new Set<string>();
    for (let i = 0; i < 3000; i++) {
      const input = mutate(corpus, rng, 'bit-flip');
      const outcome = checkInput(input);
      expectClean(outcome, input);
      seen.add(outcome.kind);
    }
    expect(seen).toEqual(new Set(['accepted', 'rejected']));
  });

  it('rejects huge or zero sizes, counts and lengths without allocating beyond the input', () => {
    let rejected = 0;
    for (const f of corpus.fields) {
      for (const fill of [0xff, 0x7f, 0x00]) {
        const input = bytes.slice();
        input.fill(fill, f.offset, f.offset + f.width);
        const outcome = checkInput(input);
        expectClean(outcome, input);
        if (outcome.kind === 'rejected') rejected++;
      }
    }
    expect(rejected).toBeGreaterThan(corpus.fields.length);
  });

  it('names the box and offset whose size does not fit', () => {
    for (const span of corpus.spans) {
      const input = bytes.slice();
      new DataView(input.buffer).setUint32(span.offset, 0xfffffff0);
      const e = errorOf(() => readLirnFile(input));
      expect(e.details).toBe('bad-size');
      expect(e.box.split('/').pop()).toBe(span.type);
      expect(e.offset).toBe(span.offset);
    }
  });

  it('rejects a box smaller than its header and a payload left unparsed', () => {
    const input = bytes.slice();
    new DataView(input.buffer).setUint32(24, 4);
    expect(errorOf(() => readLirnFile(input))).toMatchObject({
      details: 'bad-size',
      box: 'moov',
      offset: 24,
    });
    const boxes = readBoxes(bytes);
    const mfhd = child(boxes, ['moov', 'mvex', 'trex']);
    const extended = writeBoxes(boxes).slice();
    // grow trex by 4 bytes (and its ancestors), leaving 4 unparsed payload bytes
    const grown = new Uint8Array(extended.length + 4);
    const end = (mfhd.offset ?? 0) + (mfhd.size ?? 0);
    grown.set(extended.subarray(0, end));
    grown.set(extended.subarray(end), end + 4);
    const view = new DataView(grown.buffer);
    for (const at of [24, child(boxes, ['moov', 'mvex']).offset ?? 0, mfhd.offset ?? 0])
      view.setUint32(at, view.getUint32(at) + 4);
    expect(errorOf(() => readLirnFile(grown))).toMatchObject({
      details: 'bad-size',
      box: 'moov/mvex/trex',
      offset: mfhd.offset,
    });
  });
});

describe('box order and required boxes', () => {
  function mutated(edit: (boxes: Box[]) => void): Uint8Array {
    const boxes = readBoxes(bytes);
    edit(boxes);
    return writeBoxes(boxes);
  }

  it('reports boxes out of order, twice, or missing with their path and offset', () => {
    const swapped = mutated((b) => child(b, ['moov']).children?.reverse());
    const moovKids = readBoxes(swapped)[1].children ?? [];
    // reversed: mvex, trak, mvhd — trak is the first box out of order
    expect(errorOf(() => readLirnFile(swapped))).toMatchObject({
      details: 'wrong-order',
      box: 'moov/trak',
      offset: moovKids[1].offset,
    });

    const twice = mutated((b) => {
      const trak = child(b, ['moov', 'trak']);
      trak.children?.splice(1, 0, { ...(trak.children?.[0] as Box) });
    });
    expect(errorOf(() => readLirnFile(twice)).message).toMatch(/'tkhd' appears twice/);

    const noWeights = mutated((b) => {
      const entry = child(b, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'lirn']);
      entry.children = entry.children?.filter((x) => x.type !== 'lirW');
    });
    const entry = child(readBoxes(noWeights), ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'lirn']);
    expect(errorOf(() => readLirnFile(noWeights))).toMatchObject({
      details: 'wrong-order',
      box: 'moov/trak/mdia/minf/stbl/stsd/lirn',
      offset: entry.offset,
    });

    const ftypLast = mutated((b) => b.push(b.shift() as Box));
    expect(errorOf(() => readLirnFile(ftypLast))).toMatchObject({ details: 'wrong-order', box: 'ftyp' });

    const mdatFirst = mutated((b) => {
      const i = b.findIndex((x) => x.type === 'moof');
      [b[i], b[i + 1]] = [b[i + 1], b[i]];
    });
    expect(errorOf(() => readLirnFile(mdatFirst))).toMatchObject({ details: 'wrong-order', box: 'mdat' });

    const noMoov = mutated((b) => b.splice(1, 1));
    expect(errorOf(() => readLirnFile(noMoov)).details).toBe('wrong-order');
  });

  it('rejects fragments that do not continue the frames or point outside their chunk', () => {
    const segments = readBoxes(bytes).filter((b) => b.type === 'moof' || b.type === 'mdat');
    const reordered = mutated((b) => {
      b.splice(2, b.length - 2, ...segments.slice(2, 4), ...segments.slice(0, 2), ...segments.slice(4));
    });
    expect(errorOf(() => readLirnFile(reordered)).message).toMatch(/starts at frame 3, expected 0/);
    const f = readLirnFile(bytes);
    f.segments[1].chunkIndex = 1;
    expect(() => writeLirnFile(f)).toThrow(/outside chunk 1/);
  });

  it('rejects nesting deeper than the limit without exhausting the stack', () => {
    let nested = new Uint8Array(0);
    for (let i = 0; i < 5000; i++) {
      const outer = new Uint8Array(nested.length + 8);
      new DataView(outer.buffer).setUint32(0, outer.length);
      outer.set([0x6d, 0x6f, 0x6f, 0x76], 4);
      outer.set(nested, 8);
      nested = outer;
    }
    expect(errorOf(() => readLirnFile(nested)).details).toBe('limit-exceeded');
  });
});

describe('lirC MessagePack payload', () => {
  function withPayload(data: Uint8Array): Uint8Array {
    const boxes = readBoxes(bytes);
    (child(boxes, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'lirn', 'lirC']) as LircBox).data = data;
    return writeBoxes(boxes);
  }
  const cases: Array<[string, number[], string]> = [
    ['a str32 longer than the payload', [0x81, 0xdb, 0xff, 0xff, 0xff, 0xff], 'truncated'],
    ['an array32 of 2^32 − 1 items', [0x81, 0xa1, 0x61, 0xdd, 0xff, 0xff, 0xff, 0xff], 'limit-exceeded'],
    ['a map32 count beyond the payload', [0xdf, 0x7f, 0xff, 0xff, 0xff], 'limit-exceeded'],
    ['nesting 40 deep', [0x81, 0xa1, 0x61, ...new Array(40).fill(0x91), 0xc0], 'limit-exceeded'],
    ['an ext type', [0x81, 0xa1, 0x61, 0xd4, 0x01, 0x00], 'bad-value'],
    ['a non-string key', [0x81, 0x01, 0x02], 'bad-value'],
    ['a __proto__ key', [0x81, 0xa9, ...new TextEncoder().encode('__proto__'), 0x80], 'bad-value'],
    ['an array instead of a map', [0x90], 'bad-value'],
    ['bytes after the map', [0x80, 0x00], 'bad-size'],
    ['an empty map (no config)', [0x80], 'bad-value'],
  ];
  for (const [what, payload, details] of cases) {
    it(`rejects ${what}`, () => {
      const e = errorOf(() => readLirnFile(withPayload(new Uint8Array(payload))));
      expect(e.details).toBe(details);
      expect(e.box).toBe('moov/trak/mdia/minf/stbl/stsd/lirn/lirC');
    });
  }

  it('rejects a model config out of range', () => {
    const f = readLirnFile(bytes);
    const chunk = f.chunks[0];
    chunk.config = { ...chunk.config, base: { ...chunk.config.base, n_neurons: 1e9 } };
    expect(errorOf(() => readLirnFile(writeLirnFile(f))).message).toMatch(/n_neurons/);
  });
});

describe('mutation fuzzing (a small share of bench/fuzz.ts)', () => {
  it('5,000 mixed mutations of a file and of HLS pieces give only ContainerErrors or clean files', () => {
    const rng = createRng(2024);
    const corpus = analyse('small', bytes);
    const init = initSegmentForChunk(file, 1);
    const header = readInitSegment(init);
    const pieces = [analyse('init', init), analyse('media', mediaSegment(file, 2))];
    let worst = 0;
    for (let i = 0; i < 5000; i++) {
      const kind = MUTATION_KINDS[i % MUTATION_KINDS.length];
      const started = performance.now();
      if (i % 5 === 4) {
        const piece = pieces[i % 2];
        const input = mutate(piece, rng, kind);
        try {
          if (piece.name === 'init') readInitSegment(input);
          else readMediaSegment(input, header);
        } catch (e) {
          if (!(e instanceof ContainerError)) throw e;
        }
      } else {
        const input = mutate(corpus, rng, kind);
        expectClean(checkInput(input), input);
      }
      worst = Math.max(worst, performance.now() - started);
    }
    expect(worst).toBeLessThan(2000);
  });
});

describe('opaque boxes', () => {
  it('keeps a uuid box in the sample entry with its usertype', () => {
    const boxes = readBoxes(bytes);
    const entry = child(boxes, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'lirn']);
    const usertype = new Uint8Array(16).map((_, i) => i * 7);
    entry.children?.push({ type: 'uuid', usertype, data: new Uint8Array([9, 9]) } as OpaqueBox);
    const out = writeBoxes(boxes);
    const parsed = readLirnFile(out);
    expect(parsed.chunks[0].extraBoxes?.[0]).toMatchObject({
      type: 'uuid',
      usertype,
      data: new Uint8Array([9, 9]),
    });
    expect(writeLirnFile(parsed)).toEqual(out);
  });
});
