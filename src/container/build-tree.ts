/**
 * LirnFile → box tree: the canonical layout of spec/03-semantics.md §3.1. Reading (read-file.ts) is the
 * inverse; for files this module wrote, parse → build gives identical bytes.
 */
import { MAX_DIMENSION } from '../codec/model/config.js';
import type { Box } from './box.js';
import { writeBoxes } from './box-io.js';
import type { DrefBox, UrlBox } from './boxes/dref.js';
import { URL_SELF_CONTAINED } from './boxes/dref.js';
import type { MdatBox, MfhdBox, TfdtBox, TfhdBox, TrunBox } from './boxes/fragment.js';
import {
  TFHD_DEFAULT_BASE_IS_MOOF,
  TFHD_SAMPLE_DESCRIPTION_INDEX,
  TRUN_DATA_OFFSET,
  TRUN_SAMPLE_SIZE,
} from './boxes/fragment.js';
import type { FtypBox } from './boxes/ftyp.js';
import type { HdlrBox } from './boxes/hdlr.js';
import type { LircBox } from './boxes/lirc.js';
import type { LirnSampleEntry } from './boxes/lirn.js';
import type { LirlBox, LirwBox } from './boxes/lirw.js';
import type { MdhdBox } from './boxes/mdhd.js';
import type { TrexBox } from './boxes/mvex.js';
import type { MvhdBox } from './boxes/mvhd.js';
import type { StcoBox, StscBox, StszBox, SttsBox } from './boxes/sample-tables.js';
import type { StsdBox } from './boxes/stsd.js';
import { TKHD_ENABLED_IN_MOVIE, type TkhdBox } from './boxes/tkhd.js';
import type { VmhdBox } from './boxes/vmhd.js';
import { ContainerError } from './errors.js';
import { lircPayloadFor } from './lirc-payload.js';
import {
  type LirnChunk,
  type LirnHeader,
  type LirnSegment,
  SAMPLE_FLAGS_INDEPENDENT,
  TRACK_ID,
} from './lirn-file.js';

export const HANDLER_NAME = 'Latent-INR';

function invalid(box: string, message: string): never {
  throw new ContainerError('bad-value', box, 0, `cannot write: ${message}`);
}

/** 32-bit fields where they fit, version 1 (64-bit) boxes where a duration does not. */
function versionFor(value: number): number {
  return value > 0xffffffff ? 1 : 0;
}

export function ftypBox(h: LirnHeader): FtypBox {
  return {
    type: 'ftyp',
    major_brand: h.majorBrand,
    minor_version: h.minorVersion,
    compatible_brands: [...h.compatibleBrands],
  };
}

function box<T extends Box>(b: T): T {
  return b;
}

export function sampleEntryBox(c: LirnChunk): LirnSampleEntry {
  const configuration = lircPayloadFor(
    { config: c.config, firstFrame: c.firstFrame, frameCount: c.frameCount, extra: c.configExtra ?? {} },
    c.configBytes,
  );
  return {
    type: 'lirn',
    data_reference_index: 1,
    width: c.width,
    height: c.height,
    children: [
      box<LircBox>({ type: 'lirC', data: configuration }),
      box<LirwBox>({ type: 'lirW', groups: c.weights }),
      box<LirlBox>({ type: 'lirL', coding: c.latentCoding }),
      ...(c.extraBoxes ?? []),
    ],
  };
}

