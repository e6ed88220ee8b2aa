/**
 * What an upload is, from its first bytes: the magic numbers of the containers FFmpeg reads video from, and the
 * `lirn` brand of an already encoded file. Sniffing comes before probing, so a text file or an image never reaches
 * the demuxer; a file that passes is still probed (probeVideo) before it is accepted.
 */

export interface Sniffed {
  kind: 'video' | 'lirn';
  /** Short format name, also the source file's extension. */
  format: string;
}

const ascii = (b: Uint8Array, at: number, text: string) => {
  if (b.length < at + text.length) return false;
  for (let i = 0; i < text.length; i++) if (b[at + i] !== text.charCodeAt(i)) return false;
  return true;
};

const BMFF_FIRST_BOXES = ['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'styp'];
const ASF = [0x30, 0x26, 0xb2, 0x75, 0x8e, 0x66, 0xcf, 0x11];

/** Bytes to read for sniffing. */
export const SNIFF_BYTES = 512;

export function sniffUpload(head: Uint8Array): Sniffed | null {
  if (BMFF_FIRST_BOXES.some((t) => ascii(head, 4, t))) {
    if (ascii(head, 4, 'ftyp') && ascii(head, 8, 'lirn')) return { kind: 'lirn', format: 'lirn' };
    return { kind: 'video', format: 'mp4' };
  }
  if (ascii(head, 0, 'RIFF') && ascii(head, 8, 'AVI ')) return { kind: 'video', format: 'avi' };
  if (head.length >= 4 && head[0] === 0x1a && head[1] === 0x45 && head[2] === 0xdf && head[3] === 0xa3) {
    return { kind: 'video', format: 'mkv' };
  }
  if (head.length >= 189 && head[0] === 0x47 && head[188] === 0x47) return { kind: 'video', format: 'ts' };
  if (head.length >= 4 && head[0] === 0 && head[1] === 0 && head[2] === 1 && head[3] === 0xba) {
    return { kind: 'video', format: 'mpg' };
  }
  if (ascii(head, 0, 'FLV') && head[3] === 1) return { kind: 'video', format: 'flv' };
  if (ascii(head, 0, 'OggS')) return { kind: 'video', format: 'ogv' };
  if (ascii(head, 0, 'YUV4MPEG2 ')) return { kind: 'video', format: 'y4m' };
  if (ASF.every((b, i) => head[i] === b)) return { kind: 'video', format: 'wmv' };
  return null;
}
