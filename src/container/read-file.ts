/**
 * Box tree → LirnFile: checks the layout and semantics of spec/03-semantics.md and reports the first
 * violation as a ContainerError naming the box path and its offset. Unknown boxes are skipped, except inside
 * the `lirn` sample entry, where they are kept (LirnChunk.extraBoxes).
 */
import { MAX_DIMENSION } from '../codec/model/config.js';
import type { Box } from './box.js';
import { readBoxes } from './box-io.js';
import { type DrefBox, URL_SELF_CONTAINED } from './boxes/dref.js';
import {
  type MdatBox,
  type MfhdBox,
  TFHD_BASE_DATA_OFFSET,
  TFHD_DEFAULT_BASE_IS_MOOF,
  type TfdtBox,
  type TfhdBox,
  TRUN_DATA_OFFSET,
  TRUN_SAMPLE_SIZE,
  type TrunBox,
} from './boxes/fragment.js';
import type { FtypBox } from './boxes/ftyp.js';
import type { HdlrBox } from './boxes/hdlr.js';
import type { LircBox } from './boxes/lirc.js';
import type { LirnSampleEntry } from './boxes/lirn.js';
import type { LirlBox, LirwBox } from './boxes/lirw.js';
import type { MdhdBox } from './boxes/mdhd.js';
import type { TrexBox } from './boxes/mvex.js';
import type { StcoBox, StscBox, StszBox, SttsBox } from './boxes/sample-tables.js';
import type { TkhdBox } from './boxes/tkhd.js';
import { ContainerError, type ContainerErrorDetails } from './errors.js';
import { decodeLircPayload } from './lirc-payload.js';
import {
  LIRN_BRAND,
  type LirnChunk,
  type LirnFile,
  type LirnHeader,
  type LirnSegment,
  TRACK_ID,
} from './lirn-file.js';
import { LIRN_BOXES } from './registry.js';

function fail(b: Box, path: string, details: ContainerErrorDetails, message: string): never {
  throw new ContainerError(details, path, b.offset ?? 0, message);
}

type Want = 'one' | 'optional';

interface Picked {
  found: Map<string, Box>;
  /** Children whose type is not expected here, in order. */
  others: Box[];
}

/**
 * The expected children of `parent`, which must appear in the listed order, each at most once; 'one' boxes
 * are required. Other boxes are returned in `others` (skipped by the caller, or kept).
 */
function pick(parent: Box, path: string, expected: ReadonlyArray<readonly [string, Want]>): Picked {
  const found = new Map<string, Box>();
  const others: Box[] = [];
  let last = -1;
  for (const child of parent.children ?? []) {
    const index = expected.findIndex(([type]) => type === child.type);
    if (index < 0) {
      others.push(child);
      continue;
    }
    const childPath = `${path}/${child.type}`;
    if (index === last)
      fail(child, childPath, 'wrong-order', `'${child.type}' appears twice in '${parent.type}'`);
    if (index < last)
      fail(child, childPath, 'wrong-order', `'${child.type}' comes after '${expected[last][0]}'`);
    last = index;
    found.set(child.type, child);
  }
  for (const [type, want] of expected) {
    if (want === 'one' && !found.has(type))
      fail(parent, path, 'wrong-order', `required box '${type}' is missing`);
  }
  return { found, others };
}

function get<T extends Box>(p: Picked, type: string): T {
  return p.found.get(type) as T;
}

const STBL = 'moov/trak/mdia/minf/stbl';

