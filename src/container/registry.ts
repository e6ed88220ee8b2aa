/**
 * fourcc → box definition. Every box a `lirn` file uses is here; anything else is read as an opaque box
 * (payload kept verbatim) so it can be skipped or preserved.
 */
import { type BoxDefinition, type BoxRegistry, defineBox } from './box.js';
import { dref, url } from './boxes/dref.js';
import { mdat, mfhd, tfdt, tfhd, trun } from './boxes/fragment.js';
import { ftyp } from './boxes/ftyp.js';
import { hdlr } from './boxes/hdlr.js';
import { lirA } from './boxes/lira.js';
import { lirC } from './boxes/lirc.js';
import { lirn } from './boxes/lirn.js';
import { lirL, lirW } from './boxes/lirw.js';
import { mdhd } from './boxes/mdhd.js';
import { mehd, trex } from './boxes/mvex.js';
import { mvhd } from './boxes/mvhd.js';
import { stco, stsc, stsz, stts } from './boxes/sample-tables.js';
import { stsd } from './boxes/stsd.js';
import { tkhd } from './boxes/tkhd.js';
import { vmhd } from './boxes/vmhd.js';

const container: BoxDefinition = defineBox({ full: false, children: 'rest' });

export const LIRN_BOXES: BoxRegistry = {
  ftyp,
  moov: container,
  mvhd,
  trak: container,
  tkhd,
  mdia: container,
  mdhd,
  hdlr,
  minf: container,
  vmhd,
  dinf: container,
  dref,
  'url ': url,
  stbl: container,
  stsd,
  stts,
  stsc,
  stsz,
  stco,
  mvex: container,
  mehd,
  trex,
  moof: container,
  mfhd,
  traf: container,
  tfhd,
  tfdt,
  trun,
  mdat,
  lirn,
  lirC,
  lirW,
  lirL,
  lirA,
};