/** moov for the chunks of `h` (all of a file's chunks, or one for an HLS init segment). */
export function moovBox(h: LirnHeader): Box {
  if (h.chunks.length === 0) invalid('moov/trak/mdia/minf/stbl/stsd', 'a lirn file needs at least one chunk');
  h.chunks.forEach((c, k) => {
    const previous = h.chunks[k - 1];
    if (previous && c.firstFrame !== previous.firstFrame + previous.frameCount) {
      invalid(
        'moov/trak/mdia/minf/stbl/stsd/lirn',
        `chunk ${k} starts at frame ${c.firstFrame}, not where chunk ${k - 1} ends`,
      );
    }
    if (c.firstFrame + c.frameCount > h.frameCount)
      invalid('moov/trak/mdia/minf/stbl/stsd/lirn', `chunk ${k} ends after frame ${h.frameCount}`);
    for (const side of [c.width, c.height]) {
      if (!Number.isInteger(side) || side < 1 || side > MAX_DIMENSION)
        invalid('moov/trak/mdia/minf/stbl/stsd/lirn', `chunk ${k}: frame size ${c.width}×${c.height}`);
    }
    if (c.latentCoding.dim !== c.config.latent.dim)
      invalid('moov/trak/mdia/minf/stbl/stsd/lirn/lirL', `chunk ${k}: latent coding dim ≠ config.latent.dim`);
  });
  if (!(h.sampleDuration > 0)) invalid('moov/mvex/trex', `sampleDuration = ${h.sampleDuration}`);
  const duration = h.frameCount * h.sampleDuration;
  const v = versionFor(duration);
  const fixed = (x: number, what: string) => {
    if (!Number.isInteger(x) || x < 0 || x > 0xffff)
      invalid('moov/trak/tkhd', `${what} = ${x} is not an integer in 0..65535`);
    return x * 0x10000;
  };
  const stbl: Box = {
    type: 'stbl',
    children: [
      box<StsdBox>({ type: 'stsd', entry_count: h.chunks.length, children: h.chunks.map(sampleEntryBox) }),
      box<SttsBox>({ type: 'stts', entries: [] }),
      box<StscBox>({ type: 'stsc', entries: [] }),
      box<StszBox>({ type: 'stsz', sample_size: 0, sample_count: 0, entry_size: [] }),
      box<StcoBox>({ type: 'stco', chunk_offset: [] }),
    ],
  };
  const minf: Box = {
    type: 'minf',
    children: [
      box<VmhdBox>({ type: 'vmhd', flags: 1 }),
      {
        type: 'dinf',
        children: [
          box<DrefBox>({
            type: 'dref',
            entry_count: 1,
            children: [box<UrlBox>({ type: 'url ', flags: URL_SELF_CONTAINED })],
          }),
        ],
      },
      stbl,
    ],
  };
  const mdia: Box = {
    type: 'mdia',
    children: [
      box<MdhdBox>({ type: 'mdhd', version: v, timescale: h.timescale, duration }),
      box<HdlrBox>({ type: 'hdlr', handler_type: 'vide', name: HANDLER_NAME }),
      minf,
    ],
  };
  const trak: Box = {
    type: 'trak',
    children: [
      box<TkhdBox>({
        type: 'tkhd',
        version: v,
        flags: TKHD_ENABLED_IN_MOVIE,
        track_ID: TRACK_ID,
        duration,
        width: fixed(h.displayWidth, 'displayWidth'),
        height: fixed(h.displayHeight, 'displayHeight'),
      }),
      mdia,
    ],
  };
  const mvex: Box = {
    type: 'mvex',
    children: [
      box<TrexBox>({
        type: 'trex',
        track_ID: TRACK_ID,
        default_sample_description_index: 1,
        default_sample_duration: h.sampleDuration,
        default_sample_size: 0,
        default_sample_flags: SAMPLE_FLAGS_INDEPENDENT,
      }),
    ],
  };
  return {
    type: 'moov',
    children: [
      box<MvhdBox>({
        type: 'mvhd',
        version: v,
        timescale: h.timescale,
        duration,
        next_track_ID: TRACK_ID + 1,
      }),
      trak,
      mvex,
    ],
  };
}

/**
 * moof + mdat of one segment. `sampleDescriptionIndex` is the chunk's sample entry in the init segment the
 * fragment is used with (chunkIndex + 1 in a whole file, 1 with a per-chunk HLS init segment).
 */
export function fragmentBoxes(
  h: LirnHeader,
  seg: LirnSegment,
  sequenceNumber: number,
  sampleDescriptionIndex: number,
): [Box, MdatBox] {
  const chunk = h.chunks[seg.chunkIndex];
  if (!chunk) invalid('moof/traf/tfhd', `segment chunkIndex ${seg.chunkIndex} has no chunk`);
  if (seg.samples.length === 0) invalid('moof/traf/trun', 'a segment needs at least one sample');
  if (
    seg.firstFrame < chunk.firstFrame ||
    seg.firstFrame + seg.samples.length > chunk.firstFrame + chunk.frameCount
  ) {
    invalid(
      'moof/traf',
      `frames ${seg.firstFrame}..${seg.firstFrame + seg.samples.length - 1} are outside chunk ${seg.chunkIndex}`,
    );
  }
  const decodeTime = seg.firstFrame * h.sampleDuration;
  if (seg.baseMediaDecodeTime !== decodeTime) {
    invalid(
      'moof/traf/tfdt',
      `baseMediaDecodeTime ${seg.baseMediaDecodeTime} ≠ firstFrame × sampleDuration = ${decodeTime}`,
    );
  }
  let total = 0;
  for (const sample of seg.samples) total += sample.length;
  const data = new Uint8Array(total);
  let at = 0;
  for (const sample of seg.samples) {
    data.set(sample, at);
    at += sample.length;
  }
  const trun = box<TrunBox>({
    type: 'trun',
    version: 0,
    flags: TRUN_DATA_OFFSET | TRUN_SAMPLE_SIZE,
    data_offset: 0,
    samples: seg.samples.map((sample) => ({ sample_size: sample.length })),
  });
  const moof: Box = {
    type: 'moof',
    children: [
      box<MfhdBox>({ type: 'mfhd', sequence_number: sequenceNumber }),
      {
        type: 'traf',
        children: [
          box<TfhdBox>({
            type: 'tfhd',
            flags: TFHD_SAMPLE_DESCRIPTION_INDEX | TFHD_DEFAULT_BASE_IS_MOOF,
            track_ID: TRACK_ID,
            sample_description_index: sampleDescriptionIndex,
          }),
          box<TfdtBox>({ type: 'tfdt', version: 1, baseMediaDecodeTime: decodeTime }),
          trun,
        ],
      },
    ],
  };
  // The sample data starts right after moof and the 8-byte mdat header.
  trun.data_offset = writeBoxes([moof]).length + 8;
  return [moof, box<MdatBox>({ type: 'mdat', data })];
}