function readHeader(ftyp: FtypBox, moov: Box): LirnHeader {
  if (ftyp.major_brand !== LIRN_BRAND && !ftyp.compatible_brands.includes(LIRN_BRAND)) {
    fail(
      ftyp,
      'ftyp',
      'unsupported',
      `neither major_brand '${ftyp.major_brand}' nor a compatible brand is '${LIRN_BRAND}'`,
    );
  }
  const m = pick(moov, 'moov', [
    ['mvhd', 'one'],
    ['trak', 'one'],
    ['mvex', 'one'],
  ]);
  const trak = pick(get(m, 'trak'), 'moov/trak', [
    ['tkhd', 'one'],
    ['mdia', 'one'],
  ]);
  const tkhd = get<TkhdBox>(trak, 'tkhd');
  if (tkhd.track_ID !== TRACK_ID)
    fail(tkhd, 'moov/trak/tkhd', 'unsupported', `track_ID ${tkhd.track_ID} is not ${TRACK_ID}`);
  const mdia = pick(get(trak, 'mdia'), 'moov/trak/mdia', [
    ['mdhd', 'one'],
    ['hdlr', 'one'],
    ['minf', 'one'],
  ]);
  const mdhd = get<MdhdBox>(mdia, 'mdhd');
  const hdlr = get<HdlrBox>(mdia, 'hdlr');
  if (hdlr.handler_type !== 'vide')
    fail(hdlr, 'moov/trak/mdia/hdlr', 'unsupported', `handler_type '${hdlr.handler_type}' is not 'vide'`);
  const minf = pick(get(mdia, 'minf'), 'moov/trak/mdia/minf', [
    ['vmhd', 'one'],
    ['dinf', 'one'],
    ['stbl', 'one'],
  ]);
  const dinf = pick(get(minf, 'dinf'), 'moov/trak/mdia/minf/dinf', [['dref', 'one']]);
  const dref = get<DrefBox>(dinf, 'dref');
  const url = dref.children?.[0];
  if (url?.type !== 'url ' || ((url.flags ?? 0) & URL_SELF_CONTAINED) === 0) {
    fail(
      dref,
      'moov/trak/mdia/minf/dinf/dref',
      'unsupported',
      "the first data reference is not a self-contained 'url '",
    );
  }
  const stbl = pick(get(minf, 'stbl'), STBL, [
    ['stsd', 'one'],
    ['stts', 'one'],
    ['stsc', 'one'],
    ['stsz', 'one'],
    ['stco', 'one'],
  ]);
  checkEmptySampleTables(stbl);

  const mvex = pick(get(m, 'mvex'), 'moov/mvex', [
    ['mehd', 'optional'],
    ['trex', 'one'],
  ]);
  const trex = get<TrexBox>(mvex, 'trex');
  if (trex.track_ID !== TRACK_ID)
    fail(trex, 'moov/mvex/trex', 'bad-value', `track_ID ${trex.track_ID} is not ${TRACK_ID}`);
  if (trex.default_sample_description_index !== 1) {
    fail(
      trex,
      'moov/mvex/trex',
      'unsupported',
      `default_sample_description_index ${trex.default_sample_description_index} is not 1`,
    );
  }
  const sampleDuration = trex.default_sample_duration;
  if (sampleDuration < 1) fail(trex, 'moov/mvex/trex', 'bad-value', 'default_sample_duration = 0');
  if (mdhd.timescale < 1) fail(mdhd, 'moov/trak/mdia/mdhd', 'bad-value', 'timescale = 0');
  const frameCount = mdhd.duration / sampleDuration;
  if (!Number.isInteger(frameCount) || frameCount < 1) {
    fail(
      mdhd,
      'moov/trak/mdia/mdhd',
      'bad-value',
      `duration ${mdhd.duration} is not a positive multiple of the sample duration ${sampleDuration}`,
    );
  }
  if (tkhd.width % 0x10000 !== 0 || tkhd.height % 0x10000 !== 0) {
    fail(tkhd, 'moov/trak/tkhd', 'bad-value', 'width and height must be whole pixels');
  }

  const stsd = get<Box>(stbl, 'stsd');
  const entries = stsd.children ?? [];
  if (entries.length === 0) fail(stsd, `${STBL}/stsd`, 'bad-value', 'no sample entry');
  const chunks = entries.map((e) => readChunk(e, `${STBL}/stsd/${e.type}`, dref.entry_count));
  for (let k = 0; k < chunks.length; k++) {
    const c = chunks[k];
    const expectedFirst = k === 0 ? c.firstFrame : chunks[k - 1].firstFrame + chunks[k - 1].frameCount;
    if (c.firstFrame !== expectedFirst || c.firstFrame + c.frameCount > frameCount) {
      fail(
        entries[k],
        `${STBL}/stsd/lirn`,
        'bad-value',
        `chunk ${k} covers frames ${c.firstFrame}..${c.firstFrame + c.frameCount - 1}, expected to start at ${expectedFirst} and end before ${frameCount}`,
      );
    }
  }
  const ftypFields = {
    majorBrand: ftyp.major_brand,
    minorVersion: ftyp.minor_version,
    compatibleBrands: ftyp.compatible_brands,
  };
  return {
    ...ftypFields,
    timescale: mdhd.timescale,
    sampleDuration,
    frameCount,
    displayWidth: tkhd.width / 0x10000,
    displayHeight: tkhd.height / 0x10000,
    chunks,
  };
}

