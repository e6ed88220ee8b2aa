/** SampleDescriptionBox (ISO/IEC 14496-12 §8.5.2): `entry_count` sample entries as child boxes. */
import { type Box, defineBox } from '../box.js';

export interface StsdBox extends Box {
  entry_count: number;
}

export const stsd = defineBox<StsdBox>({
  full: true,
  versions: [0],
  fields(s, b) {
    b.entry_count = s.count('entry_count', 32, 8, b.children?.length ?? 0);
  },
  children: 'counted',
});
