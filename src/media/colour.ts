/**
 * Which YUV↔RGB matrix and range to use. Tagged streams are believed; untagged ones follow FFmpeg/player
 * convention: BT.709 for HD (width ≥ 1280 or height ≥ 720), BT.601 (SMPTE 170M) for SD; limited ("tv") range
 * unless the pixel format is a JPEG-range one (yuvj*). RGB output is always full range.
 * Our encoder writes the same choice and tags it, so encode→decode round trips use one matrix both ways.
 */
import {
  AVCOL_PRI_BT709,
  AVCOL_PRI_SMPTE170M,
  AVCOL_RANGE_JPEG,
  AVCOL_RANGE_MPEG,
  AVCOL_SPC_BT470BG,
  AVCOL_SPC_BT709,
  AVCOL_SPC_BT2020_CL,
  AVCOL_SPC_BT2020_NCL,
  AVCOL_SPC_FCC,
  AVCOL_SPC_SMPTE170M,
  AVCOL_SPC_SMPTE240M,
  AVCOL_SPC_UNSPECIFIED,
  AVCOL_TRC_BT709,
  AVCOL_TRC_SMPTE170M,
  type AVColorPrimaries,
  type AVColorRange,
  type AVColorSpace,
  type AVColorTransferCharacteristic,
} from 'node-av/constants';

/** Values of the scale filter's in_color_matrix / out_color_matrix options. */
export type ColourMatrix = 'bt709' | 'bt601' | 'bt2020' | 'fcc' | 'smpte240m';
export type ColourRange = 'tv' | 'pc';

export function isHd(width: number, height: number): boolean {
  return width >= 1280 || height >= 720;
}

export function conventionalMatrix(width: number, height: number): ColourMatrix {
  return isHd(width, height) ? 'bt709' : 'bt601';
}

export function matrixOfFrame(space: AVColorSpace, width: number, height: number): ColourMatrix {
  switch (space) {
    case AVCOL_SPC_BT709:
      return 'bt709';
    case AVCOL_SPC_BT470BG:
    case AVCOL_SPC_SMPTE170M:
      return 'bt601';
    case AVCOL_SPC_BT2020_NCL:
    case AVCOL_SPC_BT2020_CL:
      return 'bt2020';
    case AVCOL_SPC_FCC:
      return 'fcc';
    case AVCOL_SPC_SMPTE240M:
      return 'smpte240m';
    default:
      return conventionalMatrix(width, height);
  }
}

/** The stream's matrix tag as a name, or 'unspecified' (decoding then follows the size convention above). */
export function taggedMatrix(space: AVColorSpace): ColourMatrix | 'unspecified' {
  return space === AVCOL_SPC_UNSPECIFIED ? 'unspecified' : matrixOfFrame(space, 0, 0);
}

export function taggedRange(range: AVColorRange): ColourRange | 'unspecified' {
  return range === AVCOL_RANGE_JPEG ? 'pc' : range === AVCOL_RANGE_MPEG ? 'tv' : 'unspecified';
}

export function rangeOfFrame(range: AVColorRange, pixelFormatName: string): ColourRange {
  if (range === AVCOL_RANGE_JPEG) return 'pc';
  if (range === AVCOL_RANGE_MPEG) return 'tv';
  return pixelFormatName.startsWith('yuvj') ? 'pc' : 'tv';
}

/** Stream tags for what our encoder writes: matrix, primaries and transfer of the same standard, limited range. */
export interface ColourTags {
  matrix: ColourMatrix;
  colorSpace: AVColorSpace;
  colorPrimaries: AVColorPrimaries;
  colorTrc: AVColorTransferCharacteristic;
  colorRange: AVColorRange;
}

export function encoderColourTags(width: number, height: number): ColourTags {
  return isHd(width, height)
    ? {
        matrix: 'bt709',
        colorSpace: AVCOL_SPC_BT709,
        colorPrimaries: AVCOL_PRI_BT709,
        colorTrc: AVCOL_TRC_BT709,
        colorRange: AVCOL_RANGE_MPEG,
      }
    : {
        matrix: 'bt601',
        colorSpace: AVCOL_SPC_SMPTE170M,
        colorPrimaries: AVCOL_PRI_SMPTE170M,
        colorTrc: AVCOL_TRC_SMPTE170M,
        colorRange: AVCOL_RANGE_MPEG,
      };
}
