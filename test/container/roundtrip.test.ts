import { describe, expect, it } from 'vitest';
import { decodeLatentSample, decodeTensorGroup } from '../../src/codec/coding/index.js';
import {
  type Box,
  byteBreakdown,
  ContainerError,
  initSegmentForChunk,
  joinHlsPieces,
  type LirnFile,
  mediaSegment,
  printBoxTree,
  readBoxes,
  readInitSegment,
  readLirnFile,
  readMediaSegment,
  writeBoxes,
  writeInitSegment,
  writeLirnFile,
  writeMediaSegment,
} from '../../src/container/index.js';
import { decodeLircPayload, encodeLircPayload } from '../../src/container/lirc-payload.js';
import { profileVector, smallVector } from './vectors.js';

function hlsPieces(file: LirnFile): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  let chunk = -1;
  file.segments.forEach((seg, i) => {
    if (seg.chunkIndex !== chunk) {
      chunk = seg.chunkIndex;
      pieces.push(initSegmentForChunk(file, chunk));
    }
    pieces.push(mediaSegment(file, i));
  });
  return pieces;
}

function findBox(boxes: Box[] | undefined, path: string[]): Box {
  let found: Box | undefined;
  let level = boxes;
  for (const type of path) {
    found = level?.find((b) => b.type === type);
    if (!found) throw new Error(`no ${type}`);
    level = found.children;
  }
  return found as Box;
}

describe('lirn file round trip', () => {
  const file = smallVector();
  const bytes = writeLirnFile(file);

  it('parse → write gives identical bytes, and the parsed model matches what was written', () => {
    const parsed = readLirnFile(bytes);
    expect(writeLirnFile(parsed)).toEqual(bytes);
    expect(parsed.chunks.map((c) => [c.firstFrame, c.frameCount, c.width, c.height])).toEqual([
      [0, 5, 32, 24],
      [5, 2, 32, 24],
    ]);
    expect(parsed.chunks[0].config).toEqual(file.chunks[0].config);
    expect(
      parsed.segments.map((s) => [s.chunkIndex, s.firstFrame, s.samples.length, s.sequenceNumber]),
    ).toEqual([
      [0, 0, 3, 1],
      [0, 3, 2, 2],
      [1, 5, 2, 3],
    ]);
    expect(parsed.frameCount).toBe(7);
    expect(parsed.timescale).toBe(24000);
    expect(parsed.sampleDuration).toBe(1000);
  });

  it('decodes the same weights and latents after the round trip', () => {
    const parsed = readLirnFile(bytes);
    for (let k = 0; k < file.chunks.length; k++) {
      for (let g = 0; g < file.chunks[k].weights.length; g++) {
        expect(decodeTensorGroup(parsed.chunks[k].weights[g])).toEqual(
          decodeTensorGroup(file.chunks[k].weights[g]),
        );
      }
    }
    file.segments.forEach((seg, i) => {
      const coding = file.chunks[seg.chunkIndex].latentCoding;
      seg.samples.forEach((sample, j) => {
        const latent = decodeLatentSample(
          parsed.chunks[seg.chunkIndex].latentCoding,
          parsed.segments[i].samples[j],
        );
        expect(latent).toEqual(decodeLatentSample(coding, sample));
      });
    });
  });

  it('round-trips a profile-S model with real table sizes', () => {
    const big = writeLirnFile(profileVector());
    expect(writeLirnFile(readLirnFile(big))).toEqual(big);
  });

  it('round-trips the generic box tree, largesize headers included', () => {
    const boxes = readBoxes(bytes);
    expect(writeBoxes(boxes)).toEqual(bytes);
    boxes[1].sizeForm = 'large';
    const large = writeBoxes(boxes);
    expect(large.length).toBe(bytes.length + 8);
    expect(readBoxes(large)[1].sizeForm).toBe('large');
    expect(writeBoxes(readBoxes(large))).toEqual(large);
    expect(writeLirnFile(readLirnFile(large))).toEqual(bytes);
  });
});

describe('HLS pieces', () => {
  const file = smallVector();
  const bytes = writeLirnFile(file);
  const pieces = hlsPieces(file);

  it('each init segment holds one chunk and each media segment points at entry 1', () => {
    const init1 = readInitSegment(initSegmentForChunk(file, 1));
    expect(init1.chunks).toHaveLength(1);
    expect(init1.chunks[0].firstFrame).toBe(5);
    const seg = readMediaSegment(mediaSegment(file, 2), init1);
    expect(seg.chunkIndex).toBe(0);
    expect(seg.firstFrame).toBe(5);
    expect(seg.samples).toEqual(file.segments[2].samples);
  });

  it('parse → write gives identical bytes for every piece', () => {
    let header = readInitSegment(pieces[0]);
    for (const piece of pieces) {
      if (piece[4] === 0x66) {
        header = readInitSegment(piece);
        expect(writeInitSegment(header)).toEqual(piece);
      } else {
        const seg = readMediaSegment(piece, header);
        expect(writeMediaSegment(header, seg, seg.sequenceNumber as number)).toEqual(piece);
      }
    }
  });

  it('joining the pieces rebuilds the original file byte for byte', () => {
    expect(writeLirnFile(joinHlsPieces(pieces))).toEqual(bytes);
  });

  it('rejects pieces out of order', () => {
    expect(() => joinHlsPieces([pieces[1], pieces[0]])).toThrow(ContainerError);
    const swapped = [pieces[0], pieces[2], pieces[1], ...pieces.slice(3)];
    expect(() => joinHlsPieces(swapped)).toThrow(/starts at frame 3, expected 0/);
  });
});

