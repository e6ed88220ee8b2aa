/**
 * The sample tables of stbl (ISO/IEC 14496-12 §8.6.1.2 stts, §8.7.4 stsc, §8.7.3.2 stsz, §8.7.5 stco).
 * A fragmented `lirn` file keeps them empty (its samples are in movie fragments), but they are parsed in full.
 */
import { type Box, defineBox } from '../box.js';

export interface SttsBox extends Box {
  entries: Array<{ sample_count: number; sample_delta: number }>;
}

export const stts = defineBox<SttsBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    const n = s.count('entry_count', 32, 8, b.entries?.length);
    const entries: SttsBox['entries'] = [];
    for (let i = 0; i < n; i++) {
      const e = b.entries?.[i];
      entries.push({
        sample_count: s.u32('sample_count', e?.sample_count),
        sample_delta: s.u32('sample_delta', e?.sample_delta),
      });
    }
    b.entries = entries;
  },
});

export interface StscBox extends Box {
  entries: Array<{ first_chunk: number; samples_per_chunk: number; sample_description_index: number }>;
}

export const stsc = defineBox<StscBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    const n = s.count('entry_count', 32, 12, b.entries?.length);
    const entries: StscBox['entries'] = [];
    for (let i = 0; i < n; i++) {
      const e = b.entries?.[i];
      entries.push({
        first_chunk: s.u32('first_chunk', e?.first_chunk),
        samples_per_chunk: s.u32('samples_per_chunk', e?.samples_per_chunk),
        sample_description_index: s.u32('sample_description_index', e?.sample_description_index),
      });
    }
    b.entries = entries;
  },
});

export interface StszBox extends Box {
  /** Size of every sample, or 0 when sizes are listed in `entry_size`. */
  sample_size: number;
  sample_count: number;
  entry_size: number[];
}

export const stsz = defineBox<StszBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.sample_size = s.u32('sample_size', b.sample_size);
    if (b.sample_size === 0) {
      b.sample_count = s.count('sample_count', 32, 4, b.entry_size?.length);
      const sizes: number[] = [];
      for (let i = 0; i < b.sample_count; i++) sizes.push(s.u32('entry_size', b.entry_size?.[i]));
      b.entry_size = sizes;
    } else {
      b.sample_count = s.u32('sample_count', b.sample_count);
      b.entry_size = [];
    }
  },
});

export interface StcoBox extends Box {
  chunk_offset: number[];
}

export const stco = defineBox<StcoBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    const n = s.count('entry_count', 32, 4, b.chunk_offset?.length);
    const offsets: number[] = [];
    for (let i = 0; i < n; i++) offsets.push(s.u32('chunk_offset', b.chunk_offset?.[i]));
    b.chunk_offset = offsets;
  },
});