function checkEmptySampleTables(stbl: Picked): void {
  const nonEmpty =
    get<SttsBox>(stbl, 'stts').entries.length > 0 ||
    get<StscBox>(stbl, 'stsc').entries.length > 0 ||
    get<StszBox>(stbl, 'stsz').sample_count > 0 ||
    get<StcoBox>(stbl, 'stco').chunk_offset.length > 0;
  if (nonEmpty)
    fail(
      get(stbl, 'stts'),
      `${STBL}/stts`,
      'unsupported',
      'samples outside movie fragments (sample tables must be empty)',
    );
}

function readChunk(entry: Box, path: string, dataReferences: number): LirnChunk {
  if (entry.type !== 'lirn') fail(entry, path, 'unsupported', `sample entry '${entry.type}' is not 'lirn'`);
  const e = entry as LirnSampleEntry;
  if (e.data_reference_index < 1 || e.data_reference_index > dataReferences) {
    fail(
      e,
      path,
      'bad-value',
      `data_reference_index ${e.data_reference_index} does not name a data reference`,
    );
  }
  for (const [name, v] of [
    ['width', e.width],
    ['height', e.height],
  ] as const) {
    if (v < 1 || v > MAX_DIMENSION)
      fail(e, path, 'bad-value', `${name} = ${v} is outside 1..${MAX_DIMENSION}`);
  }
  const p = pick(e, path, [
    ['lirC', 'one'],
    ['lirW', 'one'],
    ['lirL', 'one'],
  ]);
  const lirC = get<LircBox>(p, 'lirC');
  // The payload follows the 12-byte FullBox header (largesize/uuid forms are not used for lirC).
  const payloadOffset = (lirC.offset ?? 0) + (lirC.size ?? 0) - lirC.data.length;
  const conf = decodeLircPayload(lirC.data, `${path}/lirC`, payloadOffset);
  const lirL = get<LirlBox>(p, 'lirL');
  if (lirL.coding.dim !== conf.config.latent.dim) {
    fail(
      lirL,
      `${path}/lirL`,
      'bad-value',
      `latent_dim ${lirL.coding.dim} ≠ the model's latent dim ${conf.config.latent.dim}`,
    );
  }
  const chunk: LirnChunk = {
    width: e.width,
    height: e.height,
    config: conf.config,
    firstFrame: conf.firstFrame,
    frameCount: conf.frameCount,
    weights: get<LirwBox>(p, 'lirW').groups,
    latentCoding: lirL.coding,
    configBytes: lirC.data,
  };
  if (Object.keys(conf.extra).length > 0) chunk.configExtra = conf.extra;
  if (p.others.length > 0) chunk.extraBoxes = p.others;
  return chunk;
}

