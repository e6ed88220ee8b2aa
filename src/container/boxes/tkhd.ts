/** TrackHeaderBox (ISO/IEC 14496-12 §8.3.2). */
import { type Box, defineBox } from '../box.js';
import { matrixSyntax, versionedU32or64 } from './matrix.js';

/** tkhd flags: track_enabled | track_in_movie. */
export const TKHD_ENABLED_IN_MOVIE = 0x000003;

export interface TkhdBox extends Box {
  creation_time?: number;
  modification_time?: number;
  track_ID: number;
  duration: number;
  layer?: number;
  alternate_group?: number;
  volume?: number;
  matrix?: number[];
  /** 16.16 fixed point. */
  width: number;
  height: number;
}

export const tkhd = defineBox<TkhdBox>({
  full: true,
  versions: [0, 1],
  fields(s, b) {
    b.creation_time = versionedU32or64(s, b.version, 'creation_time', b.creation_time);
    b.modification_time = versionedU32or64(s, b.version, 'modification_time', b.modification_time);
    b.track_ID = s.u32('track_ID', b.track_ID);
    s.u32('reserved', 0);
    b.duration = versionedU32or64(s, b.version, 'duration', b.duration);
    s.u32('reserved', 0);
    s.u32('reserved', 0);
    b.layer = s.i16('layer', b.layer ?? 0);
    b.alternate_group = s.i16('alternate_group', b.alternate_group ?? 0);
    b.volume = s.i16('volume', b.volume ?? 0);
    s.u16('reserved', 0);
    b.matrix = matrixSyntax(s, b.matrix);
    b.width = s.u32('width', b.width);
    b.height = s.u32('height', b.height);
  },
});
