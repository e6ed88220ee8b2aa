/** Just enough of a tar reader to pull one file out of an npm tarball (ustar/pax, gzip-compressed). */
import { gunzipSync } from 'node:zlib';

/** Bytes of the regular file called `name` in the gzipped tarball `tgz`, or undefined when absent. */
export function extractFromTgz(tgz: Uint8Array, name: string): Uint8Array | undefined {
  const unzipped = gunzipSync(tgz);
  const tar = new Uint8Array(unzipped.buffer, unzipped.byteOffset, unzipped.byteLength);
  let offset = 0;
  let paxPath: string | undefined;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return undefined;
    const size = Number.parseInt(text(header, 124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0 || offset + 512 + size > tar.length) {
      throw new Error(`tar: bad entry size at byte ${offset}`);
    }
    const type = String.fromCharCode(header[156]);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    const prefix = text(header, 345, 155);
    const path = paxPath ?? (prefix ? `${prefix}/${text(header, 0, 100)}` : text(header, 0, 100));
    paxPath = undefined;
    if (type === 'x') {
      paxPath = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(new TextDecoder().decode(body))?.[1];
    } else if ((type === '0' || type === '\0') && path === name) {
      return body;
    }
    offset += 512 + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

function text(bytes: Uint8Array, start: number, length: number): string {
  const field = bytes.subarray(start, start + length);
  const end = field.indexOf(0);
  return new TextDecoder().decode(end < 0 ? field : field.subarray(0, end));
}
