/** FileTypeBox (ISO/IEC 14496-12 §4.3). */
import { type Box, defineBox } from '../box.js';

export interface FtypBox extends Box {
  major_brand: string;
  minor_version: number;
  compatible_brands: string[];
}

export const ftyp = defineBox<FtypBox>({
  full: false,
  fields(s, b) {
    b.major_brand = s.fourcc('major_brand', b.major_brand);
    b.minor_version = s.u32('minor_version', b.minor_version);
    const n = s.reading ? Math.floor(s.remaining() / 4) : b.compatible_brands.length;
    const brands: string[] = [];
    for (let i = 0; i < n; i++) brands.push(s.fourcc('compatible_brands', b.compatible_brands?.[i]));
    b.compatible_brands = brands;
  },
});
