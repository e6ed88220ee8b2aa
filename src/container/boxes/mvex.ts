/** MovieExtendsHeaderBox and TrackExtendsBox (ISO/IEC 14496-12 §8.8.2, §8.8.3). */
import { type Box, defineBox } from '../box.js';
import { versionedU32or64 } from './matrix.js';

export interface MehdBox extends Box {
  fragment_duration: number;
}

export const mehd = defineBox<MehdBox>({
  full: true,
  versions: [0, 1],
  fields(s, b) {
    b.fragment_duration = versionedU32or64(s, b.version, 'fragment_duration', b.fragment_duration);
  },
});

export interface TrexBox extends Box {
  track_ID: number;
  default_sample_description_index: number;
  default_sample_duration: number;
  default_sample_size: number;
  default_sample_flags: number;
}

export const trex = defineBox<TrexBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.track_ID = s.u32('track_ID', b.track_ID);
    b.default_sample_description_index = s.u32(
      'default_sample_description_index',
      b.default_sample_description_index,
    );
    b.default_sample_duration = s.u32('default_sample_duration', b.default_sample_duration);
    b.default_sample_size = s.u32('default_sample_size', b.default_sample_size);
    b.default_sample_flags = s.u32('default_sample_flags', b.default_sample_flags);
  },
});
