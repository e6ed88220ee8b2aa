/**
 * The data model of a `.lirn` file (spec/03-semantics.md): what the box reader produces and the box writer
 * consumes. Plain data; sample bytes are views into the input when read.
 */
import type { CodedTensorGroup, LatentCoding } from '../codec/coding/index.js';
import type { ModelConfig } from '../codec/model/config.js';
import type { Box } from './box.js';

/** One model (NIRVANA-style chunk): one `lirn` sample entry. */
export interface LirnChunk {
  /** Frame size the model was trained at (sample entry width/height). */
  width: number;
  height: number;
  config: ModelConfig;
  /** First frame (global frame number) the model covers, and how many; latent rows = frameCount. */
  firstFrame: number;
  frameCount: number;
  /** One coded tensor group per parameter group (lirW). */
  weights: CodedTensorGroup[];
  /** Quantization and Huffman table of this chunk's latent samples (lirL). */
  latentCoding: LatentCoding;
  /** lirC map keys this decoder does not interpret; preserved on rewrite. */
  configExtra?: Record<string, unknown>;
  /** The lirC payload as read; re-emitted unchanged while it still decodes to the fields above. */
  configBytes?: Uint8Array;
  /** Unknown child boxes of the sample entry, kept and re-emitted after lirL. */
  extraBoxes?: Box[];
}

/** One movie fragment (moof + mdat), the HLS media segment: consecutive frames of one chunk. */
export interface LirnSegment {
  /** Index into `chunks` of the header it was read with (the sample entry is chunkIndex + 1). */
  chunkIndex: number;
  firstFrame: number;
  /** tfdt: firstFrame × sampleDuration. */
  baseMediaDecodeTime: number;
  /** One Huffman-coded latent per frame. */
  samples: Uint8Array[];
  /** mfhd sequence_number; writers default to the segment's index + 1. */
  sequenceNumber?: number;
}

/** Everything in the init part (ftyp + moov): what a player needs before any media segment. */
export interface LirnHeader {
  majorBrand: string;
  minorVersion: number;
  compatibleBrands: string[];
  /** Media timescale (ticks per second); frame duration = sampleDuration ticks (e.g. 24000 / 1001). */
  timescale: number;
  sampleDuration: number;
  /** Frames in the whole video (the movie duration is frameCount × sampleDuration). */
  frameCount: number;
  /** Presentation size (tkhd), integer pixels. */
  displayWidth: number;
  displayHeight: number;
  chunks: LirnChunk[];
}

export interface LirnFile extends LirnHeader {
  segments: LirnSegment[];
}

export const LIRN_BRAND = 'lirn';
export const DEFAULT_COMPATIBLE_BRANDS: readonly string[] = ['lirn', 'iso6'];
export const TRACK_ID = 1;
/** Default sample flags: sample_depends_on = 2 (depends on no other sample), a sync sample. */
export const SAMPLE_FLAGS_INDEPENDENT = 0x02000000;

/** What a file header needs to know about the video: its frame rate, length and presentation size. */
export interface VideoTiming {
  timescale: number;
  sampleDuration: number;
  frameCount: number;
  width: number;
  height: number;
}

/** A file with our brands for `video`, holding `chunks` and `segments` (both may still be growing). */
export function newLirnFile(
  video: VideoTiming,
  chunks: LirnChunk[] = [],
  segments: LirnSegment[] = [],
): LirnFile {
  return {
    majorBrand: LIRN_BRAND,
    minorVersion: 0,
    compatibleBrands: [...DEFAULT_COMPATIBLE_BRANDS],
    timescale: video.timescale,
    sampleDuration: video.sampleDuration,
    frameCount: video.frameCount,
    displayWidth: video.width,
    displayHeight: video.height,
    chunks,
    segments,
  };
}
