/** MediaHeaderBox (ISO/IEC 14496-12 §8.4.2). */
import { type Box, defineBox } from '../box.js';
import { versionedU32or64 } from './matrix.js';

export interface MdhdBox extends Box {
  creation_time?: number;
  modification_time?: number;
  timescale: number;
  duration: number;
  /** ISO-639-2/T code, three lower-case letters ('und' when unknown). */
  language?: string;
}

export const mdhd = defineBox<MdhdBox>({
  full: true,
  versions: [0, 1],
  fields(s, b) {
    b.creation_time = versionedU32or64(s, b.version, 'creation_time', b.creation_time);
    b.modification_time = versionedU32or64(s, b.version, 'modification_time', b.modification_time);
    b.timescale = s.u32('timescale', b.timescale);
    b.duration = versionedU32or64(s, b.version, 'duration', b.duration);
    s.bits('pad', 1, 0);
    const language = b.language ?? 'und';
    let text = '';
    // Each character is coded as its code minus 0x60 in 5 bits.
    for (let i = 0; i < 3; i++)
      text += String.fromCharCode(0x60 + s.bits('language', 5, (language.charCodeAt(i) - 0x60) & 31));
    s.align('language');
    b.language = text;
    s.u16('pre_defined', 0);
  },
});