function readFragment(h: LirnHeader, moof: Box, mdat: MdatBox): LirnSegment {
  const m = pick(moof, 'moof', [
    ['mfhd', 'one'],
    ['traf', 'one'],
  ]);
  const traf = pick(get(m, 'traf'), 'moof/traf', [
    ['tfhd', 'one'],
    ['tfdt', 'one'],
    ['trun', 'one'],
  ]);
  const tfhd = get<TfhdBox>(traf, 'tfhd');
  const tfdt = get<TfdtBox>(traf, 'tfdt');
  const trun = get<TrunBox>(traf, 'trun');
  const tfhdPath = 'moof/traf/tfhd';
  const trunPath = 'moof/traf/trun';
  const flags = tfhd.flags ?? 0;
  if (tfhd.track_ID !== TRACK_ID)
    fail(tfhd, tfhdPath, 'bad-value', `track_ID ${tfhd.track_ID} is not the lirn track (${TRACK_ID})`);
  if (flags & TFHD_BASE_DATA_OFFSET || !(flags & TFHD_DEFAULT_BASE_IS_MOOF)) {
    fail(
      tfhd,
      tfhdPath,
      'unsupported',
      'sample data must be addressed relative to the moof (default-base-is-moof, no base_data_offset)',
    );
  }
  if (tfhd.default_sample_duration !== undefined && tfhd.default_sample_duration !== h.sampleDuration) {
    fail(
      tfhd,
      tfhdPath,
      'bad-value',
      `default_sample_duration ${tfhd.default_sample_duration} ≠ ${h.sampleDuration}`,
    );
  }
  const sdi = tfhd.sample_description_index ?? 1;
  const chunkIndex = sdi - 1;
  const chunk = h.chunks[chunkIndex];
  if (!chunk)
    fail(
      tfhd,
      tfhdPath,
      'bad-value',
      `sample_description_index ${sdi} names no sample entry (there are ${h.chunks.length})`,
    );

  const trunFlags = trun.flags ?? 0;
  if (!(trunFlags & TRUN_DATA_OFFSET) || !(trunFlags & TRUN_SAMPLE_SIZE)) {
    fail(trun, trunPath, 'unsupported', 'trun must carry data_offset and per-sample sizes');
  }
  if (trun.samples.length === 0) fail(trun, trunPath, 'bad-value', 'sample_count = 0');
  let total = 0;
  for (const s of trun.samples) {
    if (s.sample_duration !== undefined && s.sample_duration !== h.sampleDuration) {
      fail(
        trun,
        trunPath,
        'bad-value',
        `sample_duration ${s.sample_duration} ≠ ${h.sampleDuration} (frames have one duration)`,
      );
    }
    total += s.sample_size ?? 0;
  }
  const mdatPayloadStart = (mdat.offset ?? 0) + (mdat.size ?? 0) - mdat.data.length;
  if ((moof.offset ?? 0) + (trun.data_offset ?? 0) !== mdatPayloadStart) {
    fail(
      trun,
      trunPath,
      'bad-value',
      `data_offset ${trun.data_offset} does not point at the start of the following mdat's data`,
    );
  }
  if (total !== mdat.data.length)
    fail(mdat, 'mdat', 'bad-size', `holds ${mdat.data.length} bytes but the samples need ${total}`);
  const samples: Uint8Array[] = [];
  let at = 0;
  for (const s of trun.samples) {
    const n = s.sample_size ?? 0;
    samples.push(mdat.data.subarray(at, at + n));
    at += n;
  }

  const firstFrame = tfdt.baseMediaDecodeTime / h.sampleDuration;
  if (!Number.isInteger(firstFrame)) {
    fail(
      tfdt,
      'moof/traf/tfdt',
      'bad-value',
      `baseMediaDecodeTime ${tfdt.baseMediaDecodeTime} is not a whole frame`,
    );
  }
  if (firstFrame < chunk.firstFrame || firstFrame + samples.length > chunk.firstFrame + chunk.frameCount) {
    fail(
      tfdt,
      'moof/traf/tfdt',
      'bad-value',
      `frames ${firstFrame}..${firstFrame + samples.length - 1} are outside the chunk's frames ${chunk.firstFrame}..${chunk.firstFrame + chunk.frameCount - 1}`,
    );
  }
  return {
    chunkIndex,
    firstFrame,
    baseMediaDecodeTime: tfdt.baseMediaDecodeTime,
    samples,
    sequenceNumber: get<MfhdBox>(m, 'mfhd').sequence_number,
  };
}

interface TopLevel {
  ftyp?: FtypBox;
  moov?: Box;
  fragments: Array<[Box, MdatBox]>;
}

