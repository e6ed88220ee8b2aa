/**
 * The `lirn` sample entry: a VisualSampleEntry (ISO/IEC 14496-12 §8.5.2.2, §12.1.3) whose child boxes carry
 * one chunk's model (lirC, lirW, lirL). Unknown child boxes are kept and re-emitted.
 */
import { type Box, defineBox } from '../box.js';

export const LIRN_COMPRESSOR_NAME = 'Latent-INR';
/** 72 dpi in 16.16 fixed point. */
export const RESOLUTION_72_DPI = 0x00480000;

export interface LirnSampleEntry extends Box {
  data_reference_index: number;
  width: number;
  height: number;
  horizresolution?: number;
  vertresolution?: number;
  frame_count?: number;
  compressorname?: string;
  depth?: number;
}

export const lirn = defineBox<LirnSampleEntry>({
  full: false,
  fields(s, b) {
    // SampleEntry
    for (let i = 0; i < 6; i++) s.u8('reserved', 0);
    b.data_reference_index = s.u16('data_reference_index', b.data_reference_index);
    // VisualSampleEntry
    s.u16('pre_defined', 0);
    s.u16('reserved', 0);
    for (let i = 0; i < 3; i++) s.u32('pre_defined', 0);
    b.width = s.u16('width', b.width);
    b.height = s.u16('height', b.height);
    b.horizresolution = s.u32('horizresolution', b.horizresolution ?? RESOLUTION_72_DPI);
    b.vertresolution = s.u32('vertresolution', b.vertresolution ?? RESOLUTION_72_DPI);
    s.u32('reserved', 0);
    b.frame_count = s.u16('frame_count', b.frame_count ?? 1);
    b.compressorname = s.pstring('compressorname', 32, b.compressorname ?? LIRN_COMPRESSOR_NAME);
    b.depth = s.u16('depth', b.depth ?? 0x0018);
    s.i16('pre_defined', -1);
  },
  children: 'rest',
});
