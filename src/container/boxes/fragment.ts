/**
 * Movie fragment boxes (ISO/IEC 14496-12 §8.8.5 mfhd, §8.8.7 tfhd, §8.8.12 tfdt, §8.8.8 trun) and the
 * MediaDataBox (§8.1.1). Optional fields are present according to the box flags, as the standard defines.
 */
import { type Box, defineBox } from '../box.js';
import type { Syntax } from '../syntax.js';

export interface MfhdBox extends Box {
  sequence_number: number;
}

export const mfhd = defineBox<MfhdBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.sequence_number = s.u32('sequence_number', b.sequence_number);
  },
});

export const TFHD_BASE_DATA_OFFSET = 0x000001;
export const TFHD_SAMPLE_DESCRIPTION_INDEX = 0x000002;
export const TFHD_DEFAULT_SAMPLE_DURATION = 0x000008;
export const TFHD_DEFAULT_SAMPLE_SIZE = 0x000010;
export const TFHD_DEFAULT_SAMPLE_FLAGS = 0x000020;
export const TFHD_DURATION_IS_EMPTY = 0x010000;
export const TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;

export interface TfhdBox extends Box {
  track_ID: number;
  base_data_offset?: number;
  sample_description_index?: number;
  default_sample_duration?: number;
  default_sample_size?: number;
  default_sample_flags?: number;
}

function optionalU32(s: Syntax, present: boolean, name: string, v: number | undefined): number | undefined {
  return present ? s.u32(name, v) : undefined;
}

export const tfhd = defineBox<TfhdBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    const f = b.flags ?? 0;
    b.track_ID = s.u32('track_ID', b.track_ID);
    b.base_data_offset =
      f & TFHD_BASE_DATA_OFFSET ? s.u64('base_data_offset', b.base_data_offset) : undefined;
    b.sample_description_index = optionalU32(
      s,
      (f & TFHD_SAMPLE_DESCRIPTION_INDEX) !== 0,
      'sample_description_index',
      b.sample_description_index,
    );
    b.default_sample_duration = optionalU32(
      s,
      (f & TFHD_DEFAULT_SAMPLE_DURATION) !== 0,
      'default_sample_duration',
      b.default_sample_duration,
    );
    b.default_sample_size = optionalU32(
      s,
      (f & TFHD_DEFAULT_SAMPLE_SIZE) !== 0,
      'default_sample_size',
      b.default_sample_size,
    );
    b.default_sample_flags = optionalU32(
      s,
      (f & TFHD_DEFAULT_SAMPLE_FLAGS) !== 0,
      'default_sample_flags',
      b.default_sample_flags,
    );
  },
});

export interface TfdtBox extends Box {
  baseMediaDecodeTime: number;
}

export const tfdt = defineBox<TfdtBox>({
  full: true,
  versions: [0, 1],
  fields(s, b) {
    b.baseMediaDecodeTime =
      b.version === 1
        ? s.u64('baseMediaDecodeTime', b.baseMediaDecodeTime)
        : s.u32('baseMediaDecodeTime', b.baseMediaDecodeTime);
  },
});

export const TRUN_DATA_OFFSET = 0x000001;
export const TRUN_FIRST_SAMPLE_FLAGS = 0x000004;
export const TRUN_SAMPLE_DURATION = 0x000100;
export const TRUN_SAMPLE_SIZE = 0x000200;
export const TRUN_SAMPLE_FLAGS = 0x000400;
export const TRUN_SAMPLE_COMPOSITION_TIME_OFFSET = 0x000800;

export interface TrunSample {
  sample_duration?: number;
  sample_size?: number;
  sample_flags?: number;
  sample_composition_time_offset?: number;
}

export interface TrunBox extends Box {
  data_offset?: number;
  first_sample_flags?: number;
  samples: TrunSample[];
}

function bytesPerTrunSample(flags: number): number {
  let n = 0;
  for (const bit of [
    TRUN_SAMPLE_DURATION,
    TRUN_SAMPLE_SIZE,
    TRUN_SAMPLE_FLAGS,
    TRUN_SAMPLE_COMPOSITION_TIME_OFFSET,
  ]) {
    if (flags & bit) n += 4;
  }
  return n;
}

export const trun = defineBox<TrunBox>({
  full: true,
  versions: [0, 1],
  fields(s, b) {
    const f = b.flags ?? 0;
    // A trun whose samples carry no fields is still bounded by one byte per sample (documented limit), so a
    // huge sample_count cannot make the reader loop or allocate beyond the input.
    const n = s.count('sample_count', 32, Math.max(1, bytesPerTrunSample(f)), b.samples?.length);
    b.data_offset = f & TRUN_DATA_OFFSET ? s.i32('data_offset', b.data_offset) : undefined;
    b.first_sample_flags =
      f & TRUN_FIRST_SAMPLE_FLAGS ? s.u32('first_sample_flags', b.first_sample_flags) : undefined;
    const samples: TrunSample[] = [];
    for (let i = 0; i < n; i++) {
      const v = b.samples?.[i];
      const e: TrunSample = {};
      if (f & TRUN_SAMPLE_DURATION) e.sample_duration = s.u32('sample_duration', v?.sample_duration);
      if (f & TRUN_SAMPLE_SIZE) e.sample_size = s.u32('sample_size', v?.sample_size);
      if (f & TRUN_SAMPLE_FLAGS) e.sample_flags = s.u32('sample_flags', v?.sample_flags);
      if (f & TRUN_SAMPLE_COMPOSITION_TIME_OFFSET) {
        e.sample_composition_time_offset =
          b.version === 1
            ? s.i32('sample_composition_time_offset', v?.sample_composition_time_offset)
            : s.u32('sample_composition_time_offset', v?.sample_composition_time_offset);
      }
      samples.push(e);
    }
    b.samples = samples;
  },
});

export interface MdatBox extends Box {
  data: Uint8Array;
}

export const mdat = defineBox<MdatBox>({
  full: false,
  fields(s, b) {
    b.data = s.bytes('data', s.reading ? s.remaining() : b.data.length, b.data);
  },
});