describe('preservation and skipping', () => {
  const file = smallVector();
  const bytes = writeLirnFile(file);
  const unknown = (type: string, payload: number[]): Box => ({ type, data: new Uint8Array(payload) }) as Box;

  it('keeps unknown boxes of the lirn sample entry and re-emits them', () => {
    const boxes = readBoxes(bytes);
    const entry = findBox(boxes, ['moov', 'trak', 'mdia', 'minf', 'stbl', 'stsd', 'lirn']);
    entry.children?.push(unknown('pasp', [0, 0, 0, 1, 0, 0, 0, 1]));
    const withBox = writeBoxes(boxes);
    const parsed = readLirnFile(withBox);
    expect(parsed.chunks[0].extraBoxes?.map((b) => b.type)).toEqual(['pasp']);
    expect(writeLirnFile(parsed)).toEqual(withBox);
  });

  it('skips unknown boxes elsewhere (moov, trak, top level) and reads the same file', () => {
    const boxes = readBoxes(bytes);
    findBox(boxes, ['moov']).children?.push(unknown('udta', [1, 2, 3]));
    findBox(boxes, ['moov', 'trak']).children?.splice(1, 0, unknown('edts', []));
    boxes.splice(2, 0, unknown('free', [0, 0, 0, 0]));
    boxes.push(unknown('skip', []));
    expect(writeLirnFile(readLirnFile(writeBoxes(boxes)))).toEqual(bytes);
  });

  it('keeps unknown lirC keys and re-emits the raw payload unless the values change', () => {
    const chunk = file.chunks[0];
    const raw = encodeLircPayload({
      config: chunk.config,
      firstFrame: 0,
      frameCount: 5,
      extra: { note: 'from a future encoder', v: [1, 2] },
    });
    const decoded = decodeLircPayload(raw, 'lirC', 0);
    expect(decoded.extra).toEqual({ note: 'from a future encoder', v: [1, 2] });
    const withExtra: LirnFile = {
      ...file,
      chunks: [{ ...chunk, configExtra: decoded.extra, configBytes: raw }, file.chunks[1]],
    };
    const out = writeLirnFile(withExtra);
    const parsed = readLirnFile(out);
    expect(parsed.chunks[0].configExtra).toEqual(decoded.extra);
    expect(parsed.chunks[0].configBytes).toEqual(raw);
    // Changing a value drops the stale raw bytes and encodes afresh, keeping the unknown keys.
    parsed.chunks[0].config = {
      ...parsed.chunks[0].config,
      latent: { ...parsed.chunks[0].config.latent, init_std: 0.5 },
    };
    const changed = readLirnFile(writeLirnFile(parsed));
    expect(changed.chunks[0].config.latent.init_std).toBe(0.5);
    expect(changed.chunks[0].configExtra).toEqual(decoded.extra);
  });
});

describe('box tree printing', () => {
  it('prints every box with offset, size and fields from the same syntax', () => {
    const bytes = writeLirnFile(smallVector());
    const text = printBoxTree(bytes);
    const boxes = readBoxes(bytes);
    expect(text.split('\n')[0]).toBe(`[ftyp] @0 size ${boxes[0].size}`);
    for (const line of [
      'major_brand = lirn',
      'compressorname = Latent-INR',
      'handler_type = vide',
      'sample_description_index = 2',
      'group_count = 3',
    ]) {
      expect(text).toContain(line);
    }
    expect(text).toMatch(new RegExp(`\\[moov\\] @24 size ${boxes[1].size}`));
    expect(text).toMatch(/\[lirW\] @\d+ size \d+/);
    expect(text).toMatch(/… \d+ more fields/);
    expect(() => printBoxTree(bytes.subarray(0, 100))).toThrow(ContainerError);
  });
});

describe('byte breakdown', () => {
  it('counts every byte of the file once, by component', () => {
    const file = smallVector();
    const bytes = writeLirnFile(file);
    const b = byteBreakdown(bytes);
    expect(b.config + b.weights + b.latentCoding + b.latents + b.structure).toBe(bytes.length);
    expect(b.latents).toBe(
      file.segments.reduce((n, s) => n + s.samples.reduce((m, x) => m + x.length, 0), 0),
    );
    const lirW = writeBoxes([
      { type: 'lirW', version: 0, flags: 0, groups: file.chunks[0].weights } as Box,
    ]).length;
    const lirW1 = writeBoxes([
      { type: 'lirW', version: 0, flags: 0, groups: file.chunks[1].weights } as Box,
    ]).length;
    expect(b.weights).toBe(lirW + lirW1);
    expect(b.structure).toBeGreaterThan(0);
  });
});