/** Top level: ftyp, moov, then moof + mdat pairs; unknown boxes are skipped. */
function splitTopLevel(boxes: readonly Box[]): TopLevel {
  const top: TopLevel = { fragments: [] };
  let pendingMoof: Box | undefined;
  for (const b of boxes) {
    if (!Object.hasOwn(LIRN_BOXES, b.type)) continue;
    const order = (message: string): never => fail(b, b.type, 'wrong-order', message);
    if (pendingMoof && b.type !== 'mdat') order(`'moof' must be followed by its 'mdat', found '${b.type}'`);
    switch (b.type) {
      case 'ftyp':
        if (top.ftyp || top.moov || top.fragments.length > 0)
          order("'ftyp' must be the first box and appear once");
        top.ftyp = b as FtypBox;
        break;
      case 'moov':
        if (top.moov || top.fragments.length > 0)
          order("'moov' must appear once, before the movie fragments");
        top.moov = b;
        break;
      case 'moof':
        pendingMoof = b;
        break;
      case 'mdat':
        if (!pendingMoof) fail(b, b.type, 'wrong-order', "'mdat' without a preceding 'moof'");
        top.fragments.push([pendingMoof, b as MdatBox]);
        pendingMoof = undefined;
        break;
      default:
        order(`'${b.type}' is not allowed at the top level`);
    }
  }
  if (pendingMoof) fail(pendingMoof, 'moof', 'wrong-order', "'moof' without its 'mdat'");
  return top;
}

const FILE_START: Box = { type: '', offset: 0 };

function readHeaderBoxes(top: TopLevel): LirnHeader {
  if (!top.ftyp) fail(FILE_START, '', 'wrong-order', "required box 'ftyp' is missing");
  if (!top.moov) fail(FILE_START, '', 'wrong-order', "required box 'moov' is missing");
  return readHeader(top.ftyp, top.moov);
}

/** Parses a whole `.lirn` file (ftyp, moov, then its movie fragments in frame order). */
export function readLirnFile(bytes: Uint8Array): LirnFile {
  const boxes = readBoxes(bytes);
  const top = splitTopLevel(boxes);
  const header = readHeaderBoxes(top);
  const segments: LirnSegment[] = [];
  let nextFrame = header.chunks[0].firstFrame;
  let lastSequence = 0;
  for (const [moof, mdat] of top.fragments) {
    const seg = readFragment(header, moof, mdat);
    if (seg.firstFrame !== nextFrame)
      fail(moof, 'moof', 'bad-value', `segment starts at frame ${seg.firstFrame}, expected ${nextFrame}`);
    if ((seg.sequenceNumber ?? 0) <= lastSequence)
      fail(moof, 'moof/mfhd', 'bad-value', `sequence_number ${seg.sequenceNumber} does not increase`);
    lastSequence = seg.sequenceNumber ?? 0;
    nextFrame += seg.samples.length;
    segments.push(seg);
  }
  return { ...header, segments };
}

/** Parses an init segment (ftyp + moov, no fragments): what a player fetches first (EXT-X-MAP). */
export function readInitSegment(bytes: Uint8Array): LirnHeader {
  const boxes = readBoxes(bytes);
  const top = splitTopLevel(boxes);
  if (top.fragments.length > 0)
    fail(top.fragments[0][0], 'moof', 'wrong-order', 'an init segment has no movie fragments');
  return readHeaderBoxes(top);
}

/**
 * Parses one media segment (moof + mdat) against the header of the init segment it belongs to; `chunkIndex`
 * indexes `header.chunks`.
 */
export function readMediaSegment(bytes: Uint8Array, header: LirnHeader): LirnSegment {
  const boxes = readBoxes(bytes);
  const top = splitTopLevel(boxes);
  const stray = top.ftyp ?? top.moov;
  if (stray) fail(stray, stray.type, 'wrong-order', `a media segment has no '${stray.type}'`);
  if (top.fragments.length !== 1)
    fail(
      FILE_START,
      '',
      'wrong-order',
      `a media segment holds one moof + mdat, found ${top.fragments.length}`,
    );
  const [moof, mdat] = top.fragments[0];
  return readFragment(header, moof, mdat);
}
