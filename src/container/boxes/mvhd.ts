/** MovieHeaderBox (ISO/IEC 14496-12 §8.2.2). */
import { type Box, defineBox } from '../box.js';
import { matrixSyntax, versionedU32or64 } from './matrix.js';

export interface MvhdBox extends Box {
  creation_time?: number;
  modification_time?: number;
  timescale: number;
  duration: number;
  /** 16.16 fixed point, 1.0 by default. */
  rate?: number;
  /** 8.8 fixed point, 1.0 by default. */
  volume?: number;
  matrix?: number[];
  next_track_ID: number;
}

export const mvhd = defineBox<MvhdBox>({
  full: true,
  versions: [0, 1],
  fields(s, b) {
    b.creation_time = versionedU32or64(s, b.version, 'creation_time', b.creation_time);
    b.modification_time = versionedU32or64(s, b.version, 'modification_time', b.modification_time);
    b.timescale = s.u32('timescale', b.timescale);
    b.duration = versionedU32or64(s, b.version, 'duration', b.duration);
    b.rate = s.i32('rate', b.rate ?? 0x00010000);
    b.volume = s.i16('volume', b.volume ?? 0x0100);
    s.u16('reserved', 0);
    s.u32('reserved', 0);
    s.u32('reserved', 0);
    b.matrix = matrixSyntax(s, b.matrix);
    for (let i = 0; i < 6; i++) s.u32('pre_defined', 0);
    b.next_track_ID = s.u32('next_track_ID', b.next_track_ID);
  },
});
